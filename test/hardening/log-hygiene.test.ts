/**
 * Issue 14 item 5: what reaches a log line or an operator's terminal. Over real HTTP: an
 * AuthHeader with UserName and Password swapped must not put the secret in the log (a name
 * that is no partner user is logged only as a short keyed digest); a user name carrying C0/C1
 * controls (U+009B is an 8-bit CSI) must not put them in the log raw; a block warning names what
 * it blocks (the source, or the name's digest) instead of `[REDACTED]`. Then the CLI: an
 * account whose stored name and e-mail carry controls (legacy data), and an unknown command
 * that does, are printed with the controls escaped. Logs and output are grepped byte by byte.
 */
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { RESELLER_A_SECRET, listenTestApp, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { envelope, operationBody, soapHeaders, type Credentials } from '../support/envelope.js';
import { HARNESS_ENGINE } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';
import { createLogger } from '../../src/observability/logger.js';
import { formatPretty } from '../../src/observability/pretty.js';
import { nameDigester } from '../../src/security/auth-throttle.js';
import { serviceKey } from '../../src/store/repositories/shared-limits.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Raw control bytes a terminal would act on: C0 but newline, DEL, C1 (as UTF-8 text). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const HOSTILE_NAME = 'evil\u009b2J\u001b]0;pwned\u0007\u0085x';
/** What XML 1.0 can carry of it (C0 controls cannot be in a SOAP envelope; C1 can). */
const HOSTILE_XML_NAME = 'evil\u009b2J\u0085x\u202e';

describe('log lines', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listenTestApp>>;
  before(async () => {
    t = await startTestApp({ template: await seededTemplate(), env: { AMS_AUTH_FAILURES_PER_USER: '3', AMS_AUTH_FAILURES_PER_ADDRESS: '5' } });
    server = await listenTestApp(t);
  });
  after(async () => {
    await server.close(1000);
    await t.close();
  });

  async function post(auth: Credentials): Promise<string> {
    const headers = soapHeaders('1.1', 'GetAccountInfo');
    const r = await fetch(server.url, {
      method: 'POST',
      headers: { 'Content-Type': headers.contentType, SOAPAction: headers.soapAction ?? '' },
      body: envelope('1.1', operationBody('GetAccountInfo', { userName: 'alice' }, false), auth),
    });
    return /<Code>(\w+)<\/Code>/.exec(await r.text())?.[1] ?? '';
  }

  it('never carry a secret sent as the user name, nor raw controls; blocks name what they block', async () => {
    const digest = nameDigester(await serviceKey(t.app.store.db, 'name-digest'));
    const shortDigest = (name: string) => digest(name.toLowerCase()).slice(0, 12);
    // Swapped fields: the secret as UserName, the user name as Password, four times (the fourth is refused).
    for (let i = 0; i < 4; i++) assert.equal(await post({ user: RESELLER_A_SECRET, password: 'reseller-a' }), 'InvalidSoapCredentials');
    // Two more guesses with a hostile name fill the source's budget of 5; the last is refused.
    for (let i = 0; i < 3; i++) assert.equal(await post({ user: HOSTILE_XML_NAME, password: `guess-${i}-secret` }), 'InvalidSoapCredentials');
    // A wrong secret for an existing user: that name may be logged as such.
    await post({ user: 'reseller-b', password: 'not-the-secret-01' });
    // The request line is written as the response ends, so the client may see the answer first.
    const requestLines = () => t.logLines.filter((l) => (JSON.parse(l) as Record<string, unknown>)['msg'] === 'request');
    await waitFor(() => requestLines().length >= 8, 5_000, 'the log line of each of the 8 requests');
    const log = t.logLines.join('');
    assert.ok(!log.includes(RESELLER_A_SECRET), 'the secret is not in the log');
    assert.ok(!log.toLowerCase().includes(RESELLER_A_SECRET.toLowerCase()), 'in no case');
    for (const line of t.logLines) assert.doesNotMatch(line.replace(/\n$/, ''), RAW_CONTROL, `a raw control in ${JSON.stringify(line)}`);
    const requests = t.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e['msg'] === 'request');
    const claimed = requests.map((e) => e['claimedUser']);
    assert.deepEqual(claimed.slice(0, 4), Array(4).fill(`digest:${shortDigest(RESELLER_A_SECRET)}`));
    assert.equal(claimed[4], `digest:${shortDigest(HOSTILE_XML_NAME)}`, 'an unknown hostile name: its digest');
    assert.equal(claimed.at(-1), 'reseller-b', 'an existing partner user is named');
    const blocks = t.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => String(e['msg']).includes('over the limit'));
    assert.deepEqual(
      blocks.map((b) => [b['blocked'], b['userDigest'] ?? b['source']]),
      [
        ['user name', shortDigest(RESELLER_A_SECRET)],
        ['source', '127.0.0.1'],
      ],
    );
    assert.ok(!log.includes('[REDACTED]'));
  });

  it('are escaped by the logger itself, in JSON and for a terminal', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (l) => lines.push(l)).child({ requestId: `r\u001b[31m` });
    logger.warn(`message \u009b1m`, { claimedUser: HOSTILE_NAME, stack: 'Error: x\n    at y \u001b[2J' });
    const [line] = lines;
    assert.ok(line);
    assert.doesNotMatch(line.replace(/\n$/, ''), RAW_CONTROL);
    const entry = JSON.parse(line) as Record<string, string>;
    assert.equal(entry['claimedUser'], 'evil\\u009b2J\\u001b]0;pwned\\u0007\\u0085x');
    assert.equal(entry['requestId'], 'r\\u001b[31m');
    assert.equal(entry['msg'], 'message \\u009b1m');
    assert.equal(entry['stack'], 'Error: x\n    at y \\u001b[2J', 'a stack keeps its lines');
    const pretty = formatPretty(line, false);
    assert.doesNotMatch(pretty.replace(/\n/g, ''), RAW_CONTROL);
  });
});

describe('CLI output', { skip: HARNESS_ENGINE === 'postgres' ? 'runs the CLI on the SQLite file' : false }, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ template: await seededTemplate() });
  });
  after(async () => t.close());

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/cli/run-cli.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, AMS_DATABASE_URL: path.join(t.dir, 'ams.sqlite'), AMS_LOG_LEVEL: 'error' },
      encoding: 'utf8',
    });

  it('escapes controls in stored text and in echoed arguments, on every line', async () => {
    await t.app.close();
    // Legacy data, written past the service's validation.
    const db = new BetterSqlite3(path.join(t.dir, 'ams.sqlite'));
    db.prepare('UPDATE accounts SET full_name = ?, email = ? WHERE username = ?').run(`Alice ${HOSTILE_NAME}`, 'alice\u007f@example\u0085.com', 'alice');
    db.close();
    const shown = cli('account', 'show', 'alice');
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /Alice evil\\u009b2J\\u001b\]0;pwned\\u0007\\u0085x/);
    assert.match(shown.stdout, /alice\\u007f@example\\u0085\.com/);
    const unknown = cli(`bogus\u001b[2J\u009b`);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /bogus\\u001b\[2J\\u009b/);
    const missing = cli('account', 'show', `nobody\u009b`);
    assert.match(missing.stderr, /no account named nobody\\u009b/);
    for (const output of [shown, unknown, missing]) {
      for (const text of [output.stdout, output.stderr]) assert.doesNotMatch(text.replace(/[\n\t]/g, ''), RAW_CONTROL);
    }
  });
});
