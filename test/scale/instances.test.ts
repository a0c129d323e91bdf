/**
 * Three real service processes on one PostgreSQL database, started together on an empty
 * database and driven concurrently through SOAP over HTTP; afterwards the database must hold
 * exactly the expected state. Runs when AMS_TEST_DATABASE_URL is set (CI sets it).
 */
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openStore, parseDatabaseUrl, type Store } from '../../src/store/create-db.js';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';
import { createPartnerUser } from '../../src/app/admin.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { POSTGRES_TEST_URL } from '../support/test-database.js';
import { soap, startCluster, type Cluster, type Instance } from './cluster.js';

const skip = POSTGRES_TEST_URL ? false : 'AMS_TEST_DATABASE_URL is not set';

describe('three instances on one PostgreSQL database', { skip }, () => {
  let cluster: Cluster;
  let admin: Store;
  let instances: readonly Instance[];
  const on = (i: number): Instance => instances[i % instances.length]!;

  before(async () => {
    cluster = await startCluster(3);
    instances = cluster.instances;
    admin = openStore(parseDatabaseUrl(cluster.database.url));
  });
  after(async () => {
    await admin?.close();
    await cluster?.stop();
  });

  const count = async (query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(admin.db)).rows[0]?.n;

  async function createAccount(instance: Instance, username: string, password = `${username}-password-1`) {
    return soap(instance, 'CreateAccountBySize', {
      TargetEntityId: 0,
      Username: username,
      Password: password,
      AccountSizeMB: 1024,
      FullName: 'Scale Test',
      Email: `${username}@example.com`,
      IsUltrasafe: false,
      DisableEmailsNotification: false,
    });
  }

  it('started together on an empty database: migrated once, one first partner user, all serving', async () => {
    assert.equal(await count(sql`SELECT count(*)::int AS n FROM kysely_migration`), Object.keys(MIGRATIONS).length);
    assert.equal(await count(sql`SELECT count(*)::int AS n FROM partner_users`), 1);
    assert.equal(await count(sql`SELECT count(*)::int AS n FROM entities`), 1);
    const applied = instances.flatMap((i) => i.logs.filter((l) => l.includes('"msg":"migration"') && l.includes('"status":"Success"')));
    assert.equal(applied.length, Object.keys(MIGRATIONS).length, 'each migration applied by exactly one instance');
    const bootstrapped = instances.flatMap((i) => i.logs.filter((l) => l.includes('first partner API user created')));
    assert.equal(bootstrapped.length, 1);
    for (const instance of instances) {
      const health = await fetch(`${instance.base}/healthz`);
      assert.equal(health.status, 200);
    }
  });

  it('creates a user name asked for on every instance at once exactly once; the others answer AlreadyExists', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `race-${i}`);
    const answers = await Promise.all(names.flatMap((name) => instances.map(async (instance) => ({ name, r: await createAccount(instance, name) }))));
    for (const { r } of answers) assert.equal(r.status, 200, 'never a fault');
    for (const name of names) {
      const codes = answers.filter((a) => a.name === name).map((a) => a.r.code).sort();
      assert.deepEqual(codes, ['AlreadyExists', 'AlreadyExists', 'Success'], name);
    }
    assert.equal(await count(sql`SELECT count(*)::int AS n FROM accounts WHERE username LIKE 'race-%'`), 8);
    assert.equal(await count(sql`SELECT count(*)::int AS n FROM audit_log WHERE operation = 'CreateAccountBySize' AND account_username LIKE 'race-%'`), 8);
    assert.equal(await count(sql`SELECT count(*)::int AS n FROM outbox WHERE recipient LIKE 'race-%'`), 8);
  });

  it('keeps every acknowledged password reset, and the last one committed is the password', async () => {
    assert.equal((await createAccount(on(0), 'resetme')).code, 'Success');
    const passwords = Array.from({ length: 9 }, (_, i) => `reset-password-${i}`);
    const answers = await Promise.all(
      passwords.map((password, i) => soap(on(i), 'ChangeBackupAccountPassword', { Username: 'resetme', NewPassword: password, SendEmailToCustomer: false })),
    );
    assert.deepEqual(
      answers.map((a) => a.code),
      passwords.map(() => 'Success'),
    );
    // Row locks order the resets: the audit record written last belongs to the last commit.
    const audit = await sql<{ request_id: string }>`
      SELECT request_id FROM audit_log WHERE operation = 'ChangeBackupAccountPassword' AND account_username = 'resetme' ORDER BY id`.execute(admin.db);
    assert.deepEqual(audit.rows.map((r) => r.request_id).sort(), answers.map((a) => a.requestId).sort(), 'every acknowledged reset is recorded');
    const last = audit.rows.at(-1)!.request_id;
    const expected = passwords[answers.findIndex((a) => a.requestId === last)]!;
    const row = await admin.db.selectFrom('accounts').select('password_hash').where('username', '=', 'resetme').executeTakeFirstOrThrow();
    assert.equal(await argon2Hasher.verify(row.password_hash, expected), true, 'the stored password is the last committed one');
    assert.equal((await soap(on(2), 'Authenticate', { userName: 'resetme', password: expected })).code, 'Success');
  });

  it('counts failed sign-ins spread over the instances and locks after 10 on all of them', async () => {
    assert.equal((await createAccount(on(1), 'locky', 'locky-password-1')).code, 'Success');
    const failures = await Promise.all(Array.from({ length: 10 }, (_, i) => soap(on(i), 'Authenticate', { userName: 'locky', password: `wrong-password-${i}` })));
    assert.ok(failures.every((f) => f.code === 'InvalidAccountCredentials'));
    const row = await admin.db.selectFrom('accounts').select(['failed_sign_ins', 'locked_until']).where('username', '=', 'locky').executeTakeFirstOrThrow();
    assert.equal(row.failed_sign_ins, 10);
    assert.notEqual(row.locked_until, null);
    for (const instance of instances) assert.equal((await soap(instance, 'Authenticate', { userName: 'locky', password: 'locky-password-1' })).code, 'AccountLocked');
  });

  it('redeems a one-time token once, whichever instances race for it', async () => {
    assert.equal((await createAccount(on(2), 'tokenuser')).code, 'Success');
    const issued = await soap(on(0), 'GetAuthorizationTokenByEntity', { Username: 'tokenuser', IsAppUser: true });
    const token = issued.text('AuthToken');
    assert.ok(token);
    const redeemed = await Promise.all(Array.from({ length: 9 }, (_, i) => soap(on(i), 'RedeemAuthorizationToken', { Token: token })));
    assert.deepEqual(redeemed.map((r) => r.code).sort(), ['Success', ...Array<string>(8).fill('InvalidToken')].sort());

    const creating = await soap(on(1), 'GenerateCreatingAccountToken', { TargetEntityId: 1, AccountSizeMB: 2048, IsUltrasafe: false, ValidForHours: 1 });
    const creatingToken = creating.text('Token');
    assert.ok(creatingToken, `GenerateCreatingAccountToken: ${creating.code}`);
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        soap(on(i), 'CreateAccountByToken', { Token: creatingToken, Username: `bytoken-${i}`, Password: 'bytoken-password-1', FullName: 'By Token', Email: '' }),
      ),
    );
    assert.deepEqual(created.map((r) => r.code).sort(), ['Success', ...Array<string>(5).fill('InvalidToken')].sort());
    assert.equal(await count(sql`SELECT count(*)::int AS n FROM accounts WHERE username LIKE 'bytoken-%'`), 1);
  });

  it('forgets a remembered partner secret on every instance once the secret changes in the database', async () => {
    const oldSecret = 'rotating-secret-0001';
    const newSecret = 'rotating-secret-0002';
    await createPartnerUser(admin.db, argon2Hasher, { entityId: 1, username: 'rotating', secret: oldSecret }, new Date());
    const asUser = (secret: string) => ({ user: 'rotating', password: secret });
    // Twice on each instance: the second answer comes from the memo (60 s by default).
    for (let round = 0; round < 2; round++) {
      for (const instance of instances) assert.equal((await soap(instance, 'GetAccountInfo', { userName: 'resetme' }, asUser(oldSecret))).code, 'Success');
    }
    await admin.db
      .updateTable('partner_users')
      .set({ secret_hash: await argon2Hasher.hash(newSecret), updated_at: Date.now() })
      .where('username_key', '=', 'rotating')
      .execute();
    for (const instance of instances) {
      assert.equal((await soap(instance, 'GetAccountInfo', { userName: 'resetme' }, asUser(oldSecret))).code, 'InvalidSoapCredentials', `instance ${instance.index}`);
      assert.equal((await soap(instance, 'GetAccountInfo', { userName: 'resetme' }, asUser(newSecret))).code, 'Success');
    }
  });

  it('delivers every queued message exactly once although every instance runs a mail worker', async () => {
    const now = Date.now();
    await admin.db
      .insertInto('outbox')
      .values(
        Array.from({ length: 60 }, (_, i) => ({
          message_id: `<scale-${i}-${now}@ams.invalid>`,
          event: 'account-created',
          recipient: `bulk-${i}@example.com`,
          payload: JSON.stringify({ username: `bulk-${i}`, fullName: 'Bulk', localeCode: 'en-US' }),
          state: 'pending',
          attempts: 0,
          next_attempt_at: now,
          created_at: now,
        })),
      )
      .execute();
    const total = (await count(sql`SELECT count(*)::int AS n FROM outbox`))!;
    const deadline = Date.now() + 30_000;
    while ((await count(sql`SELECT count(*)::int AS n FROM outbox WHERE state = 'sent'`))! < total && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(await count(sql`SELECT count(*)::int AS n FROM outbox WHERE state = 'sent'`), total, 'all sent');
    assert.equal(await count(sql`SELECT count(*)::int AS n FROM outbox WHERE attempts <> 1`), 0, 'each claimed once');
    const files = instances.flatMap((i) => (fs.existsSync(i.pickupDir) ? fs.readdirSync(i.pickupDir).filter((f) => f.endsWith('.eml')) : []));
    assert.equal(files.length, total, 'one file per message');
    assert.equal(new Set(files).size, total, 'no message written by two instances');
    assert.ok(instances.filter((i) => fs.existsSync(i.pickupDir) && fs.readdirSync(i.pickupDir).length > 0).length >= 2, 'more than one worker took part');
  });

  it('never answered with a fault and no instance logged an error', () => {
    for (const instance of instances) {
      assert.ok(instance.alive());
      const errors = instance.logs.filter((l) => l.includes('"level":"error"'));
      assert.deepEqual(errors, [], `instance ${instance.index}`);
    }
  });
});
