/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs more than running
 * a small indexed query (the profile of GetAccountInfo showed `prepare` as the largest single
 * cost). This keeps prepared statements by SQL text. Sound because better-sqlite3 runs a
 * statement to completion synchronously and we never stream results (a streaming iterator
 * would keep its statement busy).
 */
import type BetterSqlite3 from 'better-sqlite3';

export function withStatementCache(database: BetterSqlite3.Database, maxStatements = 500): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = database.prepare.bind(database);
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property !== 'prepare') return Reflect.get(target, property, receiver) as unknown;
      return (sql: string) => {
        let statement = cache.get(sql);
        if (!statement) {
          statement = prepare(sql);
          if (cache.size >= maxStatements) cache.delete(cache.keys().next().value as string);
          cache.set(sql, statement);
        }
        return statement;
      };
    },
  });
}
