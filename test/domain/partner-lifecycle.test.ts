/**
 * The partner lifecycle's rules (issue 17) and its use cases on a real database with real
 * Argon2id: which entities are in force, which moves make a cycle, the overlap's bounds, and a
 * rotation's old secret accepted exactly until the overlap ends (an injected clock, no sleep).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveActivity, refuseMove, subtreeOf, type EntityNode } from '../../src/domain/partners/entity-tree.js';
import { MAX_ROTATION_OVERLAP_MS, parseOverlap } from '../../src/domain/partners/secret-rotation.js';
import { rotatePartnerSecret, setEntityEnabled, updateEntity } from '../../src/domain/partners/lifecycle.js';
import { PartnerAuthenticator } from '../../src/domain/partners/authenticate-partner.js';
import { CredentialMemo } from '../../src/domain/partners/credential-memo.js';
import { partnerLifecycleStore } from '../../src/store/repositories/partner-lifecycle.js';
import { createUnitOfWork } from '../../src/store/unit-of-work.js';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';
import { RESELLER_A_SECRET, fixedClock, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';

const node = (id: number, parentId: number | null, enabled = true): EntityNode => ({ id, parentId, enabled });

describe('entity tree rules', () => {
  // 1 ─ 2 ─ 3 ─ 4, and 1 ─ 5
  const tree = [node(1, null), node(2, 1), node(3, 2), node(4, 3), node(5, 1)];

  it('an entity is in force when it and every ancestor are enabled', () => {
    const all = effectiveActivity(tree);
    assert.deepEqual([...all.entries()].sort((a, b) => a[0] - b[0]), [[1, true], [2, true], [3, true], [4, true], [5, true]]);
    const disabled2 = effectiveActivity(tree.map((n) => (n.id === 2 ? { ...n, enabled: false } : n)));
    assert.deepEqual([1, 2, 3, 4, 5].map((id) => disabled2.get(id)), [true, false, false, false, true]);
    const disabledRoot = effectiveActivity(tree.map((n) => (n.id === 1 ? { ...n, enabled: false } : n)));
    assert.deepEqual([1, 2, 3, 4, 5].map((id) => disabledRoot.get(id)), [false, false, false, false, false]);
  });

  it('an entity in a hand-made cycle or under a missing parent is not in force', () => {
    const all = effectiveActivity([node(1, null), node(2, 3), node(3, 2), node(4, 99)]);
    assert.deepEqual([1, 2, 3, 4].map((id) => all.get(id)), [true, false, false, false]);
  });

  it('a move under the entity itself or anything below it is refused; elsewhere allowed', () => {
    assert.match(refuseMove(tree, 2, 2) ?? '', /own parent/);
    assert.match(refuseMove(tree, 2, 4) ?? '', /cycle/);
    assert.match(refuseMove(tree, 2, 3) ?? '', /cycle/);
    assert.match(refuseMove(tree, 2, 99) ?? '', /does not exist/);
    assert.equal(refuseMove(tree, 3, 5), undefined);
    assert.equal(refuseMove(tree, 4, 1), undefined);
    assert.deepEqual([...subtreeOf(tree, 2)].sort(), [2, 3, 4]);
  });
});

describe('rotation overlap', () => {
  it('reads 0 and number+unit durations, up to seven days', () => {
    assert.deepEqual(parseOverlap('0'), { ok: true, ms: 0 });
    assert.deepEqual(parseOverlap('90s'), { ok: true, ms: 90_000 });
    assert.deepEqual(parseOverlap('1h30m'), { ok: true, ms: 5_400_000 });
    assert.deepEqual(parseOverlap('7d'), { ok: true, ms: MAX_ROTATION_OVERLAP_MS });
    for (const bad of ['', '-1h', '8d', '1w', '10', '1.5h', 'h', '7d1s', '9'.repeat(40) + 's']) assert.equal(parseOverlap(bad).ok, false, bad);
  });
});

describe('lifecycle use cases on a real database', () => {
  let t: TestApp;
  const operator = { user: 'ops', host: 'console-1' };
  before(async () => {
    t = await startTestApp({ template: await seededTemplate() });
  });
  after(async () => t.close());

  function authenticator(clock = fixedClock()) {
    return new PartnerAuthenticator({
      partnerUsers: createUnitOfWork(t.app.store.db).partnerUsers,
      hasher: argon2Hasher,
      clock,
      memo: new CredentialMemo({ ttlMs: 3_600_000, maxEntries: 100 }),
      decoyHash: 'not-a-valid-hash',
    });
  }

  it('keeps the old secret exactly until the overlap ends, then only the new one', async () => {
    const clock = fixedClock();
    const auth = authenticator(clock);
    const store = partnerLifecycleStore(t.app.store.db, t.app.store.traits);
    assert.ok(await auth.authenticate({ UserName: 'reseller-a', Password: RESELLER_A_SECRET }), 'remembered before the rotation');
    const rotated = await rotatePartnerSecret(store, { hasher: argon2Hasher, newSecret: () => 'new-secret-for-reseller-a' }, operator, { username: 'reseller-a', overlapMs: 60_000 }, clock.now());
    assert.ok(rotated.ok);
    assert.equal(rotated.value.oldSecretUntil?.getTime(), clock.now().getTime() + 60_000);
    assert.ok(await auth.authenticate({ UserName: 'reseller-a', Password: RESELLER_A_SECRET }), 'old secret inside the overlap');
    assert.ok(await auth.authenticate({ UserName: 'reseller-a', Password: 'new-secret-for-reseller-a' }), 'new secret at once');
    clock.advance(59_999);
    assert.ok(await auth.authenticate({ UserName: 'reseller-a', Password: RESELLER_A_SECRET }), 'old secret 1 ms before the end');
    clock.advance(1);
    assert.equal(await auth.authenticate({ UserName: 'reseller-a', Password: RESELLER_A_SECRET }), undefined, 'old secret refused when the overlap ends, though remembered');
    assert.ok(await auth.authenticate({ UserName: 'reseller-a', Password: 'new-secret-for-reseller-a' }));

    // Rotating again without overlap ends both earlier secrets at once.
    const again = await rotatePartnerSecret(store, { hasher: argon2Hasher, newSecret: () => 'third-secret-reseller-a' }, operator, { username: 'reseller-a', overlapMs: 0 }, clock.now());
    assert.ok(again.ok);
    assert.equal(again.value.oldSecretUntil, null);
    assert.equal(await auth.authenticate({ UserName: 'reseller-a', Password: 'new-secret-for-reseller-a' }), undefined);
    assert.ok(await auth.authenticate({ UserName: 'reseller-a', Password: 'third-secret-reseller-a' }));
    const row = await t.app.store.db.selectFrom('partner_users').select(['secret_hash', 'previous_secret_hash']).where('username', '=', 'reseller-a').executeTakeFirstOrThrow();
    assert.match(row.secret_hash, /^\$argon2id\$/);
    assert.equal(row.previous_secret_hash, null);
  });

  it('disabling an entity takes its subtree out of force; a move under a disabled entity too; enabling restores', async () => {
    const store = partnerLifecycleStore(t.app.store.db, t.app.store.traits);
    const active = async () =>
      Object.fromEntries((await t.app.store.db.selectFrom('entities').select(['id', 'active']).orderBy('id').execute()).map((r) => [r.id, r.active]));
    // Seeded: 1 provider, 2 reseller A, 3 customer A1 (under 2), 4 reseller B.
    const disabled = await setEntityEnabled(store, operator, 2, false, new Date());
    assert.ok(disabled.ok);
    assert.equal(disabled.value.entitiesSwitched, 2);
    assert.deepEqual(await active(), { 1: 1, 2: 0, 3: 0, 4: 1 });
    const moved = await updateEntity(store, operator, 4, { parentId: 3 }, new Date());
    assert.ok(moved.ok);
    assert.deepEqual(await active(), { 1: 1, 2: 0, 3: 0, 4: 0 }, 'moved under a disabled entity: out of force');
    const cycle = await updateEntity(store, operator, 2, { parentId: 4 }, new Date());
    assert.equal(cycle.ok, false);
    const enabled = await setEntityEnabled(store, operator, 2, true, new Date());
    assert.ok(enabled.ok);
    assert.deepEqual(await active(), { 1: 1, 2: 1, 3: 1, 4: 1 });
    const audit = await t.app.store.db.selectFrom('audit_log').select(['operation', 'actor_username', 'source_address']).where('operation', 'like', 'ams %').orderBy('id').execute();
    assert.deepEqual(
      audit.map((a) => a.operation),
      ['ams partner-user rotate', 'ams partner-user rotate', 'ams entity disable', 'ams entity set', 'ams entity enable'],
      'every change audited; a refused one not',
    );
    assert.ok(audit.every((a) => a.actor_username === 'ops' && a.source_address === 'console-1'));
  });
});
