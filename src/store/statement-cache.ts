/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs more than running
 * a small indexed query (the profile of GetAccountInfo showed `prepare` as the largest single
 * cost). This keeps prepared statements by SQL text. Sound because better-sqlite3 runs a
 * statement to completion synchronously and we never stream results (a streaming iterator
 * would keep its statement busy).
 *
 * Every statement Kysely runs on this connection passes through `prepare` right before it runs,
 * so this is also where the connection reports that it is about to write (`onWrite`): the
 * committed reader (committed-reader.ts) must check the data version again after it.
 * It is also where a transaction's BEGIN becomes BEGIN IMMEDIATE (see below).
 */
import type BetterSqlite3 from 'better-sqlite3';

export interface StatementCacheOptions {
  readonly maxStatements?: number;
  /** Called before any statement that is not a plain read runs (writes, COMMIT, DDL, exec). */
  readonly onWrite?: () => void;
}

export function withStatementCache(database: BetterSqlite3.Database, { maxStatements = 500, onWrite }: StatementCacheOptions = {}): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = database.prepare.bind(database);
  const exec = database.exec.bind(database);
  const cachedPrepare = (text: string): BetterSqlite3.Statement => {
    // Kysely opens every transaction with a plain (deferred) BEGIN: it takes the write lock only
    // at its first write, and when another process (AMS_WORKERS, an `ams` command) committed
    // since the transaction's first read, SQLite refuses that upgrade at once with SQLITE_BUSY
    // instead of waiting out busy_timeout. BEGIN IMMEDIATE takes the write lock up front and
    // waits for it. One process has one connection, so nothing else of its own ever waits on it.
    const sql = text === 'begin' ? 'begin immediate' : text;
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      if (cache.size >= maxStatements) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
    }
    // A SELECT is both a reader and read-only; an INSERT … RETURNING is a reader that writes,
    // and COMMIT is neither (SQLite counts transaction control as read-only).
    if (onWrite && !(statement.reader && statement.readonly)) onWrite();
    return statement;
  };
  const reportingExec = (sql: string): BetterSqlite3.Database => {
    onWrite?.();
    return exec(sql);
  };
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property === 'prepare') return cachedPrepare;
      if (property === 'exec') return reportingExec;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}
