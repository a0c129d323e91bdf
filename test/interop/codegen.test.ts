/**
 * "The WSDL builds with the strict code generators partners use", as a test: the WSDL a real
 * server serves goes through gSOAP (Debian gsoap + libgsoap-dev: wsdl2h, soapcpp2, g++ against
 * libgsoap++) and through JAX-WS (Debian jaxws: wsimport -extension -XadditionalHeaders, javac
 * against Debian's JAX-WS jars). The generated sources must compile, and a tiny client on top
 * of each (gsoap_client.cpp, JaxwsClient.java) resets alice's password over SOAP 1.1 and over
 * SOAP 1.2 at the address the WSDL advertises, with the wire tap checking what really went
 * over the wire and a later Authenticate that the new password took.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { call } from '../support/call.js';
import { PARTNER, assertWireVersion, startInteropServer, type InteropServer, type SoapVersionId } from './scenario.js';

const GSOAP_IMPORT_DIR = '/usr/share/gsoap/import';
const GSOAP_CLIENT = fileURLToPath(new URL('./gsoap_client.cpp', import.meta.url));
const JAXWS_CLIENT = fileURLToPath(new URL('./JaxwsClient.java', import.meta.url));
/**
 * Debian's JAX-WS runtime; the manifest of jaxws-rt.jar pulls in the JAX-WS, JAXB, JWS and
 * activation APIs and the JAXB runtime. saaj-impl: SAAJ, which the runtime uses for faults.
 */
const JAXWS_CLASSPATH = ['/usr/share/java/jaxws-rt.jar', '/usr/share/java/saaj-impl.jar'];
const ACCOUNT = 'alice';
const WRONG_PARTNER_SECRET = 'not-the-partner-secret';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool to completion; rejects only when it cannot be started or times out. */
function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { ...options, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        return reject(new Error(`${command} did not run to completion (scripts/ensure-test-tools.sh installs the code generators): ${err.message}\n${stderr}`));
      }
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

function assertExitZero(r: Run, label: string): void {
  assert.equal(r.code, 0, `${label} exited with ${r.code}:\n${r.stderr}\n${r.stdout}`);
}

/** The lines of a tool's output that speak of a warning or an error, except the expected ones. */
function complaints(r: Run, expected: RegExp[] = []): string[] {
  return `${r.stdout}\n${r.stderr}`
    .split('\n')
    .filter((line) => /warn|error/i.test(line))
    .filter((line) => !expected.some((e) => e.test(line)));
}

/** Downloads the served `?WSDL` into `dir` and returns the file's path. */
async function downloadWsdl(serviceUrl: string, dir: string): Promise<string> {
  const res = await fetch(`${serviceUrl}?WSDL`);
  assert.equal(res.status, 200);
  const wsdl = await res.text();
  assert.match(wsdl, /<wsdl:definitions /);
  const file = path.join(dir, 'AccountManagementService.wsdl');
  fs.writeFileSync(file, wsdl);
  return file;
}

function read(file: string): string {
  assert.ok(fs.existsSync(file), `${path.basename(file)} was not generated`);
  return fs.readFileSync(file, 'utf8');
}

/** A new password for alice, different on each reset. */
let resets = 0;
const nextPassword = () => `codegen-Pass-${++resets}-${Date.now()}`;

/**
 * Runs a generated client's ChangeBackupAccountPassword of alice (secrets in the environment)
 * and returns the Result Code it printed; the wire tap must have seen exactly that one SOAP
 * request, in the given version, with the partner's AuthHeader, answered in the same version.
 */
async function resetThroughClient(
  s: InteropServer,
  version: SoapVersionId,
  command: string,
  args: readonly string[],
  partnerPassword: string,
  newPassword: string,
): Promise<string> {
  s.tap.reset();
  const env = {
    ...process.env,
    AMS_PARTNER_USERNAME: PARTNER.UserName,
    AMS_PARTNER_PASSWORD: partnerPassword,
    AMS_ACCOUNT: ACCOUNT,
    AMS_NEW_PASSWORD: newPassword,
  };
  const r = await run(command, args, { env });
  assertExitZero(r, `${path.basename(command)} ${args.join(' ')}`);
  assert.equal(assertWireVersion(s.tap.exchanges(), version), 1, 'one SOAP request through the tap, at the address the WSDL advertises');
  return r.stdout.trim();
}

/** Authenticate of alice through the app's pipeline: Result Code. */
async function authenticateAlice(s: InteropServer, password: string): Promise<string | undefined> {
  return (await call(s.t, 'Authenticate', { userName: ACCOUNT, password }, { user: PARTNER.UserName, password: PARTNER.Password })).code;
}

describe('gSOAP (wsdl2h + soapcpp2, libgsoap++) on the served WSDL', () => {
  let s: InteropServer;
  let dir: string;
  let wsdl: string;
  let client: string | undefined;
  before(async () => {
    s = await startInteropServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-gsoap-'));
    wsdl = await downloadWsdl(s.url, dir);
  });
  after(async () => {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('generates a C++ proxy with ChangeBackupAccountPassword on both ports and the AuthHeader as a SOAP header', async () => {
    const wsdl2h = await run('wsdl2h', ['-o', 'ams.h', wsdl], { cwd: dir });
    assertExitZero(wsdl2h, 'wsdl2h');
    // Both bindings share one port type: wsdl2h collects them into one proxy (SOAP 1.2 methods get a `_`).
    assert.deepEqual(complaints(wsdl2h, [/^Warning: 2 service bindings found, but collected as one service/]), []);

    assert.ok(fs.existsSync(path.join(GSOAP_IMPORT_DIR, 'soap12.h')), `no gSOAP import files in ${GSOAP_IMPORT_DIR}`);
    const soapcpp2 = await run('soapcpp2', ['-C', '-j', `-I${GSOAP_IMPORT_DIR}`, 'ams.h'], { cwd: dir });
    assertExitZero(soapcpp2, 'soapcpp2');
    assert.match(soapcpp2.stderr + soapcpp2.stdout, /Compilation successful/);
    assert.deepEqual(complaints(soapcpp2), []);

    const proxy = read(path.join(dir, 'soapAccountManagementServiceSoapProxy.h'));
    for (const method of ['ChangeBackupAccountPassword', 'ChangeBackupAccountPassword_']) {
      assert.match(proxy, new RegExp(`virtual int ${method}\\(_ns1__ChangeBackupAccountPassword \\*\\w+, _ns1__ChangeBackupAccountPasswordResponse &\\w+\\)`), method);
    }
    assert.match(proxy, /virtual void soap_header\(ns1__AuthHeader \*\w+\)/);
    const stub = read(path.join(dir, 'soapStub.h'));
    assert.match(stub, /class SOAP_CMAC ns1__AuthHeader \{[^}]*std::string \*UserName;[^}]*std::string \*Password;/);
    assert.match(stub, /struct SOAP_CMAC SOAP_ENV__Header \{[^}]*ns1__AuthHeader \*ns1__AuthHeader_;/);
  });

  it('compiles and links the generated proxy and a client against libgsoap++', async () => {
    const out = path.join(dir, 'gsoap_client');
    const sources = [GSOAP_CLIENT, 'soapC.cpp', 'soapAccountManagementServiceSoapProxy.cpp'];
    const gxx = await run('g++', ['-O0', `-I${dir}`, '-o', out, ...sources, '-lgsoap++'], { cwd: dir });
    assertExitZero(gxx, 'g++');
    assert.ok(fs.statSync(out).isFile());
    client = out;
  });

  for (const version of ['1.1', '1.2'] as const) {
    it(`the generated client resets alice's password over SOAP ${version}`, async () => {
      assert.ok(client, 'no gSOAP client binary (see the compile test)');
      const password = nextPassword();
      assert.equal(await resetThroughClient(s, version, client, [version], PARTNER.Password, password), 'Success');
      assert.equal(await authenticateAlice(s, password), 'Success');
    });
  }

  it('the generated client sends the AuthHeader that is checked: a wrong partner secret gets InvalidSoapCredentials', async () => {
    assert.ok(client, 'no gSOAP client binary (see the compile test)');
    const password = nextPassword();
    assert.equal(await resetThroughClient(s, '1.1', client, ['1.1'], WRONG_PARTNER_SECRET, password), 'InvalidSoapCredentials');
    assert.equal(await authenticateAlice(s, password), 'InvalidAccountCredentials');
  });
});

describe('JAX-WS (wsimport -extension -XadditionalHeaders, javac) on the served WSDL', () => {
  let s: InteropServer;
  let dir: string;
  let wsdl: string;
  let classes: string | undefined;
  before(async () => {
    s = await startInteropServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-jaxws-'));
    wsdl = await downloadWsdl(s.url, dir);
  });
  after(async () => {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const src = () => path.join(dir, 'src');
  const classpath = () => [path.join(dir, 'classes'), ...JAXWS_CLASSPATH].join(path.delimiter);

  it('wsimport generates one port type with the AuthHeader as a parameter, both ports, and no name clash', async () => {
    fs.mkdirSync(src());
    fs.mkdirSync(path.join(dir, 'classes'));
    const wsimport = await run('wsimport', ['-extension', '-XadditionalHeaders', '-keep', '-Xnocompile', '-s', src(), '-d', path.join(dir, 'classes'), wsdl], { cwd: dir });
    assertExitZero(wsimport, 'wsimport');
    // The SOAP 1.2 binding is what -extension is for.
    assert.deepEqual(complaints(wsimport, [/^\[WARNING\] SOAP port "AccountManagementServiceSoap12": uses a non-standard SOAP 1\.2 binding\.$/]), []);
    assert.doesNotMatch(wsimport.stdout + wsimport.stderr, /already in use|collision|conflict|clash/i);

    const pkg = path.join(src(), 'com', 'sosonlinebackup');
    const port = read(path.join(pkg, 'AccountManagementServiceSoap.java'));
    assert.match(
      port,
      /public ChangeBackupAccountPasswordResult changeBackupAccountPassword\(\s*@WebParam\(name = "request"[^)]*\)\s*ChangeBackupAccountPasswordRequest request,\s*@WebParam\(name = "AuthHeader", targetNamespace = "sosonlinebackup\.com", header = true[^)]*\)\s*AuthHeader authHeader\);/,
    );
    const service = read(path.join(pkg, 'AccountManagementService.java'));
    assert.match(service, /public AccountManagementServiceSoap getAccountManagementServiceSoap\(\)/);
    assert.match(service, /public AccountManagementServiceSoap getAccountManagementServiceSoap12\(\)/);
    assert.match(read(path.join(pkg, 'AuthHeader.java')), /public class AuthHeader\b[^]*protected String userName;[^]*protected String password;/);
  });

  it("javac compiles the generated sources and a client against Debian's JAX-WS jars", async () => {
    const generated = fs
      .readdirSync(src(), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.java'))
      .map((f) => path.join(src(), f));
    assert.ok(generated.length >= 10, `only ${generated.length} generated sources`);
    const javac = await run('javac', ['-encoding', 'UTF-8', '-cp', JAXWS_CLASSPATH.join(path.delimiter), '-d', path.join(dir, 'classes'), ...generated, JAXWS_CLIENT], { cwd: dir });
    assertExitZero(javac, 'javac');
    assert.doesNotMatch(javac.stderr, /error/i);
    assert.ok(fs.existsSync(path.join(dir, 'classes', 'JaxwsClient.class')));
    classes = classpath();
  });

  for (const version of ['1.1', '1.2'] as const) {
    it(`the generated port resets alice's password over SOAP ${version}`, async () => {
      assert.ok(classes, 'no compiled JAX-WS client (see the javac test)');
      const password = nextPassword();
      const code = await resetThroughClient(s, version, 'java', ['-cp', classes, 'JaxwsClient', `${s.url}?WSDL`, version], PARTNER.Password, password);
      assert.equal(code, 'Success');
      assert.equal(await authenticateAlice(s, password), 'Success');
    });
  }

  it('the generated port sends the AuthHeader parameter that is checked: a wrong partner secret gets InvalidSoapCredentials', async () => {
    assert.ok(classes, 'no compiled JAX-WS client (see the javac test)');
    const password = nextPassword();
    const code = await resetThroughClient(s, '1.2', 'java', ['-cp', classes, 'JaxwsClient', `${s.url}?WSDL`, '1.2'], WRONG_PARTNER_SECRET, password);
    assert.equal(code, 'InvalidSoapCredentials');
    assert.equal(await authenticateAlice(s, password), 'InvalidAccountCredentials');
  });
});
