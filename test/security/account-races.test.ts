/**
 * Issue 14, account side, on one service over real sockets (SQLite; PostgreSQL with
 * AMS_TEST_HARNESS_ENGINE=postgres): no token bought with an old password survives the change
 * that replaced it, and a burst of wrong passwords gets no more Argon2 checks than the lock-out
 * allows — counted at a wrapper around the real Argon2 hasher.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';
import type { PasswordHasher } from '../../src/domain/ports.js';
import { ALICE_PASSWORD, BOB_PASSWORD, listenTestApp, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { HARNESS_ENGINE } from '../support/test-database.js';
import { tokenRace, wrongPasswordBurst, type Target } from './account-race-scenarios.js';

/** The real hasher, counting the checks made against one stored hash (an account's password). */
class CountingHasher implements PasswordHasher {
  private readonly checks = new Map<string, number>();
  hash(secret: string): Promise<string> {
    return argon2Hasher.hash(secret);
  }
  verify(hash: string, secret: string): Promise<boolean> {
    this.checks.set(hash, (this.checks.get(hash) ?? 0) + 1);
    return argon2Hasher.verify(hash, secret);
  }
  checksAgainst(hash: string): number {
    return this.checks.get(hash) ?? 0;
  }
}

// One partner drives every request: its own rate limit is not under test here.
const ENV = { AMS_PARTNER_REQUESTS_PER_MINUTE: '1000000', AMS_PARTNER_BURST: '100000' };

describe(`account security under concurrency (${HARNESS_ENGINE})`, () => {
  const hasher = new CountingHasher();
  let t: TestApp;
  let target: Target;
  let server: Awaited<ReturnType<typeof listenTestApp>> | undefined;
  before(async () => {
    t = await startTestApp({ template: await seededTemplate(), hasher, env: ENV });
    server = await listenTestApp(t);
    target = { base: `http://127.0.0.1:${server.port}` };
  });
  after(async () => {
    await server?.close(2_000);
    await t?.close();
  });

  const storedHash = async (username: string) =>
    (await t.app.store.db.selectFrom('accounts').select('password_hash').where('username', '=', username).executeTakeFirstOrThrow()).password_hash;

  it('leaves no token bought with the old password usable once a password change answered Success (10 rounds)', async (ctx) => {
    const report = await tokenRace([target], 'alice', ALICE_PASSWORD, 10);
    ctx.diagnostic(JSON.stringify(report));
    assert.equal(report.staleUsable, 0, JSON.stringify(report));
    assert.ok(report.issued > 0, `tokens were issued during the changes: ${JSON.stringify(report)}`);
  });

  it('lets at most 10 of 100 concurrent wrong passwords reach the hasher; the rest, the 101st and the right one answer AccountLocked', async (ctx) => {
    const hash = await storedHash('bob');
    const before = hasher.checksAgainst(hash);
    const report = await wrongPasswordBurst([target], 'bob', BOB_PASSWORD, 100);
    const checked = hasher.checksAgainst(hash) - before;
    ctx.diagnostic(`hashed ${checked} of 100; answers ${JSON.stringify(report)}`);
    assert.ok(checked <= 10, `hashed ${checked}`);
    assert.equal(report.codes.InvalidAccountCredentials, checked, JSON.stringify(report));
    assert.equal(report.codes.AccountLocked, 100 - checked, JSON.stringify(report));
    assert.deepEqual(report.afterwards, ['AccountLocked', 'AccountLocked']);
    assert.equal(hasher.checksAgainst(hash) - before, checked, 'neither the 101st nor the right password was hashed');
    const row = await t.app.store.db.selectFrom('accounts').select(['locked_until', 'status']).where('username', '=', 'bob').executeTakeFirstOrThrow();
    assert.notEqual(row.locked_until, null, 'the account is locked');
  });
});
