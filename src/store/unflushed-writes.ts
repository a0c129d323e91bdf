/**
 * Writes whose commits do not wait for the disk: state whose loss in a crash is harmless, such
 * as the sign-in reservations (a lost one only gives back a check) and the shared limits (a rate
 * bucket, a failure count). Commits of every other write still wait, and flush these with them.
 *
 * SQLite: its commits otherwise fsync (synchronous = FULL), several ms each with the event loop
 * blocked, which would cap sign-ins below the Argon2 rate (bench/README.md). The writer
 * connection is switched to synchronous = NORMAL around the writes and back to FULL after them;
 * in WAL mode NORMAL keeps the database consistent, and the next FULL commit flushes the write.
 *
 * PostgreSQL: an ordinary commit. Relaxing it (`SET LOCAL synchronous_commit`) needs a
 * transaction, i.e. two more round trips and a pinned connection per write, for a flush that
 * blocks nothing but the one request.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from './schema.js';
import { runStatement, type SqlStatement } from './prepared-query.js';

export interface UnflushedWrites {
  /**
   * One compiled statement outside any transaction, and its rows (those of its RETURNING, else
   * none). The hot path: a sign-in makes two of these.
   */
  statement<Row>(query: SqlStatement): Promise<readonly Row[]>;
  /** Several statements on one connection, each committed on its own. */
  block<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

export function postgresUnflushedWrites(db: Kysely<Database>): UnflushedWrites {
  return {
    statement: <Row>(query: SqlStatement) => runStatement<Row>(db, query),
    block: (work) => work(db),
  };
}

const RELAXED = 'PRAGMA synchronous = NORMAL';
const FLUSHING = 'PRAGMA synchronous = FULL';

/**
 * `writer` is the connection Kysely's SQLite driver uses (with its statement cache, so that each
 * statement still reports its write to the committed reader, see statement-cache.ts).
 *
 * Why a statement runs on it directly: through Kysely, each of the three statements (relax,
 * write, flush again) waited for the driver's connection mutex and passed its executor's
 * promise chain, and the profile of a sign-in flood put ~22% of the event loop's time in
 * Kysely (bench/README.md, issue 20, 12-06). better-sqlite3 runs a statement synchronously, so
 * the three run back to back with nothing else in between. What else the mutex kept apart:
 * - another request's transaction, open on the connection between its awaits: the statement
 *   would join it and commit or roll back with it, so then it waits its turn through Kysely;
 * - a `block` between two of its statements: the switch back to FULL only makes the block's
 *   later commits wait for the disk, which is safe (and the block switches back at its end).
 */
export function sqliteUnflushedWrites(db: Kysely<Database>, writer: BetterSqlite3.Database): UnflushedWrites {
  const block = <T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> =>
    // The one connection is held for the statements, so no other commit runs meanwhile with the
    // relaxed setting.
    db.connection().execute(async (connection) => {
      await connection.executeQuery(CompiledQuery.raw(RELAXED));
      try {
        return await work(connection);
      } finally {
        await connection.executeQuery(CompiledQuery.raw(FLUSHING));
      }
    });
  const runNow = <Row>(query: SqlStatement): readonly Row[] => {
    writer.prepare(RELAXED).run();
    try {
      const statement = writer.prepare(query.sql);
      if (statement.reader) return statement.all(query.parameters) as Row[];
      statement.run(query.parameters);
      return [];
    } finally {
      writer.prepare(FLUSHING).run();
    }
  };
  return {
    statement<Row>(query: SqlStatement) {
      if (writer.inTransaction) return block((connection) => runStatement<Row>(connection, query));
      try {
        return Promise.resolve(runNow(query));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    },
    block,
  };
}
