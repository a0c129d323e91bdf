/**
 * Real SOAP clients read a streamed GetAllAccounts answer (issue 20): 10,000 accounts, written
 * chunked as they are read, parsed whole by npm soap, python3-zeep, php-soap, a gSOAP proxy and
 * a JAX-WS port, each generated from the served WSDL, over SOAP 1.1 and 1.2. Each client
 * reports the Result, the count, the first and last user names and one escaped CustomerName;
 * the expected values come from the store. The wire tap checks the answers were chunked.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import soap from 'soap';
import { createUnitOfWork } from '../../src/store/unit-of-work.js';
import { addManyAccounts, manyAccountName } from '../support/many-accounts.js';
import { CUSTOMER_A1, PARTNER, SERVICE_NS, startInteropServer, type InteropServer, type SoapVersionId } from './scenario.js';

const LISTED = 10_000;
const RESELLER_A_ENTITY = 2;
const SPECIAL = manyAccountName('user', 0);
const here = (file: string): string => fileURLToPath(new URL(`./${file}`, import.meta.url));
const JAXWS_CLASSPATH = ['/usr/share/java/jaxws-rt.jar', '/usr/share/java/saaj-impl.jar'];
const VERSIONS: readonly SoapVersionId[] = ['1.1', '1.2'];

interface Seen {
  readonly result: string;
  readonly count: number;
  readonly first: string;
  readonly last: string;
  readonly special: string;
}

function run(command: string, args: readonly string[], cwd?: string): Promise<string> {
  const env = { ...process.env, AMS_PARTNER_USERNAME: PARTNER.UserName, AMS_PARTNER_PASSWORD: PARTNER.Password, AMS_SPECIAL: SPECIAL };
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, cwd, timeout: 300_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stderr}\n${stdout.slice(0, 2000)}`));
      else resolve(stdout);
    });
  });
}

function seen(stdout: string): Seen {
  const [result = '', count = '', first = '', last = '', special = ''] = stdout.trimEnd().split('\n');
  return { result, count: Number(count), first, last, special };
}

describe('real clients read a streamed list of 10,000 accounts', () => {
  let s: InteropServer;
  let dir: string;
  let wsdl: string;
  let expected: Seen;
  before(async () => {
    s = await startInteropServer();
    await addManyAccounts(s.t.app.store.db, CUSTOMER_A1, LISTED);
    const list = await createUnitOfWork(s.t.app.store.db).accounts.listInTree(RESELLER_A_ENTITY, null);
    const special = list.find((a) => a.username === SPECIAL);
    assert.ok(special && /[&<>"]/.test(special.fullName), 'the special account has a name that needs escaping');
    expected = { result: 'Success', count: list.length, first: list[0]!.username, last: list[list.length - 1]!.username, special: special.fullName };
    assert.equal(expected.count, LISTED + 3);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-long-list-'));
    wsdl = path.join(dir, 'AccountManagementService.wsdl');
    const res = await fetch(`${s.url}?WSDL`);
    fs.writeFileSync(wsdl, await res.text());
  });
  after(async () => {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The list answers that went through the tap since `reset`: all chunked, no Content-Length. */
  function assertChunked(): void {
    const answers = s.tap.exchanges().filter((e) => e.request.startLine.startsWith('POST ') && e.response?.body.includes('GetAllAccountsItem'));
    assert.ok(answers.length > 0, 'a list went through the tap');
    for (const a of answers) {
      assert.equal(a.response?.headers['transfer-encoding'], 'chunked');
      assert.equal(a.response?.headers['content-length'], undefined);
    }
  }

  for (const version of VERSIONS) {
    it(`npm soap reads it over SOAP ${version}`, async () => {
      s.tap.reset();
      const client = await soap.createClientAsync(`${s.url}?WSDL`, { disableCache: true, forceSoap12Headers: version === '1.2' });
      client.addSoapHeader({ AuthHeader: { ...PARTNER } }, '', 'tns', SERVICE_NS);
      const [result] = (await client.GetAllAccountsAsync({ request: { CustomerTypeCode: '' } })) as [
        { GetAllAccountsResult: { Result: string; Accounts: { GetAllAccountsItem: { UserName: string; CustomerName: string }[] } } },
      ];
      const items = result.GetAllAccountsResult.Accounts.GetAllAccountsItem;
      assert.deepEqual(
        { result: result.GetAllAccountsResult.Result, count: items.length, first: items[0]?.UserName, last: items[items.length - 1]?.UserName, special: items.find((i) => i.UserName === SPECIAL)?.CustomerName },
        expected,
      );
      assertChunked();
    });

    it(`python3-zeep reads it over SOAP ${version}`, async () => {
      s.tap.reset();
      assert.deepEqual(seen(await run('/usr/bin/python3', [here('long_list_zeep.py'), `${s.url}?WSDL`, version])), expected);
      assertChunked();
    });

    it(`php-soap reads it over SOAP ${version}`, async () => {
      s.tap.reset();
      assert.deepEqual(seen(await run('php', [here('long_list.php'), `${s.url}?WSDL`, version])), expected);
      assertChunked();
    });
  }

  it('a gSOAP proxy (wsdl2h, soapcpp2, g++) reads it over SOAP 1.1 and 1.2', async () => {
    await run('wsdl2h', ['-o', 'ams.h', wsdl], dir);
    await run('soapcpp2', ['-C', '-j', '-I/usr/share/gsoap/import', 'ams.h'], dir);
    const binary = path.join(dir, 'gsoap_list_client');
    await run('g++', ['-O0', `-I${dir}`, '-o', binary, here('gsoap_list_client.cpp'), 'soapC.cpp', 'soapAccountManagementServiceSoapProxy.cpp', '-lgsoap++'], dir);
    for (const version of VERSIONS) {
      s.tap.reset();
      assert.deepEqual(seen(await run(binary, [version])), expected, `gSOAP over SOAP ${version}`);
      assertChunked();
    }
  });

  it('a JAX-WS port (wsimport, javac) reads it over SOAP 1.1 and 1.2', async () => {
    const src = path.join(dir, 'jsrc');
    const classes = path.join(dir, 'classes');
    fs.mkdirSync(src);
    fs.mkdirSync(classes);
    await run('wsimport', ['-extension', '-XadditionalHeaders', '-keep', '-Xnocompile', '-s', src, '-d', classes, wsdl], dir);
    const generated = fs
      .readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.java'))
      .map((f) => path.join(src, f));
    await run('javac', ['-encoding', 'UTF-8', '-cp', JAXWS_CLASSPATH.join(path.delimiter), '-d', classes, ...generated, here('JaxwsListClient.java')], dir);
    const classpath = [classes, ...JAXWS_CLASSPATH].join(path.delimiter);
    for (const version of VERSIONS) {
      s.tap.reset();
      assert.deepEqual(seen(await run('java', ['-cp', classpath, 'JaxwsListClient', `${s.url}?WSDL`, version])), expected, `JAX-WS over SOAP ${version}`);
      assertChunked();
    }
  });
});
