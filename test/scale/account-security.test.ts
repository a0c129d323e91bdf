/**
 * Issue 14, account side, across processes: two real `ams serve` instances on one PostgreSQL
 * database. The lock-out's reservations live in the shared database, so 100 wrong passwords
 * spread over both instances get no more Argon2 checks than on one (counted by the instances'
 * own `ams_argon2_hash_duration_seconds` metric); and no token bought on either instance with
 * an old password is usable on either once the change has answered. Needs AMS_TEST_DATABASE_URL;
 * the burst runs also over two processes on one SQLite file, which needs nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { POSTGRES_TEST_URL } from '../support/test-database.js';
import { PROVIDER, soap, startCluster, type Cluster, type Instance } from './cluster.js';
import { startService, type Service } from '../support/service-process.js';
import { tokenRace, wrongPasswordBurst } from '../security/account-race-scenarios.js';

const skip = POSTGRES_TEST_URL ? false : 'AMS_TEST_DATABASE_URL is not set';

/** Password hashes and checks an instance has made so far, from its metrics endpoint. */
async function hashCount(instance: Pick<Instance, 'logs'>): Promise<number> {
  const line = instance.logs.find((l) => l.includes('"msg":"metrics listening"'));
  const port = line ? (JSON.parse(line) as { port: number }).port : undefined;
  if (port === undefined) throw new Error('the instance did not log its metrics port');
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const match = /^ams_argon2_hash_duration_seconds_count(?:\{[^}]*\})? (\d+)$/m.exec(text);
  return match ? Number(match[1]) : 0;
}

describe('account security across two instances on one PostgreSQL database', { skip }, () => {
  let cluster: Cluster;
  let instances: readonly Instance[];
  before(async () => {
    cluster = await startCluster(2, { AMS_METRICS_PORT: '0' });
    instances = cluster.instances;
  });
  after(async () => cluster?.stop());

  async function createAccount(username: string, password: string) {
    const r = await soap(instances[0]!, 'CreateAccountBySize', {
      TargetEntityId: 0,
      Username: username,
      Password: password,
      AccountSizeMB: 1024,
      FullName: 'Security Test',
      Email: '',
      IsUltrasafe: false,
      DisableEmailsNotification: true,
    });
    assert.equal(r.code, 'Success');
  }

  it('100 concurrent wrong passwords over both instances: at most 10 checks in all, then AccountLocked everywhere', async (ctx) => {
    await createAccount('burst', 'burst-password-1');
    // The partner's own credential is checked once per instance and then remembered: done now, so
    // that every hash counted below is a check of the account's password.
    for (const instance of instances) assert.equal((await soap(instance, 'GetAccountInfo', { userName: 'burst' })).code, 'Success');
    const before = (await Promise.all(instances.map(hashCount))).reduce((a, b) => a + b, 0);
    const report = await wrongPasswordBurst(instances, 'burst', 'burst-password-1', 100);
    const hashed = (await Promise.all(instances.map(hashCount))).reduce((a, b) => a + b, 0) - before;
    ctx.diagnostic(`hashed ${hashed}; ${JSON.stringify(report)}`);
    const failed = report.codes.InvalidAccountCredentials ?? 0;
    assert.ok(failed >= 1 && failed <= 10, JSON.stringify(report));
    assert.equal(report.codes.AccountLocked, 100 - failed, JSON.stringify(report));
    assert.deepEqual(report.afterwards, ['AccountLocked', 'AccountLocked', 'AccountLocked', 'AccountLocked']);
    assert.equal(hashed, failed, 'one Argon2 check per InvalidAccountCredentials, none for AccountLocked');
  });

  it('no token bought on either instance with the old password is usable on either after the change (8 rounds)', async (ctx) => {
    await createAccount('racer', 'racer-password-1');
    const report = await tokenRace(instances, 'racer', 'racer-password-1', 8);
    ctx.diagnostic(JSON.stringify(report));
    assert.equal(report.staleUsable, 0, JSON.stringify(report));
    assert.ok(report.issued > 0, JSON.stringify(report));
  });
});

describe('the lock-out across two processes on one SQLite file', () => {
  let dir: string;
  const services: Service[] = [];
  let targets: { base: string; logs: string[] }[] = [];
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-sqlite-pair-'));
    const env = {
      AMS_DATABASE_URL: path.join(dir, 'ams.sqlite'),
      AMS_MAIL_PICKUP_DIR: path.join(dir, 'pickup'),
      AMS_BOOTSTRAP_USERNAME: PROVIDER.user,
      AMS_BOOTSTRAP_PASSWORD: PROVIDER.password,
      AMS_METRICS_PORT: '0',
      AMS_PARTNER_REQUESTS_PER_MINUTE: '1000000',
      AMS_PARTNER_BURST: '10000',
    };
    // One after the other: the first migrates and creates the partner user.
    services.push(await startService(env));
    services.push(await startService(env));
    targets = services.map((s) => ({ base: `http://127.0.0.1:${s.port}`, logs: s.lines }));
  });
  after(async () => {
    for (const s of services) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('100 concurrent wrong passwords over both processes: at most 10 checks in all, then AccountLocked on both', async (ctx) => {
    const created = await soap(targets[0]!, 'CreateAccountBySize', {
      TargetEntityId: 0,
      Username: 'pair',
      Password: 'pair-password-1',
      AccountSizeMB: 1024,
      FullName: 'Pair Test',
      Email: '',
      IsUltrasafe: false,
      DisableEmailsNotification: true,
    });
    assert.equal(created.code, 'Success');
    for (const target of targets) assert.equal((await soap(target, 'GetAccountInfo', { userName: 'pair' })).code, 'Success');
    const before = (await Promise.all(targets.map(hashCount))).reduce((a, b) => a + b, 0);
    const report = await wrongPasswordBurst(targets, 'pair', 'pair-password-1', 100);
    const hashed = (await Promise.all(targets.map(hashCount))).reduce((a, b) => a + b, 0) - before;
    ctx.diagnostic(`hashed ${hashed}; ${JSON.stringify(report)}`);
    const failed = report.codes.InvalidAccountCredentials ?? 0;
    assert.ok(failed >= 1 && failed <= 10, JSON.stringify(report));
    assert.equal(report.codes.AccountLocked, 100 - failed, JSON.stringify(report));
    assert.deepEqual(report.afterwards, ['AccountLocked', 'AccountLocked', 'AccountLocked', 'AccountLocked']);
    assert.equal(hashed, failed);
  });
});
