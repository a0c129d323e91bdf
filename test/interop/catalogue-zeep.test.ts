/**
 * Python zeep (Debian python3-zeep) on the SOAP 1.2 binding of the served WSDL: one short pass
 * through all 24 operations (catalogue_zeep.py), each answering Success at least once, with the
 * token round trips (validate, revoke by a password change, redeem twice) and a few refusals.
 * The script only reports what it saw; the assertions are here, and the wire tap checks that
 * every call really was SOAP 1.2.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { BACKUP_SERVERS, PARTNER, assertWireVersion, startInteropServer, type InteropServer } from './scenario.js';
import { ALL_OPERATIONS, WRONG_PARTNER, assertAbout, assertMails, importFeeds, partnerKey, runJsonScript } from './catalogue-support.js';

// Debian's interpreter, the one python3-zeep is installed for (a pyenv `python3` may lack it).
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./catalogue_zeep.py', import.meta.url));

const users = { size: 'zc-size', obsolete: 'zc-obsolete', ultra: 'zc-ultra', plk: 'zc-plk', token: 'zc-token', token2: 'zc-token2', never: 'zc-never' };
const passwords = { first: 'zc-first-pass-1', second: 'zc-second-pass-2', third: 'zc-third-pass-3 ÄÖ' };
const emails = { one: 'zc-size.one@example.com', two: 'zc-size.two@example.com' };
const mail = (user: string): string => `${user}@example.com`;

describe('Python zeep through all 24 operations on the SOAP 1.2 binding', () => {
  let s: InteropServer;
  before(async () => {
    s = await startInteropServer();
  });
  after(async () => s.close());

  it('answers every operation as the catalogue promises', async () => {
    await importFeeds(
      s.t,
      'account,system,device_type,used_kb\nalice,laptop,Windows,1000\nalice,phone,,234\n',
      'account,date,amount,currency,description\nalice,2026-01-15,12.50,EUR,First month\nalice,2026-02-01T08:00:00-05:00,0.0001,CHF,\n',
    );
    s.tap.reset();
    const config = { partner: PARTNER, wrongPassword: WRONG_PARTNER.Password, partnerKey: await partnerKey(s.t, 3), users, passwords, emails };
    const o = await runJsonScript(PYTHON, [SCRIPT, `${s.url}?WSDL`], config);

    const auth = o['Authenticate'] as { backupServerName: string };
    assert.ok(BACKUP_SERVERS.includes(auth.backupServerName), JSON.stringify(auth));
    const validated = o['ValidateAuthenticationToken'] as { ExpiresUtc: string };
    assertAbout(validated.ExpiresUtc, Date.now() + 900_000, 'ExpiresUtc');
    const tokens = o['tokens'] as string[];
    assert.equal(new Set(tokens.filter((t) => /^[\w-]{20,}$/.test(t))).size, 4, `tokens ${JSON.stringify(tokens)}`);

    assert.deepEqual(o, {
      CreateAccountBySize: 'Success',
      'CreateAccountBySize.again': 'AlreadyExists',
      CreateAccount: 'Success',
      CreateUltraSafeAccount: 'Success',
      CreateAccountByPartnerLicenseKey: 'Success',
      GenerateCreatingAccountToken: 'Success',
      CreateAccountByToken: 'Success',
      'CreateAccountByToken.again': 'InvalidToken',
      'GetAccountInfo.token': { code: 'Success', EntityId: 3, AccountSizeMB: '4096', IsUltraSafe: true },
      Authenticate: { code: 'Success', accountStatus: 'Active', backupServerName: auth.backupServerName },
      'Authenticate.wrong': 'InvalidAccountCredentials',
      ChangeBackupAccountPassword: 'Success',
      GetAuthenticationToken: 'Success',
      ValidateAuthenticationToken: {
        code: 'Success', Username: users.size, AccountStatus: 'Active', BackupServerName: auth.backupServerName, ExpiresUtc: validated.ExpiresUtc,
      },
      ChangeAccountPassword: 'Success',
      'ValidateAuthenticationToken.afterChange': 'InvalidToken',
      GetAuthorizationToken: 'Success',
      RedeemAuthorizationToken: { code: 'Success', Username: users.size, EntityId: 3, IsAppUser: true },
      'RedeemAuthorizationToken.again': 'InvalidToken',
      GetAuthorizationTokenByEntity: 'Success',
      'RedeemAuthorizationToken.partner': { code: 'Success', Username: 'reseller-a', EntityId: 2, IsAppUser: false },
      ChangeAccountEmail: 'Success',
      ChangeBackupAccountEmail: 'Success',
      ChangeAccountLicenseKey: 'Success',
      ChangeAccountSize: 'Success',
      'GetAccountInfo.changed': { code: 'Success', Email: emails.two, LicenseKey: 'LK-ZEEP-7', AccountSizeMB: '8192' },
      GetAccountUsedSpace: { code: 'Success', usedSpaceInKB: '1234' },
      GetAccountUsedSpaceBySystem: { code: 'Success', spaces: [['laptop', 'Windows', '1000'], ['phone', null, '234']] },
      GetAccountPayments: {
        code: 'Success',
        payments: [['2026-01-15T00:00:00Z', '12.50', 'EUR', 'First month'], ['2026-02-01T13:00:00Z', '0.0001', 'CHF', null]],
      },
      GetAllAccounts: { Result: 'Success', users: ['alice', 'gone', 'ultra', ...Object.values(users).slice(0, 5)].sort() },
      CancelAccount: 'Success',
      'CancelAccount.again': 'Success',
      'GetAccountInfo.cancelled': 'Cancelled',
      'ChangeBackupAccountPassword.ultra': 'UltraSafeNotSupported',
      'GetAccountInfo.bob': 'ObjectEntityMismatch',
      wrongHeader: { Authenticate: 'InvalidSoapCredentials', CreateAccountBySize: 'InvalidSoapCredentials', GetAllAccounts: 'InvalidSoapCredentials', ValidateAuthenticationToken: 'InvalidSoapCredentials' },
      'GetAccountInfo.never': 'AccountNotFound',
      tokens,
      calls: o['calls'],
    });
    // Every operation was called and answered Success at least once.
    const ok = (v: unknown): boolean => v === 'Success' || ['code', 'Result'].some((k) => (v as Record<string, unknown>)?.[k] === 'Success');
    const succeeded = new Set(Object.entries(o).filter(([, v]) => ok(v)).map(([k]) => k.split('.')[0]));
    assert.deepEqual([...succeeded].sort(), [...ALL_OPERATIONS].sort());

    assert.equal(assertWireVersion(s.tap.exchanges(), '1.2'), o['calls']);
    assert.equal(s.tap.exchanges().filter((e) => /^GET \S+\?wsdl /i.test(e.request.startLine)).length, 1, 'zeep read the WSDL from the server');
    const expected = [
      ...[users.size, users.obsolete, users.ultra, users.plk, users.token].map((u) => `${mail(u)} welcome`),
      `${mail(users.size)} password`, `${mail(users.size)} password`, `${emails.one} email`, `${emails.two} email`, `${mail(users.obsolete)} cancelled`,
    ];
    await assertMails(s.t, expected, [...Object.values(passwords), PARTNER.Password, ...tokens]);
  });
});
