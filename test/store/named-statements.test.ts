/**
 * PostgreSQL: the hot path's lookups (src/store/named-statements.ts) run as named prepared
 * statements on the pooled connection, and still see every commit at once: a prepared
 * statement keeps its plan, never its answer.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { isPreparedStatementOutdated, nameStatement, useNamedStatements } from '../../src/store/named-statements.js';
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
    const uow = createUnitOfWork(store.db, { unflushedWrites: store.unflushedWrites });
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

  it('describes a named statement’s rows once per pooled connection, and reads every execution alike', async () => {
    database ??= await createTestDatabase();
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    pool.on('connect', (client) => useNamedStatements(client));
    const client = await pool.connect();
    try {
      let descriptions = 0;
      (client as unknown as { connection: { on(event: string, listener: () => void): void } }).connection.on('rowDescription', () => descriptions++);
      const text = 'SELECT $1::int AS n, repeat($2::text, $1::int) AS s, NULLIF($1::int, 2) AS maybe';
      nameStatement(text);
      const answers = [];
      for (let n = 1; n <= 5; n++) answers.push((await client.query(text, [n, 'ab'])).rows[0]);
      assert.deepEqual(answers, [1, 2, 3, 4, 5].map((n) => ({ n, s: 'ab'.repeat(n), maybe: n === 2 ? null : n })));
      assert.equal(descriptions, 1, 'one RowDescription for five executions');
      // Inside a transaction too, and an unnamed statement is described as usual.
      await client.query('BEGIN');
      assert.deepEqual((await client.query(text, [3, 'x'])).rows, [{ n: 3, s: 'xxx', maybe: 3 }]);
      await client.query('COMMIT');
      assert.equal((await client.query('SELECT $1::int + 1 AS m', [1])).rows[0].m, 2);
      assert.equal(descriptions, 2);
    } finally {
      client.release();
      await pool.end();
    }
  });

  it('ends a pooled connection whose prepared statement a migration outdated, so the next call prepares it anew', async () => {
    database ??= await createTestDatabase();
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const reported: Error[] = [];
    pool.on('connect', (client) => useNamedStatements(client, (err) => reported.push(err)));
    pool.on('error', () => undefined);
    try {
      await pool.query('CREATE TABLE widened (id integer, label varchar(10))');
      await pool.query("INSERT INTO widened VALUES (1, 'one')");
      const text = 'SELECT id, label FROM widened WHERE id = $1';
      nameStatement(text);
      // Kysely runs statements on a checked-out client, `query(text, values)`.
      const onClient = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
        const client = await pool.connect();
        try {
          return await work(client);
        } finally {
          client.release();
        }
      };
      const pidBefore = await onClient(async (c) => (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number);
      assert.deepEqual(await onClient(async (c) => (await c.query(text, [1])).rows), [{ id: 1, label: 'one' }]);
      await pool.query('ALTER TABLE widened ALTER COLUMN label TYPE text');
      // That call fails (inside a transaction it could not be asked again); the connection goes.
      await assert.rejects(onClient((c) => c.query(text, [1])), /cached plan must not change result type/);
      assert.deepEqual(reported.map(isPreparedStatementOutdated), [true], 'reported once, as outdated');
      assert.deepEqual(await onClient(async (c) => (await c.query(text, [1])).rows), [{ id: 1, label: 'one' }]);
      assert.notEqual(await onClient(async (c) => (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid), pidBefore, 'a new connection');
    } finally {
      await pool.end();
    }
  });
});
