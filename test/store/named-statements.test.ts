/**
 * PostgreSQL: the hot path's lookups (src/store/named-statements.ts) run as named prepared
 * statements on the pooled connection, and still see every commit at once: a prepared
 * statement keeps its plan, never its answer.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { migrate, openStore, parseDatabaseUrl, type Store } from '../../src/store/create-db.js';
import { createUnitOfWork } from '../../src/store/unit-of-work.js';
import { createTestDatabase, POSTGRES_TEST_URL, type TestDatabase } from '../support/test-database.js';
import { insertEntity, newAccount } from '../support/store-records.js';

describe('named prepared statements on PostgreSQL', { skip: POSTGRES_TEST_URL ? false : 'AMS_TEST_DATABASE_URL is not set' }, () => {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  after(async () => {
    await store?.close();
    await database?.drop();
  });

  it('prepares the account-in-tree lookup once per connection, and it answers from current data', async () => {
    database = await createTestDatabase();
    // One connection: the statements prepared on it are the ones pg_prepared_statements lists.
    store = openStore(parseDatabaseUrl(database.url), { postgresPoolSize: 1 });
    assert.equal((await migrate(store)).error, undefined);
    const uow = createUnitOfWork(store.db, { traits: store.traits });
    const root = await insertEntity(store.db, 'root', null);
    const child = await insertEntity(store.db, 'child', root);
    await uow.accounts.insert(newAccount('alice', child));

    for (let i = 0; i < 3; i++) assert.equal((await uow.accounts.findInTree('alice', root))?.inTree, true);
    const prepared = await sql<{ name: string; calls: string }>`SELECT name, generic_plans + custom_plans AS calls FROM pg_prepared_statements`.execute(store.db);
    const hot = prepared.rows.filter((r) => r.name.startsWith('ams_hot_'));
    assert.equal(hot.length, 1, JSON.stringify(prepared.rows));
    assert.equal(Number(hot[0]!.calls), 3, 'one statement, executed three times');

    // A change committed elsewhere is seen by the next call on the prepared statement.
    await store.db.updateTable('accounts').set({ entity_id: root }).where('username_key', '=', 'alice').execute();
    assert.equal((await uow.accounts.findInTree('alice', child))?.inTree, false);
    await store.db.deleteFrom('accounts').where('username_key', '=', 'alice').execute();
    assert.equal(await uow.accounts.findInTree('alice', root), undefined);
  });
});
