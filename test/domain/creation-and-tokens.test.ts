/**
 * Account creation and tokens under concurrency, on a real SQLite file: one user name, many
 * simultaneous creations → one Success, the rest AlreadyExists, never a fault; one token,
 * many simultaneous redemptions → exactly one winner. Plus the least-loaded backup server and
 * the welcome e-mail switch.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RESELLER_A_SECRET, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';

const AUTH = { user: 'reseller-a', password: RESELLER_A_SECRET };

function create(t: TestApp, username: string, extra: Record<string, string | boolean | number> = {}) {
  return call(
    t,
    'CreateAccountBySize',
    {
      TargetEntityId: 3,
      Username: username,
      Password: 'a-good-password',
      AccountSizeMB: 1024,
      FullName: 'Concurrent Person',
      Email: `${username}@example.com`,
      IsUltrasafe: false,
      DisableEmailsNotification: false,
      ...extra,
    },
    AUTH,
  );
}

describe('creation and tokens', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ template: await seededTemplate(), env: { AMS_BACKUP_SERVERS: 'backup-01,backup-02,backup-03' } });
  });
  after(async () => t.close());

  it('answers one Success and AlreadyExists for the rest when one name is created concurrently', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => create(t, i % 2 ? 'Racer' : 'racer')));
    assert.deepEqual(results.map((r) => r.response.status), Array(8).fill(200));
    assert.equal(results.filter((r) => r.code === 'Success').length, 1);
    assert.equal(results.filter((r) => r.code === 'AlreadyExists').length, 7);
    const rows = await t.app.store.db.selectFrom('accounts').select('id').where('username_key', '=', 'racer').execute();
    assert.equal(rows.length, 1);
  });

  it('places new accounts on the least-loaded backup server', async () => {
    // The seed put four accounts on backup-01 and "racer" went to backup-02 (the first of the empty ones).
    const servers: string[] = [];
    for (const name of ['spread-1', 'spread-2', 'spread-3']) {
      assert.equal((await create(t, name)).code, 'Success');
      const row = await t.app.store.db.selectFrom('accounts').select('backup_server').where('username', '=', name).executeTakeFirstOrThrow();
      servers.push(row.backup_server);
    }
    assert.deepEqual(servers, ['backup-03', 'backup-02', 'backup-03']);
  });

  it('queues the welcome e-mail unless DisableEmailsNotification is set', async () => {
    const count = async () => (await t.app.store.db.selectFrom('outbox').select('recipient').where('event', '=', 'account-created').execute()).map((r) => r.recipient);
    const before = await count();
    assert.equal((await create(t, 'quiet-one', { DisableEmailsNotification: true })).code, 'Success');
    assert.equal((await create(t, 'loud-one')).code, 'Success');
    const added = (await count()).filter((r) => !before.includes(r));
    assert.deepEqual(added, ['loud-one@example.com']);
  });

  it('lets exactly one of many simultaneous redemptions of a one-time token win', async () => {
    const issued = await call(t, 'GetAuthorizationTokenByEntity', { Username: 'alice', IsAppUser: true }, AUTH);
    assert.equal(issued.code, 'Success');
    const token = issued.text('AuthToken');
    assert.ok(token && token.length >= 40);
    const redemptions = await Promise.all(Array.from({ length: 6 }, () => call(t, 'RedeemAuthorizationToken', { Token: token }, AUTH)));
    assert.equal(redemptions.filter((r) => r.code === 'Success').length, 1);
    assert.equal(redemptions.filter((r) => r.code === 'InvalidToken').length, 5);
  });

  it('creates exactly one account from a creating-account token redeemed concurrently', async () => {
    const issued = await call(t, 'GenerateCreatingAccountToken', { TargetEntityId: 3, AccountSizeMB: 2048, IsUltrasafe: false, ValidForHours: 1 }, AUTH);
    const token = issued.text('Token');
    assert.ok(token);
    const attempts = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call(t, 'CreateAccountByToken', { Token: token, Username: `by-token-${i}`, Password: 'a-good-password', FullName: 'T', Email: '' }, AUTH),
      ),
    );
    assert.equal(attempts.filter((r) => r.code === 'Success').length, 1);
    assert.equal(attempts.filter((r) => r.code === 'InvalidToken').length, 4);
    const created = await t.app.store.db.selectFrom('accounts').select('username').where('username', 'like', 'by-token-%').execute();
    assert.equal(created.length, 1);
  });

  it('never stores a token, only its digest', async () => {
    const issued = await call(t, 'GetAuthenticationToken', { Username: 'alice', Password: 'alice-password-1' }, AUTH);
    const token = issued.text('Token');
    assert.ok(token);
    const rows = await t.app.store.db.selectFrom('account_tokens').selectAll().execute();
    assert.ok(rows.length > 0);
    for (const row of rows) assert.doesNotMatch(JSON.stringify(row), new RegExp(token.replace(/[-]/g, '\\-')));
    assert.equal((await call(t, 'ValidateAuthenticationToken', { Token: token }, AUTH)).code, 'Success');
  });
});

describe('one-time web sign-in tokens end with the state that allowed them', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ template: await seededTemplate() });
  });
  after(async () => t.close());

  const issue = async () => {
    const r = await call(t, 'GetAuthorizationToken', { Username: 'alice', Password: 'alice-password-1' }, AUTH);
    assert.equal(r.code, 'Success');
    return r.text('AuthToken')!;
  };
  const redeem = (token: string) => call(t, 'RedeemAuthorizationToken', { Token: token }, AUTH);

  it('are revoked by a partner password reset', async () => {
    const token = await issue();
    const reset = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'alice-password-1', SendEmailToCustomer: false }, AUTH);
    assert.equal(reset.code, 'Success');
    assert.equal((await redeem(token)).code, 'InvalidToken');
  });

  it('cannot be redeemed once the account is cancelled', async () => {
    const token = await issue();
    assert.equal((await call(t, 'CancelAccount', { userName: 'alice' }, AUTH)).code, 'Success');
    assert.equal((await redeem(token)).code, 'InvalidToken');
  });
});
