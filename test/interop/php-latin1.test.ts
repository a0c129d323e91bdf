/**
 * PHP's SoapClient in ISO-8859-1 mode (`'encoding' => 'ISO-8859-1'`), as legacy PHP partners
 * run it, against a real server behind the wire tap (issue 15 item 9): a full name with umlauts
 * goes in as ISO-8859-1, is stored as the same characters, and comes back to PHP intact.
 *
 * SoapClient converts to UTF-8 for the wire by itself, so each version runs twice: as it is, and
 * with the body sent in ISO-8859-1 (charset in the Content-Type and the XML declaration), as
 * NuSOAP-style clients send it — the wire tap checks which bytes really went over.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { PARTNER, scenarioAccount, startInteropServer, type InteropServer, type ScenarioAccount } from './scenario.js';

const SCRIPT = fileURLToPath(new URL('./php_latin1.php', import.meta.url));
const FULL_NAME = 'Jürgen Müller-Lüdenscheidt';
const LATIN1_HEX = Buffer.from(FULL_NAME, 'latin1').toString('hex');

interface Observed {
  readonly create: string;
  readonly info: string;
  readonly fullNameHex: string;
}

type Wire = 'utf-8' | 'iso-8859-1';

function runPhp(url: string, version: string, wire: Wire, account: ScenarioAccount): Promise<Observed> {
  const env = { ...process.env, AMS_INTEROP: JSON.stringify({ partner: PARTNER, account, fullNameHex: LATIN1_HEX }) };
  return new Promise((resolve, reject) => {
    execFile('php', [SCRIPT, url, version, wire], { env, timeout: 20_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`php failed: ${err.message}\n${stderr}\n${stdout}`));
      try {
        resolve(JSON.parse(stdout) as Observed);
      } catch {
        reject(new Error(`php printed no JSON object:\n${stdout}\n${stderr}`));
      }
    });
  });
}

describe('PHP SoapClient in ISO-8859-1 mode', () => {
  let s: InteropServer;
  before(async () => {
    s = await startInteropServer();
  });
  after(async () => s.close());

  for (const version of ['1.1', '1.2'] as const) {
    for (const wire of ['iso-8859-1', 'utf-8'] as const) {
      it(`creates an account named "${FULL_NAME}" and reads the name back intact (SOAP ${version}, body in ${wire})`, async () => {
        s.tap.reset();
        const account = scenarioAccount(`php-latin1-${version.replace('.', '')}-${wire === 'utf-8' ? 'u' : 'l'}`);
        const observed = await runPhp(`${s.url}?WSDL`, version, wire, account);
        assert.deepEqual(observed, { create: 'Success', info: 'Success', fullNameHex: LATIN1_HEX });

        const row = await s.t.app.store.db.selectFrom('accounts').select('full_name').where('username', '=', account.username).executeTakeFirstOrThrow();
        assert.equal(row.full_name, FULL_NAME, 'stored as the characters PHP meant');

        const create = s.tap.exchanges().find((e) => e.request.bodyBytes.includes('CreateAccountBySize'));
        assert.ok(create?.response, 'the CreateAccountBySize request went over the wire and was answered');
        const charset = /charset=([^;]+)/i.exec(create.request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
        assert.equal(charset, wire);
        assert.equal(create.request.bodyBytes.includes(Buffer.from('Müller', wire === 'utf-8' ? 'utf8' : 'latin1')), true, `the name in ${wire} on the wire`);
        if (wire === 'iso-8859-1') assert.match(create.request.bodyBytes.toString('latin1'), /^<\?xml version="1\.0" encoding="ISO-8859-1"\?>/);
        // Answered in UTF-8, as ASMX answers.
        const read = s.tap.exchanges().find((e) => e.request.bodyBytes.includes('GetAccountInfo'));
        assert.ok(read?.response);
        assert.match(read.response.headers['content-type'] ?? '', /charset=utf-8$/);
        assert.ok(read.response.bodyBytes.includes(Buffer.from(`<FullName>${FULL_NAME}</FullName>`, 'utf8')));
      });
    }
  }
});
