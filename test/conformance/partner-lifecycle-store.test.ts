/**
 * The lifecycle store on every engine: tree changes from several instances at once (PostgreSQL:
 * several stores, many transactions in flight) leave every entity's in-force flag exactly what
 * the rule says for the switches and parents stored; account search filters; the audit rows.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveActivity } from '../../src/domain/partners/entity-tree.js';
import { findAccounts, setEntityEnabled, updateEntity } from '../../src/domain/partners/lifecycle.js';
import { partnerLifecycleStore } from '../../src/store/repositories/partner-lifecycle.js';
import { createEntity } from '../../src/app/admin.js';
import { ENGINES, migratedStore } from './engines.js';
import { STORE_TEST_NOW, newAccount } from '../support/store-records.js';
import { createUnitOfWork } from '../../src/store/unit-of-work.js';

const operator = { user: 'ops', host: 'test-host' };

for (const engine of ENGINES) {
  describe(`partner lifecycle store on ${engine.name}`, () => {
    it('keeps in-force flags exact under concurrent disables, enables and moves', async () => {
      const { store, fresh, done } = await migratedStore(engine);
      try {
        // A root and a chain of 12 below it, plus 12 leaves hanging off the chain.
        const ids = [await createEntity(store.db, { name: 'root', parentId: null }, STORE_TEST_NOW)];
        for (let i = 0; i < 12; i++) ids.push(await createEntity(store.db, { name: `chain-${i}`, parentId: ids[ids.length - 1] ?? null }, STORE_TEST_NOW));
        for (let i = 0; i < 12; i++) ids.push(await createEntity(store.db, { name: `leaf-${i}`, parentId: ids[1 + i] ?? null }, STORE_TEST_NOW));
        const stores = engine.concurrentStores ? [store, fresh.open(), fresh.open()] : [store];
        try {
          // A fixed, varied script (no randomness): switches on the chain, leaves moved up and down it.
          const changes = Array.from({ length: 36 }, (_, i) => {
            const lifecycle = partnerLifecycleStore((stores[i % stores.length] ?? store).db, store.traits);
            const chain = ids[1 + ((i * 5) % 12)] as number;
            if (i % 3 === 2) return updateEntity(lifecycle, operator, ids[13 + (i % 12)] as number, { parentId: ids[(i * 7) % 13] as number }, STORE_TEST_NOW);
            return setEntityEnabled(lifecycle, operator, chain, i % 2 === 0, STORE_TEST_NOW);
          });
          const results = await Promise.all(changes);
          assert.ok(results.every((r) => r.ok));
        } finally {
          for (const s of stores.slice(1)) await s.close();
        }
        const rows = await store.db.selectFrom('entities').select(['id', 'parent_id', 'enabled', 'active']).execute();
        const inForce = effectiveActivity(rows.map((r) => ({ id: r.id, parentId: r.parent_id, enabled: r.enabled === 1 })));
        for (const r of rows) assert.equal(r.active === 1, inForce.get(r.id), `entity ${r.id}`);
        const audited = await store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number | string>().as('n')).where('actor_username', '=', 'ops').executeTakeFirstOrThrow();
        assert.equal(Number(audited.n), 36, 'one audit row per change');
      } finally {
        await done();
      }
    });

    it('finds accounts in a subtree, by e-mail, status and literal prefix', async () => {
      const { store, done } = await migratedStore(engine);
      try {
        const root = await createEntity(store.db, { name: 'root', parentId: null }, STORE_TEST_NOW);
        const child = await createEntity(store.db, { name: 'child', parentId: root }, STORE_TEST_NOW);
        const other = await createEntity(store.db, { name: 'other', parentId: root }, STORE_TEST_NOW);
        const accounts = createUnitOfWork(store.db).accounts;
        await accounts.insert(newAccount('a_one', child, { email: 'One@Example.com' }));
        await accounts.insert(newAccount('ab-two', child));
        await accounts.insert(newAccount('a1-three', other));
        const lifecycle = partnerLifecycleStore(store.db, store.traits);
        const names = async (query: Parameters<typeof findAccounts>[1]) => {
          const r = await findAccounts(lifecycle, query);
          assert.ok(r.ok, r.ok ? '' : r.message);
          return r.value.map((a) => a.username);
        };
        assert.deepEqual(await names({ entityId: root }), ['a1-three', 'a_one', 'ab-two'].sort());
        assert.deepEqual(await names({ entityId: child }), ['a_one', 'ab-two']);
        assert.deepEqual(await names({ prefix: 'A_' }), ['a_one'], '_ is literal');
        assert.deepEqual(await names({ email: 'one@example.COM' }), ['a_one']);
        assert.deepEqual(await names({ status: 'Cancelled' }), []);
        assert.deepEqual(await names({ limit: 1 }), ['a1-three']);
        assert.equal((await findAccounts(lifecycle, { entityId: 999 })).ok, false);
      } finally {
        await done();
      }
    });
  });
}
