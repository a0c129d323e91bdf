/**
 * Partner authentication (SERVICE.md §2) on a real database with real Argon2id: the memo
 * spares the hash on repeated calls, never outlives a secret change or a disabled user, and
 * every failure looks alike.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PartnerAuthenticator } from '../../src/domain/partners/authenticate-partner.js';
import { CredentialMemo } from '../../src/domain/partners/credential-memo.js';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';
import { createUnitOfWork } from '../../src/store/unit-of-work.js';
import type { PasswordHasher } from '../../src/domain/ports.js';
import { RESELLER_A_SECRET, fixedClock, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';

/** The real hasher, counting how often it verifies. */
function countingHasher(): PasswordHasher & { verifications: number } {
  const h = {
    verifications: 0,
    hash: (s: string) => argon2Hasher.hash(s),
    verify: (stored: string, s: string) => {
      h.verifications += 1;
      return argon2Hasher.verify(stored, s);
    },
  };
  return h;
}

describe('partner authentication', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ template: await seededTemplate() });
  });
  after(async () => t.close());

  function authenticator(hasher: PasswordHasher, ttlMs = 60_000, clock = fixedClock()) {
    const uow = createUnitOfWork(t.app.store.db);
    return new PartnerAuthenticator({
      partnerUsers: uow.partnerUsers,
      hasher,
      clock,
      memo: new CredentialMemo({ ttlMs, maxEntries: 100 }),
      decoyHash: 'not-a-valid-hash',
    });
  }

  it('verifies with Argon2 once, then remembers the success for the TTL', async () => {
    const hasher = countingHasher();
    const clock = fixedClock();
    const auth = authenticator(hasher, 60_000, clock);
    const caller = await auth.authenticate({ UserName: 'Reseller-A', Password: RESELLER_A_SECRET });
    assert.deepEqual(caller && { username: caller.username, entityId: caller.entityId }, { username: 'reseller-a', entityId: 2 });
    for (let i = 0; i < 5; i++) assert.ok(await auth.authenticate({ UserName: 'reseller-a', Password: RESELLER_A_SECRET }));
    assert.equal(hasher.verifications, 1);
    clock.advance(60_001);
    assert.ok(await auth.authenticate({ UserName: 'reseller-a', Password: RESELLER_A_SECRET }));
    assert.equal(hasher.verifications, 2, 'expired memo entries are verified again');
  });

  it('never remembers a failure, and pays one verification for an unknown user too', async () => {
    const hasher = countingHasher();
    const auth = authenticator(hasher);
    assert.equal(await auth.authenticate({ UserName: 'reseller-a', Password: 'wrong-secret-0001' }), undefined);
    assert.equal(await auth.authenticate({ UserName: 'reseller-a', Password: 'wrong-secret-0001' }), undefined);
    assert.equal(await auth.authenticate({ UserName: 'no-such-user', Password: 'whatever-secret' }), undefined);
    assert.equal(hasher.verifications, 3);
    assert.equal(await auth.authenticate(null), undefined);
    assert.equal(await auth.authenticate({ UserName: 'reseller-a', Password: null }), undefined);
  });

  it('forgets a remembered secret the moment it is rotated, and refuses a disabled user', async () => {
    const hasher = countingHasher();
    const auth = authenticator(hasher);
    assert.ok(await auth.authenticate({ UserName: 'reseller-b', Password: 'reseller-b-secret-01' }));
    const db = t.app.store.db;
    await db.updateTable('partner_users').set({ secret_hash: await argon2Hasher.hash('rotated-secret-0001') }).where('username', '=', 'reseller-b').execute();
    assert.equal(await auth.authenticate({ UserName: 'reseller-b', Password: 'reseller-b-secret-01' }), undefined, 'old secret refused at once');
    assert.ok(await auth.authenticate({ UserName: 'reseller-b', Password: 'rotated-secret-0001' }));
    await db.updateTable('partner_users').set({ active: 0 }).where('username', '=', 'reseller-b').execute();
    assert.equal(await auth.authenticate({ UserName: 'reseller-b', Password: 'rotated-secret-0001' }), undefined, 'disabled user refused even when remembered');
    await db.updateTable('partner_users').set({ active: 1 }).where('username', '=', 'reseller-b').execute();
    await db.updateTable('entities').set({ active: 0 }).where('id', '=', 4).execute();
    assert.equal(await auth.authenticate({ UserName: 'reseller-b', Password: 'rotated-secret-0001' }), undefined, 'disabled entity refused');
  });

  it('keeps the memo bounded', () => {
    const memo = new CredentialMemo({ ttlMs: 1000, maxEntries: 3 });
    for (let i = 0; i < 10; i++) memo.remember(i, 'hash', 'pw', 0);
    assert.equal(memo.size, 3);
    assert.equal(memo.has(9, 'hash', 'pw', 1), true);
    assert.equal(memo.has(0, 'hash', 'pw', 1), false);
  });
});
