/**
 * PostgreSQL: a named statement is described once per connection (src/store/described-once-
 * query.ts). Executed again, it is sent without Describe and its rows are read with the kept
 * description: the rows must be exactly node-postgres's own, for every column type the hot
 * lookups return and for NULLs; errors still fail the one query; and a statement whose columns
 * change under it is refused by the server, never read with the old description.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { describedOnceRunner } from '../../src/store/described-once-query.js';
import { createTestDatabase, POSTGRES_TEST_URL, type TestDatabase } from '../support/test-database.js';

describe('a named statement described once per connection, on PostgreSQL', { skip: POSTGRES_TEST_URL ? false : 'AMS_TEST_DATABASE_URL is not set' }, () => {
  let database: TestDatabase | undefined;
  let client: pg.Client;
  let plain: pg.Client;
  let runner: ReturnType<typeof describedOnceRunner>;
  let descriptions = 0;

  before(async () => {
    database = await createTestDatabase();
    plain = new pg.Client({ connectionString: database.url });
    await plain.connect();
    await plain.query(`CREATE TABLE sample (id integer PRIMARY KEY, name text, size bigint, created timestamptz, active boolean, ratio double precision, note varchar(20))`);
    for (let id = 1; id <= 40; id++) {
      await plain.query('INSERT INTO sample VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        id,
        `name ${id} ✓`,
        id % 3 === 0 ? null : String(id * 1_000_000_007),
        new Date(Date.UTC(2026, 0, id, 12, 30, 15, 250)),
        id % 2 === 0,
        id / 7,
        id % 5 === 0 ? null : `n${id}`,
      ]);
    }
    client = new pg.Client({ connectionString: database.url, pipeline: true });
    await client.connect();
    (client as unknown as { connection: { on(event: string, listener: () => void): void } }).connection.on('rowDescription', () => descriptions++);
    runner = describedOnceRunner((query) => client.query(query));
  });
  after(async () => {
    await client?.end();
    await plain?.end();
    await database?.drop();
  });

  const SELECT = 'SELECT id, name, size, created, active, ratio, note FROM sample WHERE id = $1';
  const run = (text: string, values: unknown[], name?: string): Promise<pg.QueryResult> =>
    runner({ text, values, ...(name === undefined ? {} : { name }) });

  it('reads every later execution with the first description, rows equal to node-postgres’s own', async () => {
    descriptions = 0;
    await run(SELECT, [1], 'sample_by_id');
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => run(SELECT, [(i % 40) + 1], 'sample_by_id')));
    assert.equal(descriptions, 1, 'one RowDescription for 201 executions of the named statement');
    for (let i = 0; i < answers.length; i++) {
      const expected = await plain.query(SELECT, [(i % 40) + 1]);
      assert.deepEqual(answers[i]!.rows, expected.rows, `execution ${i}`);
      assert.equal(answers[i]!.rowCount, 1);
    }
    // A missing row: no rows, not the previous execution's.
    assert.deepEqual((await run(SELECT, [999], 'sample_by_id')).rows, []);
  });

  it('describes unnamed statements every time, as node-postgres does', async () => {
    descriptions = 0;
    for (let id = 1; id <= 5; id++) assert.equal((await run(SELECT, [id])).rows[0]!.id, id);
    assert.equal(descriptions, 5);
  });

  it('fails one execution alone (a bad parameter), and the next is answered', async () => {
    await assert.rejects(run(SELECT, ['not a number'], 'sample_by_id'), (err: unknown) => err instanceof pg.DatabaseError && err.code === '22P02');
    assert.equal((await run(SELECT, [7], 'sample_by_id')).rows[0]!.name, 'name 7 ✓');
  });

  it('is refused by the server, never misread, when the columns change under the statement', async () => {
    await plain.query('ALTER TABLE sample ALTER COLUMN size TYPE text');
    await assert.rejects(run(SELECT, [2], 'sample_by_id'), (err: unknown) => err instanceof pg.DatabaseError && /cached plan must not change result type/.test(err.message));
    // A statement of another name is described anew and reads the new type.
    assert.equal((await run(SELECT, [2], 'sample_by_id_2')).rows[0]!.size, '2000000014');
  });
});
