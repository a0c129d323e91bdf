/**
 * All 24 operations through the npm `soap` client reading the served WSDL over a socket, as
 * partner reseller-a: every success path the catalogue promises and its refusals (entity tree,
 * AuthHeader, UltraSafe, lock-out, spent and revoked tokens), the operator feeds behind the
 * report operations, and the notification e-mails. SOAP 1.1 throughout; the token round trips
 * again over SOAP 1.2. The wire tap checks which version really went over the wire.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BOB_PASSWORD, RESELLER_B_SECRET, ULTRA_PASSWORD } from '../support/harness.js';
import { BACKUP_SERVERS, PARTNER, assertWireVersion, startInteropServer, type InteropServer } from './scenario.js';
import {
  ALL_OPERATIONS, WRONG_PARTNER, accountCalls, accountInfo, assertAbout, codesOf, assertMails, importFeeds, items, nodeSoapPort, otherCalls, partnerKey,
  personFields, pick, redeem, sizeFields, tokenCollector, type CataloguePort, type Obj, type Partner,
} from './catalogue-support.js';
import type { OperationName } from '../../src/contract/index.js';

const PW = {
  size: 'cat-Size-pass-1', size2: 'cat-Size-pass-2 ÄÖ', quiet: 'cat-quiet-pass-1', lock: 'cat-lock-pass-1', lock2: 'cat-lock-pass-2',
  ultra: 'cat-ultra-pass-1', ultra2: 'cat-ultra-pass-2', plk: 'cat-plk-pass-1', token: 'cat-token-pass-1', v12: 'cat-v12-pass-1', v12b: 'cat-v12-pass-2',
};
const RESELLER_B = { UserName: 'reseller-b', Password: RESELLER_B_SECRET };
const mail = (user: string): string => `${user}@example.com`;
const [NEW1, NEW2, NEW3] = ['cat-size.new1@example.com', 'cat-size.new2@example.com', 'cat-size.new3@example.com'];
const USAGE_CSV = 'account,system,device_type,used_kb\r\nCAT-SIZE,laptop,"Windows 11, Pro",991\r\ncat-size,nas-01,Linux,9007199254740000\r\n';
const PAYMENTS_CSV = 'account,date,amount,currency,description\ncat-size,2026-01-15,12.50,EUR,First month\ncat-size,2026-02-15T10:30:00+01:00,-3,USD,"Refund, ""partial"""\n';

describe('the whole catalogue through npm soap, as reseller-a', () => {
  let s: InteropServer;
  let p: CataloguePort;
  const tokens = tokenCollector();
  const token = tokens.take;
  const code = (op: OperationName, fields: Obj, as?: Partner): Promise<string> => p.code(op, fields, as);
  const info = (userName: string, via: CataloguePort = p): Promise<Obj> => accountInfo(via, userName);
  const [bySize, person] = [sizeFields, personFields];

  before(async () => {
    s = await startInteropServer();
    p = await nodeSoapPort(`${s.url}?WSDL`, '1.1');
  });
  after(async () => s.close());

  it('creates accounts in all five ways, each user name once', async () => {
    assert.equal(await code('CreateAccountBySize', bySize('cat-size', PW.size)), 'Success');
    assert.equal(await code('CreateAccountBySize', bySize('cat-size', 'other-pass-1')), 'AlreadyExists');
    assert.equal(await code('CreateAccountBySize', bySize('CAT-Size', 'other-pass-1')), 'AlreadyExists');
    assert.equal(await code('CreateAccountBySize', bySize('cat-quiet', PW.quiet, { DisableEmailsNotification: true })), 'Success');
    assert.equal(await code('CreateAccountBySize', bySize('cat-elsewhere', PW.quiet, { TargetEntityId: 4 })), 'ObjectEntityMismatch');
    assert.deepEqual(pick(await info('cat-size'), 'EntityId', 'AccountSizeMB', 'IsUltraSafe', 'Status'), { EntityId: 3, AccountSizeMB: '2048', IsUltraSafe: false, Status: 'Active' });

    assert.equal(await code('CreateAccount', person('cat-lock', PW.lock)), 'Success');
    assert.deepEqual(pick(await info('cat-lock'), 'EntityId', 'AccountSizeMB', 'IsUltraSafe', 'LicenseKey', 'LocaleCode'), {
      EntityId: 2, AccountSizeMB: '10240', IsUltraSafe: false, LicenseKey: 'LK-OLD', LocaleCode: 'en-GB',
    });
    assert.equal(await code('CreateUltraSafeAccount', { ...person('cat-ultra', PW.ultra), secretQuestion: 'Pet?', answer: 'Rex' }), 'Success');
    assert.deepEqual(pick(await info('cat-ultra'), 'EntityId', 'AccountSizeMB', 'IsUltraSafe'), { EntityId: 2, AccountSizeMB: '10240', IsUltraSafe: true });

    const byKey = (userName: string, partnerLicenseKey: string): Obj => ({ ...person(userName, PW.plk), partnerLicenseKey, isUltraSafe: false, secretQuestion: 'Pet?', answer: 'Rex' });
    assert.equal(await code('CreateAccountByPartnerLicenseKey', byKey('cat-plk', await partnerKey(s.t, 3))), 'Success');
    assert.deepEqual(pick(await info('cat-plk'), 'EntityId', 'AccountSizeMB', 'IsUltraSafe'), { EntityId: 3, AccountSizeMB: '10240', IsUltraSafe: false });
    assert.equal(await code('CreateAccountByPartnerLicenseKey', byKey('cat-plk2', 'PLK-no-such-key-000000000000')), 'ObjectEntityMismatch');
    assert.equal(await code('CreateAccountByPartnerLicenseKey', byKey('cat-plk2', await partnerKey(s.t, 4))), 'ObjectEntityMismatch');
    assert.equal(await code('GetAccountInfo', { userName: 'cat-plk2' }), 'AccountNotFound');

    const generated = await p.call('GenerateCreatingAccountToken', { TargetEntityId: 3, AccountSizeMB: '4096', IsUltrasafe: true, ValidForHours: 2 });
    assert.equal(generated.code, 'Success');
    assertAbout(generated.out['ExpiresUtc'], Date.now() + 2 * 3_600_000, 'ExpiresUtc');
    const Token = token(generated.out['Token']);
    const byToken = (Username: string): Obj => ({ Token, Username, Password: PW.token, FullName: 'Cat Token', Email: mail(Username) });
    assert.equal(await code('CreateAccountByToken', byToken('cat-token')), 'Success');
    assert.deepEqual(pick(await info('cat-token'), 'EntityId', 'AccountSizeMB', 'IsUltraSafe'), { EntityId: 3, AccountSizeMB: '4096', IsUltraSafe: true });
    assert.equal(await code('CreateAccountByToken', byToken('cat-token2')), 'InvalidToken');
    assert.equal(await code('GetAccountInfo', { userName: 'cat-token2' }), 'AccountNotFound');
  });

  it('locks an account after 10 wrong passwords until a partner reset', async () => {
    const auth = (password: string) => p.call('Authenticate', { userName: 'cat-lock', password });
    const wrong: string[] = [];
    for (let i = 1; i <= 10; i++) wrong.push((await auth(`wrong-password-${i}`)).code);
    assert.deepEqual(wrong, Array<string>(10).fill('InvalidAccountCredentials'));
    const locked = await auth(PW.lock);
    assert.deepEqual([locked.code, locked.out['accountStatus']], ['AccountLocked', 'Locked']);
    assert.equal((await info('cat-lock'))['Status'], 'Locked');
    assert.equal(await code('ChangeBackupAccountPassword', { Username: 'cat-lock', NewPassword: PW.lock2, SendEmailToCustomer: true }), 'Success');
    const unlocked = await auth(PW.lock2);
    assert.deepEqual([unlocked.code, unlocked.out['accountStatus']], ['Success', 'Active']);
    assert.equal((await auth(PW.lock)).code, 'InvalidAccountCredentials');
  });

  it('issues, validates and revokes (by a password change) authentication tokens', async () => {
    const good = await p.call('Authenticate', { userName: 'cat-size', password: PW.size });
    assert.deepEqual([good.code, good.out['accountStatus']], ['Success', 'Active']);
    const server = String(good.out['backupServerName']);
    assert.ok(BACKUP_SERVERS.includes(server), server);
    assert.equal(await code('Authenticate', { userName: 'cat-size', password: 'not-the-password' }), 'InvalidAccountCredentials');
    assert.equal(await code('Authenticate', { userName: 'cat-nobody', password: 'not-the-password' }), 'AccountNotFound');
    assert.equal(await code('GetAuthenticationToken', { Username: 'cat-size', Password: 'not-the-password' }), 'InvalidAccountCredentials');
    const issued = await p.call('GetAuthenticationToken', { Username: 'cat-size', Password: PW.size });
    assert.equal(issued.code, 'Success');
    const Token = token(issued.out['Token']);
    const valid = await p.call('ValidateAuthenticationToken', { Token });
    assert.deepEqual([valid.code, pick(valid.out, 'Username', 'AccountStatus', 'BackupServerName')], ['Success', { Username: 'cat-size', AccountStatus: 'Active', BackupServerName: server }]);
    assertAbout(valid.out['ExpiresUtc'], Date.now() + 900_000, 'ExpiresUtc');
    assert.equal(await code('ValidateAuthenticationToken', { Token: `${Token}x` }), 'InvalidToken');
    assert.equal(await code('ChangeAccountPassword', { userName: 'cat-size', password: 'not-the-password', newPassword: PW.size2 }), 'InvalidAccountCredentials');
    assert.equal(await code('ValidateAuthenticationToken', { Token }), 'Success', 'a refused change revokes nothing');
    assert.equal(await code('ChangeAccountPassword', { userName: 'cat-size', password: PW.size, newPassword: PW.size2 }), 'Success');
    assert.equal(await code('ValidateAuthenticationToken', { Token }), 'InvalidToken');
    assert.equal(await code('Authenticate', { userName: 'cat-size', password: PW.size2 }), 'Success');
    // The customer's own change proves the old password, so it is allowed for UltraSafe.
    assert.equal(await code('ChangeAccountPassword', { userName: 'cat-ultra', password: PW.ultra, newPassword: PW.ultra2 }), 'Success');
  });

  it('redeems one-time authorization tokens once, for an account or a partner user', async () => {
    assert.equal(await code('GetAuthorizationToken', { Username: 'cat-size', Password: PW.size }), 'InvalidAccountCredentials');
    const issued = await p.call('GetAuthorizationToken', { Username: 'cat-size', Password: PW.size2 });
    assert.equal(issued.code, 'Success');
    const AuthToken = token(issued.out['AuthToken']);
    assert.deepEqual(await redeem(p, AuthToken), { code: 'Success', Username: 'cat-size', EntityId: 3, IsAppUser: true });
    assert.equal((await redeem(p, AuthToken)).code, 'InvalidToken');
    const partner = await p.call('GetAuthorizationTokenByEntity', { Username: 'reseller-a', IsAppUser: false });
    assert.equal(partner.code, 'Success');
    assert.deepEqual(await redeem(p, token(partner.out['AuthToken'])), { code: 'Success', Username: 'reseller-a', EntityId: 2, IsAppUser: false });
    const account = await p.call('GetAuthorizationTokenByEntity', { Username: 'cat-token', IsAppUser: true });
    assert.deepEqual(await redeem(p, token(account.out['AuthToken'])), { code: 'Success', Username: 'cat-token', EntityId: 3, IsAppUser: true });
    assert.equal(await code('GetAuthorizationTokenByEntity', { Username: 'reseller-b', IsAppUser: false }), 'ObjectEntityMismatch');
  });

  it('changes e-mail, licence key and size as GetAccountInfo then shows', async () => {
    assert.equal(await code('ChangeAccountEmail', { userName: 'cat-size', password: 'not-the-password', email: NEW1 }), 'InvalidAccountCredentials');
    assert.equal((await info('cat-size'))['Email'], mail('cat-size'));
    assert.equal(await code('ChangeAccountEmail', { userName: 'cat-size', password: PW.size2, email: NEW1 }), 'Success');
    assert.equal((await info('cat-size'))['Email'], NEW1);
    assert.equal(await code('ChangeBackupAccountEmail', { Username: 'cat-size', Email: NEW2, SendEmailToCustomer: true }), 'Success');
    assert.equal((await info('cat-size'))['Email'], NEW2);
    assert.equal(await code('ChangeBackupAccountEmail', { Username: 'cat-size', Email: NEW3, SendEmailToCustomer: false }), 'Success');
    assert.equal(await code('ChangeAccountLicenseKey', { userName: 'cat-size', licenseKey: 'LK-CAT-0042' }), 'Success');
    assert.equal(await code('ChangeAccountSize', { userName: 'cat-size', sizeInMB: '8192' }), 'Success');
    assert.equal(await code('ChangeAccountSize', { userName: 'cat-size', sizeInMB: '0' }), 'InvalidInputParameters');
    assert.deepEqual(pick(await info('cat-size'), 'Email', 'LicenseKey', 'AccountSizeMB'), { Email: NEW3, LicenseKey: 'LK-CAT-0042', AccountSizeMB: '8192' });
  });

  it('reports the used space and payments imported by the operator feeds', async () => {
    await importFeeds(s.t, USAGE_CSV, PAYMENTS_CSV);
    const total = await p.call('GetAccountUsedSpace', { userName: 'cat-size' });
    assert.deepEqual([total.code, total.out['usedSpaceInKB']], ['Success', '9007199254740991']);
    assert.match(p.lastResponse(), /<usedSpaceInKB>9007199254740991<\/usedSpaceInKB>/);
    const bySystem = await p.call('GetAccountUsedSpaceBySystem', { Username: 'cat-size' });
    assert.equal(bySystem.code, 'Success');
    assert.deepEqual(items(bySystem.out['AccountSpaces'], 'AccountSpace'), [
      { Username: 'cat-size', UsedSpaceKB: '991', SystemName: 'laptop', DeviceType: 'Windows 11, Pro' },
      { Username: 'cat-size', UsedSpaceKB: '9007199254740000', SystemName: 'nas-01', DeviceType: 'Linux' },
    ]);
    assert.equal((await info('cat-size'))['UsedSpaceKB'], '9007199254740991');
    const paid = await p.call('GetAccountPayments', { userName: 'cat-size' });
    assert.equal(paid.code, 'Success');
    assert.match(p.lastResponse(), /<Amount>12\.50<\/Amount>.*<Amount>-3<\/Amount>/);
    const payments = items(paid.out['payments'], 'AccountPayment');
    assert.deepEqual(payments.map((x) => ({ ...x, PaymentId: typeof x['PaymentId'], DateUtc: (x['DateUtc'] as Date).toISOString() })), [
      { PaymentId: 'string', DateUtc: '2026-01-15T00:00:00.000Z', Amount: '12.50', Currency: 'EUR', Description: 'First month' },
      { PaymentId: 'string', DateUtc: '2026-02-15T09:30:00.000Z', Amount: '-3', Currency: 'USD', Description: 'Refund, "partial"' },
    ]);
    const ids = payments.map((x) => String(x['PaymentId']));
    assert.ok(ids.every((id) => /^\d+$/.test(id)) && new Set(ids).size === 2, `PaymentIds ${ids.join(', ')}`);
    const none = await p.call('GetAccountPayments', { userName: 'cat-quiet' });
    assert.deepEqual([none.code, items(none.out['payments'], 'AccountPayment')], ['Success', []]);
  });

  it("lists the caller's tree only in GetAllAccounts, with a plain-enum Result", async () => {
    const all = await p.call('GetAllAccounts', { CustomerTypeCode: '' });
    assert.equal(all.out['Result'], 'Success');
    const listed = items(all.out['Accounts'], 'GetAllAccountsItem');
    const tree = ['alice@3', 'gone@3', 'ultra@3', 'cat-size@3', 'cat-quiet@3', 'cat-lock@2', 'cat-ultra@2', 'cat-plk@3', 'cat-token@3'];
    assert.deepEqual(listed.map((a) => `${String(a['UserName'])}@${String(a['EntityId'])}`).sort(), tree.sort());
    const alice = listed.find((a) => a['UserName'] === 'alice');
    assert.deepEqual({ ...alice, SignupDate: (alice?.['SignupDate'] as Date).toISOString() }, {
      UserName: 'alice', CustomerName: 'Alice Example', Email: 'alice@example.com', EntityId: 3, CustomerTypeCode: 'SMB', PaymentPlanId: 0, SignupDate: '2025-01-02T03:04:05.000Z',
    });
    const smb = items((await p.call('GetAllAccounts', { CustomerTypeCode: 'SMB' })).out['Accounts'], 'GetAllAccountsItem');
    assert.deepEqual(smb.map((a) => a['UserName']).sort(), tree.filter((a) => a.endsWith('@3')).map((a) => a.slice(0, -2)).sort());
    const refused = await p.call('GetAllAccounts', { CustomerTypeCode: '' }, WRONG_PARTNER);
    assert.deepEqual([refused.out['Result'], items(refused.out['Accounts'], 'GetAllAccountsItem')], ['InvalidSoapCredentials', []]);
  });

  it('cancels an account; cancelling it again is Success and changes nothing', async () => {
    assert.equal(await code('CancelAccount', { userName: 'cat-plk' }), 'Success');
    const cancelled = await info('cat-plk');
    assert.equal(cancelled['Status'], 'Cancelled');
    assert.ok(cancelled['CancelDateUtc'] instanceof Date, `CancelDateUtc ${String(cancelled['CancelDateUtc'])}`);
    assert.equal(await code('CancelAccount', { userName: 'cat-plk' }), 'Success');
    assert.deepEqual((await info('cat-plk'))['CancelDateUtc'], cancelled['CancelDateUtc']);
    const auth = await p.call('Authenticate', { userName: 'cat-plk', password: PW.plk });
    assert.deepEqual([auth.code, auth.out['accountStatus']], ['Success', 'Cancelled']);
    assert.equal(await code('ChangeBackupAccountPassword', { Username: 'cat-plk', NewPassword: 'cat-plk-pass-9', SendEmailToCustomer: true }), 'InvalidAccountState');
    assert.equal(await code('GetAuthenticationToken', { Username: 'cat-plk', Password: PW.plk }), 'InvalidAccountState');
  });

  it('refuses UltraSafe resets, accounts outside the tree and a wrong AuthHeader on every operation', async () => {
    assert.equal(await code('ChangeBackupAccountPassword', { Username: 'ultra', NewPassword: 'ultra-new-pass-1', SendEmailToCustomer: true }), 'UltraSafeNotSupported');
    assert.equal(await code('Authenticate', { userName: 'ultra', password: ULTRA_PASSWORD }), 'Success');
    const bobCalls = accountCalls('bob', BOB_PASSWORD);
    assert.deepEqual(await codesOf(p, bobCalls), bobCalls.map(([op]) => `${op} ObjectEntityMismatch`));
    assert.equal(await code('GenerateCreatingAccountToken', { TargetEntityId: 4, AccountSizeMB: '1024', IsUltrasafe: false, ValidForHours: 1 }), 'ObjectEntityMismatch');
    // Untouched, as bob's own partner sees it (2 calls as reseller-b, left out of the wire check).
    const bobInfo = await p.call('GetAccountInfo', { userName: 'bob' }, RESELLER_B);
    assert.deepEqual(pick(bobInfo.out['accountInfo'], 'Status', 'Email', 'AccountSizeMB', 'LicenseKey'), { Status: 'Active', Email: 'bob@example.com', AccountSizeMB: '10240', LicenseKey: 'LK-0001' });
    assert.equal(await code('Authenticate', { userName: 'bob', password: BOB_PASSWORD }, RESELLER_B), 'Success');

    // Tokens and a key that would work, so that every wrong-header call would otherwise succeed.
    const creatingToken = token((await p.call('GenerateCreatingAccountToken', { TargetEntityId: 3, AccountSizeMB: '1024', IsUltrasafe: false, ValidForHours: 1 })).out['Token']);
    const authToken = token((await p.call('GetAuthenticationToken', { Username: 'cat-size', Password: PW.size2 })).out['Token']);
    const authorizationToken = token((await p.call('GetAuthorizationToken', { Username: 'cat-size', Password: PW.size2 })).out['AuthToken']);
    const calls = [...accountCalls('cat-size', PW.size2), ...otherCalls('cat-never', { partnerKey: await partnerKey(s.t, 3), creatingToken, authToken, authorizationToken })];
    assert.deepEqual(new Set(calls.map(([op]) => op)), new Set(ALL_OPERATIONS));
    assert.deepEqual(await codesOf(p, calls, WRONG_PARTNER), calls.map(([op]) => `${op} InvalidSoapCredentials`));

    assert.deepEqual(pick(await info('cat-size'), 'Status', 'Email', 'AccountSizeMB', 'LicenseKey'), { Status: 'Active', Email: NEW3, AccountSizeMB: '8192', LicenseKey: 'LK-CAT-0042' });
    assert.equal(await code('Authenticate', { userName: 'cat-size', password: PW.size2 }), 'Success');
    assert.equal(await code('GetAccountInfo', { userName: 'cat-never' }), 'AccountNotFound');
    assert.equal(await code('ValidateAuthenticationToken', { Token: authToken }), 'Success');
    assert.equal((await redeem(p, authorizationToken)).code, 'Success');
    assert.equal(await code('CreateAccountByToken', { Token: creatingToken, Username: 'cat-late', Password: PW.token, FullName: 'Cat Late', Email: mail('cat-late') }), 'Success');
  });

  it('saw every operation answer Success and at least one refusal, all over SOAP 1.1', () => {
    for (const op of ALL_OPERATIONS) {
      const codes = [...(p.seen.get(op) ?? [])];
      assert.ok(codes.includes('Success') && codes.length >= 2, `${op}: ${codes.join(', ')}`);
    }
    const asResellerA = s.tap.exchanges().filter((e) => !e.request.body.includes('<UserName>reseller-b</UserName>'));
    assert.equal(assertWireVersion(asResellerA, '1.1'), p.calls() - 2);
  });

  it('runs the token round trips over SOAP 1.2 (forceSoap12Headers)', async () => {
    s.tap.reset();
    const p12 = await nodeSoapPort(`${s.url}?WSDL`, '1.2');
    const generated = await p12.call('GenerateCreatingAccountToken', { TargetEntityId: 0, AccountSizeMB: '3072', IsUltrasafe: false, ValidForHours: 1 });
    const Token = token(generated.out['Token']);
    const byToken = async (Username: string) => (await p12.call('CreateAccountByToken', { Token, Username, Password: PW.v12, FullName: 'Cat V12', Email: mail(Username) })).code;
    assert.deepEqual([generated.code, await byToken('cat-v12'), await byToken('cat-v12b')], ['Success', 'Success', 'InvalidToken']);
    assert.deepEqual(pick(await info('cat-v12', p12), 'EntityId', 'AccountSizeMB', 'IsUltraSafe'), { EntityId: 2, AccountSizeMB: '3072', IsUltraSafe: false });

    const authToken = token((await p12.call('GetAuthenticationToken', { Username: 'cat-v12', Password: PW.v12 })).out['Token']);
    const validate = () => p12.call('ValidateAuthenticationToken', { Token: authToken });
    const valid = await validate();
    assert.deepEqual([valid.code, valid.out['Username']], ['Success', 'cat-v12']);
    assert.equal((await p12.call('ChangeAccountPassword', { userName: 'cat-v12', password: PW.v12, newPassword: PW.v12b })).code, 'Success');
    assert.equal((await validate()).code, 'InvalidToken');

    const authorization = token((await p12.call('GetAuthorizationToken', { Username: 'cat-v12', Password: PW.v12b })).out['AuthToken']);
    assert.deepEqual(await redeem(p12, authorization), { code: 'Success', Username: 'cat-v12', EntityId: 2, IsAppUser: true });
    assert.equal((await redeem(p12, authorization)).code, 'InvalidToken');
    const partner = token((await p12.call('GetAuthorizationTokenByEntity', { Username: 'reseller-a', IsAppUser: false })).out['AuthToken']);
    assert.deepEqual(await redeem(p12, partner), { code: 'Success', Username: 'reseller-a', EntityId: 2, IsAppUser: false });
    assert.equal(assertWireVersion(s.tap.exchanges(), '1.2'), p12.calls());
  });

  it('sent each promised e-mail once, to the right (new) address, with no password or token in it', async () => {
    const expected = [
      ...['cat-size', 'cat-lock', 'cat-ultra', 'cat-plk', 'cat-token', 'cat-late', 'cat-v12'].map((u) => `${mail(u)} welcome`),
      ...['cat-size', 'cat-lock', 'cat-ultra', 'cat-v12'].map((u) => `${mail(u)} password`),
      `${NEW1} email`, `${NEW2} email`, `${mail('cat-plk')} cancelled`,
    ];
    await assertMails(s.t, expected, [...Object.values(PW), PARTNER.Password, RESELLER_B_SECRET, ...tokens.all]);
  });
});
