/**
 * The npm `soap` client against a real server over a socket: it reads the WSDL the server
 * serves and runs the partner scenario on the SOAP 1.1 port and on the SOAP 1.2 port, with the
 * wire tap checking which SOAP version really went over the wire each time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import soap from 'soap';
import {
  PARTNER,
  SERVICE_NS,
  assertPasswordChangedMail,
  assertScenario,
  assertWireVersion,
  scenarioAccount,
  startInteropServer,
  type InteropServer,
  type Observed,
  type ScenarioAccount,
  type SoapVersionId,
} from './scenario.js';

type Reply = Record<string, Record<string, unknown> | undefined>;
type PortMethod = (args: unknown, callback: (err: unknown, result: Reply) => void) => void;

const PORTS: Record<SoapVersionId, string> = { '1.1': 'AccountManagementServiceSoap', '1.2': 'AccountManagementServiceSoap12' };

/** A client bound to one port of the served WSDL, with the partner AuthHeader set. */
async function portClient(wsdlUrl: string, version: SoapVersionId) {
  // node-soap picks the envelope version from this option alone, not from the port's binding.
  const client = await soap.createClientAsync(wsdlUrl, { disableCache: true, forceSoap12Headers: version === '1.2' });
  // Object header + empty name: the object's key names the element, `xmlns` its default namespace.
  client.addSoapHeader({ AuthHeader: { ...PARTNER } }, '', 'tns', SERVICE_NS);
  const port = (client as unknown as Record<string, Record<string, Record<string, PortMethod>>>)['AccountManagementService']?.[PORTS[version]];
  assert.ok(port, `no port ${PORTS[version]} in the WSDL`);
  const invoke = (op: string, args: unknown): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const method = port[op];
      if (!method) return reject(new Error(`no operation ${op} on ${PORTS[version]}`));
      method.call(client, args, (err, result) => (err ? reject(err) : resolve(result)));
    });
  const withPartnerPassword = async (password: string, work: () => Promise<Reply>): Promise<Reply> => {
    client.changeSoapHeader(0, { AuthHeader: { UserName: PARTNER.UserName, Password: password } }, '', 'tns', SERVICE_NS);
    try {
      return await work();
    } finally {
      client.changeSoapHeader(0, { AuthHeader: { ...PARTNER } }, '', 'tns', SERVICE_NS);
    }
  };
  return { client, invoke, withPartnerPassword };
}

/** Code of a flat operation's ResultInfo (`<Op>Result`), or of a wrapped one's (`<Op>Result.Result`). */
const code = (r: Reply, result: string): string => String(r[result]?.['Code']);
const wrappedCode = (r: Reply, op: string): string => String((r[`${op}Result`]?.['Result'] as Record<string, unknown> | undefined)?.['Code']);

async function runScenario(wsdlUrl: string, version: SoapVersionId, a: ScenarioAccount): Promise<{ observed: Observed; lastResponse: string }> {
  const { client, invoke, withPartnerPassword } = await portClient(wsdlUrl, version);
  const authenticate = (userName: string, password: string) => invoke('Authenticate', { userName, password });
  const reset = (Username: string, NewPassword: string) =>
    invoke('ChangeBackupAccountPassword', { request: { Username, NewPassword, SendEmailToCustomer: true } });

  const create = await invoke('CreateAccountBySize', {
    request: {
      TargetEntityId: a.entityId,
      Username: a.username,
      Password: a.password,
      AccountSizeMB: a.sizeMb,
      FullName: 'Interop Example',
      Email: a.email,
      IsUltrasafe: false,
      DisableEmailsNotification: false,
    },
  });
  const authFirst = await authenticate(a.username, a.password);
  const resetResult = await reset(a.username, a.newPassword);
  const resetWrongHeader = await withPartnerPassword('not-the-partner-secret', () => reset(a.username, 'third-password-x'));
  const authNew = await authenticate(a.username, a.newPassword);
  const authOld = await authenticate(a.username, a.password);
  const ultraReset = await reset(a.ultraUsername, 'ultra-new-password');
  const ultraAuth = await authenticate(a.ultraUsername, a.ultraPassword);
  const unknownUser = await authenticate(a.unknownUsername, a.password);
  const info = await invoke('GetAccountInfo', { userName: a.username });
  const lastResponse = String(client.lastResponse);
  const accountInfo = info['accountInfo'] ?? {};

  const observed: Observed = {
    create: wrappedCode(create, 'CreateAccountBySize'),
    authFirst: { code: code(authFirst, 'AuthenticateResult'), status: String(authFirst['accountStatus']), server: String(authFirst['backupServerName']) },
    reset: wrappedCode(resetResult, 'ChangeBackupAccountPassword'),
    resetWrongHeader: wrappedCode(resetWrongHeader, 'ChangeBackupAccountPassword'),
    authNew: { code: code(authNew, 'AuthenticateResult'), status: String(authNew['accountStatus']) },
    authOld: code(authOld, 'AuthenticateResult'),
    ultraReset: wrappedCode(ultraReset, 'ChangeBackupAccountPassword'),
    ultraAuth: code(ultraAuth, 'AuthenticateResult'),
    unknownUser: code(unknownUser, 'AuthenticateResult'),
    info: {
      code: code(info, 'GetAccountInfoResult'),
      UserName: String(accountInfo['UserName']),
      AccountSizeMB: String(accountInfo['AccountSizeMB']),
      Status: String(accountInfo['Status']),
      EntityId: String(accountInfo['EntityId']),
    },
  };
  return { observed, lastResponse };
}

describe('npm soap client against the served WSDL', () => {
  let s: InteropServer;
  before(async () => {
    s = await startInteropServer();
  });
  after(async () => s.close());

  for (const version of ['1.1', '1.2'] as const) {
    it(`runs the partner scenario over SOAP ${version} (${PORTS[version]})`, async () => {
      s.tap.reset();
      const account = scenarioAccount(`node-${version.replace('.', '')}`);
      const { observed, lastResponse } = await runScenario(`${s.url}?WSDL`, version, account);
      assertScenario(observed, account);
      // 10 operations, each one POST in the requested version, each answered in that version.
      assert.equal(assertWireVersion(s.tap.exchanges(), version), 10);
      assert.ok(lastResponse.includes(`xmlns:soap="${version === '1.2' ? 'http://www.w3.org/2003/05/soap-envelope' : 'http://schemas.xmlsoap.org/soap/envelope/'}"`));
      // addSoapHeader(object, '', 'tns', ns) writes the header element with a default namespace.
      const first = s.tap.exchanges().find((e) => e.request.startLine.startsWith('POST '));
      assert.match(first?.request.body ?? '', /<soap:Header><AuthHeader xmlns="sosonlinebackup\.com"><UserName>reseller-a<\/UserName><Password>/);
      await assertPasswordChangedMail(s.t, account);
    });
  }
});
