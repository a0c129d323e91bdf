/**
 * The writes that do not wait for the disk (src/store/unflushed-writes.ts), as the sign-in
 * reservation and its give-back make them: on SQLite they run at once on the writer connection,
 * outside Kysely's executor, so these check what the executor used to guarantee. A reservation
 * never joins another request's open transaction (a rollback there keeps it); the writer
 * returns to flushing commits even when the write fails; and the committed reader sees the
 * write at once. On SQLite, and on PostgreSQL when AMS_TEST_DATABASE_URL is set.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { migrate } from '../../src/store/create-db.js';
import { createUnitOfWork } from '../../src/store/unit-of-work.js';
import { closeStores, STORE_ENGINES } from '../support/store-engines.js';
import { STORE_TEST_NOW, insertEntity, newAccount } from '../support/store-records.js';

const LOCKOUT = { maxFailures: 10, windowMs: 15 * 60_000, lockMs: 15 * 60_000, maxChecksPerHour: 100 };

for (const [engine, open] of STORE_ENGINES) {
  describe(`unflushed writes (${engine})`, () => {
    after(async () => {
      await closeStores();
    });

    async function setUp() {
      const store = await open();
      assert.equal((await migrate(store)).error, undefined);
      const uow = createUnitOfWork(store.db, { unflushedWrites: store.unflushedWrites, ...(store.committedReader ? { committedReader: store.committedReader } : {}) });
      const entityId = await insertEntity(store.db, 'Root', null);
      const inserted = await uow.accounts.insert(newAccount('alice', entityId));
      assert.ok(inserted !== 'duplicate');
      const counts = async () => ({ ...(await store.db.selectFrom('accounts').select(['hour_checks', 'quota_mb']).where('id', '=', inserted.id).executeTakeFirstOrThrow()) });
      return { store, uow, entityId, accountId: inserted.id, counts };
    }

    it("waits for another request's open transaction and is not undone by its rollback", async () => {
      const { uow, accountId, counts } = await setUp();
      let written!: () => void;
      const hasWritten = new Promise<void>((resolve) => (written = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      // A transaction that writes, then waits between its awaits, then rolls back.
      const rolledBack = uow.transaction(async (tx) => {
        await tx.accounts.update(accountId, { quotaMb: 1 }, STORE_TEST_NOW);
        written();
        await released;
        throw new Error('rolled back on purpose');
      });
      await hasWritten;
      let settled = false;
      const reservation = uow.accounts.reserveSignInCheck(accountId, STORE_TEST_NOW, LOCKOUT).finally(() => (settled = true));
      // Every callback and continuation queued so far runs before this one: a reservation run
      // inside the open transaction would have settled by now.
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(settled, false, 'the reservation waits until the transaction ends');
      release();
      await assert.rejects(rolledBack, /rolled back on purpose/);
      assert.deepEqual(await reservation, { granted: true, passwordHash: 'hash-1', credentialGeneration: 0 });
      assert.deepEqual(await counts(), { hour_checks: 1, quota_mb: 10240 }, 'the rollback undid its own write, not the reservation');
    });

    it('are seen by the next read of the committed reader, in the same turn of the event loop', async () => {
      const { uow, entityId } = await setUp();
      const before = await uow.accounts.findInTree('alice', entityId);
      assert.equal(before?.account.lastSignInAt, null);
      await uow.accounts.recordSuccessfulSignIn(before.account.id, STORE_TEST_NOW);
      const afterwards = await uow.accounts.findInTree('alice', entityId);
      assert.equal(afterwards?.account.lastSignInAt?.getTime(), STORE_TEST_NOW.getTime());
    });

    it('leave every other commit flushing, also after a write that failed', async () => {
      const { store } = await setUp();
      await assert.rejects(store.unflushedWrites.statement({ sql: 'UPDATE no_such_table SET x = 1', parameters: [] }), /no_such_table/);
      const durability = store.traits.engine === 'sqlite' ? sql`PRAGMA synchronous` : sql`SHOW synchronous_commit`;
      assert.deepEqual(Object.values((await durability.execute(store.db)).rows[0] as object), [store.traits.engine === 'sqlite' ? 2 : 'on']);
    });

    it('return the rows of a RETURNING and none otherwise', async () => {
      const { store, accountId } = await setUp();
      const returned = await store.unflushedWrites.statement<{ hour_checks: number }>(
        store.traits.engine === 'sqlite'
          ? { sql: 'UPDATE accounts SET hour_checks = hour_checks + 1 WHERE id = ? RETURNING hour_checks', parameters: [accountId] }
          : { sql: 'UPDATE accounts SET hour_checks = hour_checks + 1 WHERE id = $1 RETURNING hour_checks', parameters: [accountId] },
      );
      assert.deepEqual(returned.map((r) => Number(r.hour_checks)), [1]);
      const none = await store.unflushedWrites.statement(
        store.traits.engine === 'sqlite' ? { sql: 'UPDATE accounts SET hour_checks = 0 WHERE id = ?', parameters: [accountId] } : { sql: 'UPDATE accounts SET hour_checks = 0 WHERE id = $1', parameters: [accountId] },
      );
      assert.deepEqual(none, []);
    });
  });
}
