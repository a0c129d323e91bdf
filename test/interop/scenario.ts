/**
 * The partner scenario every third-party client runs against a real server, and what it must
 * observe. A client reports its observations as one `Observed` object (the Python and PHP
 * scripts print it as JSON), so the assertions live here, in one place.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { parseXml } from '../../src/xml/reader.js';
import { RESELLER_A_SECRET, ULTRA_PASSWORD, listenTestApp, startTestApp, type TestApp } from '../support/harness.js';
import { waitFor } from '../support/wait-for.js';
import { startWireTap, type Exchange, type WireTap } from './wire-tap.js';

export const PARTNER = { UserName: 'reseller-a', Password: RESELLER_A_SECRET } as const;
export const CUSTOMER_A1 = 3;
export const BACKUP_SERVERS = ['backup-01', 'backup-02'];
export const SERVICE_NS = 'sosonlinebackup.com';
export const ENVELOPE_NS = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' } as const;
export type SoapVersionId = keyof typeof ENVELOPE_NS;

/** A new backup account for one run of the scenario, plus the seeded UltraSafe account. */
export interface ScenarioAccount {
  readonly username: string;
  readonly password: string;
  readonly newPassword: string;
  readonly email: string;
  readonly ultraUsername: string;
  readonly ultraPassword: string;
  readonly unknownUsername: string;
  readonly sizeMb: number;
  readonly entityId: number;
}

export function scenarioAccount(tag: string): ScenarioAccount {
  const username = `interop-${tag}`;
  return {
    username,
    password: `first-Pass-${tag}`,
    newPassword: `second-Pass-${tag}-ÄÖ`,
    email: `${username}@example.com`,
    ultraUsername: 'ultra',
    ultraPassword: ULTRA_PASSWORD,
    unknownUsername: `nobody-${tag}`,
    sizeMb: 2048,
    entityId: CUSTOMER_A1,
  };
}

/** Result codes and values a client saw, step by step (numbers as decimal strings). */
export interface Observed {
  /** CreateAccountBySize of the new account. */
  readonly create: string;
  /** Authenticate with the first password. */
  readonly authFirst: { readonly code: string; readonly status: string; readonly server: string };
  /** ChangeBackupAccountPassword to newPassword, SendEmailToCustomer true. */
  readonly reset: string;
  /** The same reset to yet another password, with a wrong AuthHeader password. */
  readonly resetWrongHeader: string;
  /** Authenticate with the new password: the wrong-header reset changed nothing. */
  readonly authNew: { readonly code: string; readonly status: string };
  readonly authOld: string;
  /** ChangeBackupAccountPassword on the UltraSafe account, then Authenticate with its old password. */
  readonly ultraReset: string;
  readonly ultraAuth: string;
  /** Authenticate of a user name nobody has. */
  readonly unknownUser: string;
  readonly info: {
    readonly code: string;
    readonly UserName: string;
    readonly AccountSizeMB: string;
    readonly Status: string;
    readonly EntityId: string;
  };
}

export function assertScenario(observed: unknown, account: ScenarioAccount): void {
  const o = observed as Observed;
  assert.ok(BACKUP_SERVERS.includes(o?.authFirst?.server), `backupServerName: ${JSON.stringify(o?.authFirst?.server)}`);
  const expected: Observed = {
    create: 'Success',
    authFirst: { code: 'Success', status: 'Active', server: o.authFirst.server },
    reset: 'Success',
    resetWrongHeader: 'InvalidSoapCredentials',
    authNew: { code: 'Success', status: 'Active' },
    authOld: 'InvalidAccountCredentials',
    ultraReset: 'UltraSafeNotSupported',
    ultraAuth: 'Success',
    unknownUser: 'AccountNotFound',
    info: { code: 'Success', UserName: account.username, AccountSizeMB: String(account.sizeMb), Status: 'Active', EntityId: String(account.entityId) },
  };
  assert.deepEqual(observed, expected);
}

/** Waits for the one "password was changed" e-mail to the account and checks it holds no password. */
export async function assertPasswordChangedMail(t: TestApp, account: ScenarioAccount): Promise<void> {
  const mine = () => t.mail.sent.filter((m) => m.to === account.email && /password was changed/i.test(m.subject));
  await waitFor(() => mine().length > 0, 5_000, `a password-changed e-mail to ${account.email}`).catch(() => undefined); // the assertion below says what was sent
  const [mail, ...more] = mine();
  assert.ok(mail, `no password-changed e-mail to ${account.email}; sent: ${JSON.stringify(t.mail.sent.map((m) => [m.to, m.subject]))}`);
  assert.equal(more.length, 0);
  assert.ok(mail.text.includes(account.username));
  for (const secret of [account.newPassword, account.password]) {
    assert.ok(!mail.text.includes(secret) && !mail.html.includes(secret) && !mail.subject.includes(secret), 'the e-mail contains a password');
  }
}

/**
 * Every SOAP request on the wire used the given version (1.2: `application/soap+xml` with an
 * `action` and a 1.2 envelope), carried the partner's AuthHeader in the service namespace, and
 * got a 200 answer in the same version. Returns the number of SOAP requests.
 * (zeep also sends a SOAPAction header with SOAP 1.2; that is harmless, so it is not checked.)
 */
export function assertWireVersion(exchanges: readonly Exchange[], version: SoapVersionId): number {
  const soap = exchanges.filter((e) => e.request.startLine.startsWith('POST '));
  assert.ok(soap.length > 0, 'no SOAP request went over the wire');
  for (const { request, response } of soap) {
    const contentType = request.headers['content-type'] ?? '';
    const label = `${request.startLine} ${contentType}`;
    if (version === '1.2') {
      assert.match(contentType, /^application\/soap\+xml\s*;.*action="?sosonlinebackup\.com\/\w+"?/i, label);
    } else {
      assert.match(contentType, /^text\/xml\b/i, label);
      assert.match(request.headers['soapaction'] ?? '', /^"?sosonlinebackup\.com\/\w+"?$/, label);
    }
    const envelope = parseXml(request.body);
    assert.equal(envelope.uri, ENVELOPE_NS[version], `request envelope: ${request.body}`);
    const header = envelope.children.find((c) => c.local === 'Header' && c.uri === ENVELOPE_NS[version]);
    const auth = header?.children.find((c) => c.local === 'AuthHeader');
    assert.equal(auth?.uri, SERVICE_NS, `no AuthHeader in ${SERVICE_NS}: ${request.body}`);
    assert.equal(auth.children.find((c) => c.local === 'UserName' && c.uri === SERVICE_NS)?.text, PARTNER.UserName);
    assert.ok(response, `no response to ${label}`);
    assert.equal(response.startLine, 'HTTP/1.1 200 OK', label);
    assert.equal(response.headers['content-type'], version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8');
    assert.match(response.body, /^<\?xml version="1\.0" encoding="utf-8"\?><soap:Envelope /);
    assert.equal(parseXml(response.body).uri, ENVELOPE_NS[version], `response envelope: ${response.body}`);
  }
  return soap.length;
}

/**
 * Runs a scenario script of another language with the account and partner secrets in the
 * environment variable AMS_INTEROP (not in argv), and parses the one JSON object it prints.
 */
export function runScenarioScript(command: string, args: readonly string[], account: ScenarioAccount): Promise<unknown> {
  const env = { ...process.env, AMS_INTEROP: JSON.stringify({ partner: PARTNER, account }) };
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: 20_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stderr}\n${stdout}`));
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`${command} printed no JSON object:\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** The app, listening on a loopback port, reached through a wire tap. */
export interface InteropServer {
  readonly t: TestApp;
  readonly tap: WireTap;
  /** The service URL through the tap. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startInteropServer(): Promise<InteropServer> {
  const t = await startTestApp();
  const running = await listenTestApp(t);
  const tap = await startWireTap(running.port);
  return {
    t,
    tap,
    url: running.url.replace(`:${running.port}/`, `:${tap.port}/`),
    async close() {
      await tap.close();
      await running.close();
      await t.close();
    },
  };
}

/** A client of another language whose script runs the partner scenario and prints what it saw. */
export interface ScriptedClient {
  readonly title: string;
  /** Prefix of the scenario's account names, one account per SOAP version. */
  readonly tag: string;
  readonly command: string;
  readonly script: string;
  readonly testName: (version: SoapVersionId) => string;
  /** Why exactly one WSDL fetch is expected of this client. */
  readonly wsdlFetchMessage: string;
}

/**
 * The suite every scripted client gets: a real server behind the wire tap, the script run over
 * SOAP 1.1 and then 1.2, its observations and the bytes on the wire asserted here.
 */
export function describeScriptedClient(client: ScriptedClient): void {
  describe(client.title, () => {
    let s: InteropServer;
    before(async () => {
      s = await startInteropServer();
    });
    after(async () => s.close());

    for (const version of ['1.1', '1.2'] as const) {
      it(client.testName(version), async () => {
        s.tap.reset();
        const account = scenarioAccount(`${client.tag}-${version.replace('.', '')}`);
        const observed = await runScenarioScript(client.command, [client.script, `${s.url}?WSDL`, version], account);
        assertScenario(observed, account);
        assert.equal(assertWireVersion(s.tap.exchanges(), version), 10);
        const wsdlFetches = s.tap.exchanges().filter((e) => /^GET \S+\?wsdl /i.test(e.request.startLine));
        assert.equal(wsdlFetches.length, 1, client.wsdlFetchMessage);
        await assertPasswordChangedMail(s.t, account);
      });
    }
  });
}
