/**
 * PostgreSQL: the hot lookups outside a transaction share one pipelined connection
 * (src/store/pipelined-reader.ts). Many in flight at once each get their own answer; each sees
 * every change committed before it, by this store or another instance's; one that fails fails
 * alone; a lost connection is replaced on the next lookup.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { migrate, openStore, parseDatabaseUrl, type Store } from '../../src/store/create-db.js';
import { createUnitOfWork } from '../../src/store/unit-of-work.js';
import { isPreparedStatementOutdated } from '../../src/store/named-statements.js';
import { createTestDatabase, POSTGRES_TEST_URL, type TestDatabase } from '../support/test-database.js';
import { insertEntity, newAccount, STORE_TEST_NOW } from '../support/store-records.js';

describe('the pipelined reader on PostgreSQL', { skip: POSTGRES_TEST_URL ? false : 'AMS_TEST_DATABASE_URL is not set' }, () => {
  const opened: { close(): Promise<void> }[] = [];
  let database: TestDatabase | undefined;
  after(async () => {
    for (const o of opened.reverse()) await o.close();
    await database?.drop();
  });

  const reported: Error[] = [];
  async function storeOnFreshDatabase(): Promise<Store> {
    database ??= await createTestDatabase();
    const store = openStore(parseDatabaseUrl(database.url), { postgresStatementTimeoutMs: 1000, onConnectionError: (err) => reported.push(err) });
    opened.push(store);
    assert.equal((await migrate(store)).error, undefined);
    return store;
  }

  it('answers 300 lookups in flight at once, each with its own row, on one connection', async () => {
    const store = await storeOnFreshDatabase();
    const reader = store.committedReader!;
    const root = await insertEntity(store.db, 'root', null);
    const uow = createUnitOfWork(store.db, { committedReader: reader, unflushedWrites: store.unflushedWrites });
    for (let i = 0; i < 30; i++) await uow.accounts.insert(newAccount(`user${i}`, root));

    const lookups = Array.from({ length: 300 }, (_, i) => uow.accounts.findInTree(`user${i % 30}`, root));
    const backends = Array.from({ length: 20 }, () => reader.all<{ pid: number }>('SELECT pg_backend_pid() AS pid', []));
    const found = await Promise.all(lookups);
    found.forEach((f, i) => assert.equal(f?.account.username, `user${i % 30}`, `lookup ${i}`));
    const pids = new Set((await Promise.all(backends)).map((rows) => rows[0]!.pid));
    assert.equal(pids.size, 1, 'every lookup went over the one pipelined connection');
  });

  it('sees every change committed before the lookup, by this store and by another instance', async () => {
    const store = await storeOnFreshDatabase();
    const other = openStore(parseDatabaseUrl(database!.url));
    opened.push(other);
    const root = await insertEntity(store.db, 'root-2', null);
    const child = await insertEntity(store.db, 'child-2', root);
    const uow = createUnitOfWork(store.db, { committedReader: store.committedReader!, unflushedWrites: store.unflushedWrites });
    const otherUow = createUnitOfWork(other.db, { committedReader: other.committedReader!, unflushedWrites: other.unflushedWrites });
    await uow.accounts.insert(newAccount('carol', child));
    assert.equal((await uow.accounts.findInTree('carol', root))?.inTree, true);
    assert.equal((await otherUow.accounts.findInTree('carol', root))?.inTree, true);

    // Each change is followed at once by a lookup on both instances: neither may answer from before it.
    const account = (await uow.accounts.findInTree('carol', root))!.account;
    await otherUow.accounts.update(account.id, { email: 'new@example.com' }, STORE_TEST_NOW);
    assert.equal((await uow.accounts.findInTree('carol', root))?.account.email, 'new@example.com');
    await uow.transaction((tx) => tx.accounts.update(account.id, { email: 'newer@example.com' }, STORE_TEST_NOW));
    assert.equal((await otherUow.accounts.findInTree('carol', root))?.account.email, 'newer@example.com');
    await other.db.updateTable('accounts').set({ entity_id: root }).where('username_key', '=', 'carol').execute();
    assert.equal((await uow.accounts.findInTree('carol', child))?.inTree, false);
    await store.db.deleteFrom('accounts').where('username_key', '=', 'carol').execute();
    assert.equal(await otherUow.accounts.findInTree('carol', root), undefined);
  });

  it('fails a lookup that times out alone, while the lookups around it are answered', async () => {
    const store = await storeOnFreshDatabase();
    const reader = store.committedReader!;
    const before = reader.all<{ n: number }>('SELECT 1 AS n', []);
    const slow = Promise.resolve(reader.all('SELECT pg_sleep(3)', []));
    const after = reader.all<{ n: number }>('SELECT 2 AS n', []);
    await assert.rejects(slow, (err: Error & { code?: string }) => err.code === '57014', 'canceled by the statement timeout');
    assert.equal((await before)[0]?.n, 1);
    assert.equal((await after)[0]?.n, 2);
    assert.equal((await reader.all<{ n: number }>('SELECT 3 AS n', []))[0]?.n, 3);
  });

  it('asks again on a new connection when a migration changed a column under its prepared statement', async () => {
    // A rolling upgrade: another instance's migration alters the type of a column the lookup
    // returns. PostgreSQL refuses the statement prepared before it on every execution.
    const store = await storeOnFreshDatabase();
    const reader = store.committedReader!;
    const root = await insertEntity(store.db, 'root-4', null);
    const uow = createUnitOfWork(store.db, { committedReader: reader, unflushedWrites: store.unflushedWrites });
    await uow.accounts.insert(newAccount('dave', root));
    assert.equal((await uow.accounts.findInTree('dave', root))?.account.username, 'dave');
    const [{ pid }] = (await reader.all<{ pid: number }>('SELECT pg_backend_pid() AS pid', [])) as [{ pid: number }];

    await sql`ALTER TABLE accounts ALTER COLUMN email TYPE varchar(320)`.execute(store.db);
    reported.length = 0;
    const lookups = await Promise.all(Array.from({ length: 5 }, () => uow.accounts.findInTree('dave', root)));
    for (const found of lookups) assert.equal(found?.account.username, 'dave', 'answered, not refused');
    const [again] = (await reader.all<{ pid: number }>('SELECT pg_backend_pid() AS pid', [])) as [{ pid: number }];
    assert.notEqual(again.pid, pid, 'on a new connection');
    assert.ok(reported.length >= 1, 'the replacement is reported');
    for (const err of reported) assert.ok(isPreparedStatementOutdated(err), err.message);
  });

  it('replaces a lost connection on the next lookup', async () => {
    const store = await storeOnFreshDatabase();
    const reader = store.committedReader!;
    const [{ pid }] = (await reader.all<{ pid: number }>('SELECT pg_backend_pid() AS pid', [])) as [{ pid: number }];
    const admin = new pg.Client({ connectionString: database!.url });
    await admin.connect();
    try {
      // The expectation is attached before the connection is cut: the lookup may fail before
      // pg_terminate_backend's own answer arrives, and an unheld rejection fails the test.
      const inFlight = assert.rejects(Promise.resolve(reader.all('SELECT pg_sleep(0.5)', [])));
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await inFlight;
    } finally {
      await admin.end();
    }
    const [again] = (await reader.all<{ pid: number }>('SELECT pg_backend_pid() AS pid', [])) as [{ pid: number }];
    assert.notEqual(again.pid, pid, 'a new connection');
    assert.equal((await sql<{ n: number }>`SELECT 1 AS n`.execute(store.db)).rows[0]?.n, 1, 'the pool is unaffected');
  });
});
