/**
 * SQLite only: a second, read-only connection for the lookups every SOAP call makes (the
 * partner user, the account in the caller's tree), run synchronously on better-sqlite3.
 *
 * Why: SQLite answers those lookups in a few microseconds, and Kysely's asynchronous executor
 * (connection mutex, promise chain per query) cost as much again. Why a *second* connection:
 * Kysely's SQLite driver has one connection, and while a request's transaction is open on it
 * (between its awaits) a read on that same connection would see the uncommitted writes, which
 * may still roll back. A separate connection in WAL mode sees only what was committed, always
 * the latest commit, never blocks on the writer and is never blocked by it.
 *
 * Only for reads outside a transaction: a transaction's own reads must go through its
 * connection to see its own writes (see unit-of-work.ts).
 */
import BetterSqlite3 from 'better-sqlite3';

export interface CommittedReader {
  /** Runs one read-only statement (prepared once per SQL text) and returns its rows. */
  all<Row>(sql: string, parameters: readonly unknown[]): Row[];
  close(): void;
}

export function openCommittedReader(file: string, busyTimeoutMs = 5000): CommittedReader {
  // readonly: this connection can never write, whatever SQL reaches it.
  const connection = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  connection.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    all<Row>(sql: string, parameters: readonly unknown[]): Row[] {
      let statement = statements.get(sql);
      if (!statement) {
        statement = connection.prepare(sql);
        if (!statement.reader) throw new Error('the committed reader runs only statements that return rows');
        statements.set(sql, statement);
      }
      return statement.all(...parameters) as Row[];
    },
    close: () => connection.close(),
  };
}
