/**
 * The unit of work's mail hook (src/store/unit-of-work.ts): `onMailQueued` runs once after a
 * transaction that queued mail has committed, and never for one that queued none or rolled
 * back. On SQLite, and on PostgreSQL when AMS_TEST_DATABASE_URL is set.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrate } from '../../src/store/create-db.js';
import { createUnitOfWork } from '../../src/store/unit-of-work.js';
import type { Notification } from '../../src/domain/ports.js';
import { closeStores, STORE_ENGINES } from '../support/store-engines.js';
import { STORE_TEST_NOW, insertEntity, newAccount } from '../support/store-records.js';

for (const [engine, open] of STORE_ENGINES) {
  describe(`unit of work: the mail hook (${engine})`, () => {
    after(async () => {
      await closeStores();
    });

    async function setUp() {
      const store = await open();
      assert.equal((await migrate(store)).error, undefined);
      // One entry per call: how many outbox rows a reader outside the transaction finds then.
      const calls: Promise<number>[] = [];
      const outboxRows = async () => Number((await store.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const uow = createUnitOfWork(store.db, { unflushedWrites: store.unflushedWrites, onMailQueued: () => calls.push(outboxRows()) });
      const entityId = await insertEntity(store.db, 'reseller', null);
      const inserted = await uow.accounts.insert(newAccount('alice', entityId, { email: 'alice@example.com' }));
      assert.notEqual(inserted, 'duplicate');
      const accountId = (inserted as { id: number }).id;
      const notification: Notification = { event: 'password-changed', entityId, to: 'alice@example.com', username: 'alice', fullName: 'Alice Example', localeCode: 'en' };
      return { store, uow, calls, outboxRows, accountId, notification };
    }
    it('is not called for a transaction that queued no mail', async () => {
      const { uow, calls, accountId } = await setUp();
      await uow.transaction((tx) => tx.accounts.update(accountId, { email: 'new@example.com' }, STORE_TEST_NOW));
      assert.equal(calls.length, 0);
    });

    it('is called once after the commit of a transaction that queued mail, however many', async () => {
      const { uow, calls, outboxRows, accountId, notification } = await setUp();
      await uow.transaction(async (tx) => {
        await tx.accounts.update(accountId, { email: 'new@example.com' }, STORE_TEST_NOW);
        await tx.outbox.enqueue(notification, STORE_TEST_NOW);
        await tx.outbox.enqueue(notification, STORE_TEST_NOW);
      });
      assert.deepEqual(await Promise.all(calls), [2], 'once, with both rows already committed');
      assert.equal(await outboxRows(), 2);
    });

    it('is not called when the transaction that queued mail rolls back', async () => {
      const { uow, calls, outboxRows, notification } = await setUp();
      await assert.rejects(
        uow.transaction(async (tx) => {
          await tx.outbox.enqueue(notification, STORE_TEST_NOW);
          throw new Error('changed our mind');
        }),
        /changed our mind/,
      );
      assert.equal(calls.length, 0);
      assert.equal(await outboxRows(), 0);
    });
  });
}
