/**
 * PostgreSQL: the hot path's statements (prepared-query.ts: the partner user, the account in the
 * caller's tree, run on every SOAP call; a sign-in's reservation and its give-back) become named
 * prepared statements on each pooled connection. The server then parses and plans each once per
 * connection instead of on every call, and the client sends only the name and the values. Only
 * statements registered here are named: their SQL is fixed in the code, so the set stays a
 * handful, where naming every text (bulk inserts of varying width) would grow each connection's
 * statements without bound.
 *
 * Nothing is served stale: a prepared statement is re-executed against current data on every
 * call; only the parse, the plan and the rows' description are kept. PostgreSQL re-plans by itself
 * after a schema change, except when the statement's result columns changed: it refuses the
 * statement then, and the connection is replaced (`isPreparedStatementOutdated`). A connection
 * lost and replaced prepares its statements again on first use.
 */
import pg from 'pg';
import { describedOnceRunner } from './described-once-query.js';

const names = new Map<string, string>();

/** Marks `sql` as a hot statement: on PostgreSQL it runs as a named prepared statement. */
export function nameStatement(sql: string): void {
  if (!names.has(sql)) names.set(sql, `ams_hot_${names.size + 1}`);
}

/**
 * A prepared statement whose result columns changed under it: a migration run by another
 * instance (a rolling upgrade) altered the type of a column it returns. PostgreSQL then refuses
 * it on every execution (SQLSTATE 0A000) rather than plan it anew, for as long as the
 * connection keeps it: only a new connection prepares it again.
 */
export function isPreparedStatementOutdated(err: unknown): boolean {
  return err instanceof pg.DatabaseError && err.code === '0A000' && err.message.includes('cached plan must not change result type');
}

/** The name a registered statement runs under, or undefined for any other SQL. */
export const statementName = (sql: string): string | undefined => names.get(sql);

type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * Makes `client` run the registered statements by name (Kysely calls `query(sql, parameters)`),
 * their rows described once on this connection (described-once-query.ts). `onOutdated` hears
 * of a statement a migration outdated, before the connection is ended for it.
 */
export function useNamedStatements(client: pg.PoolClient, onOutdated?: (err: Error) => void): void {
  const query = client.query.bind(client) as Query;
  const run = describedOnceRunner(query);
  const named: Query = (config, values, callback) => {
    if (typeof config === 'string' && Array.isArray(values) && callback === undefined) {
      const name = names.get(config);
      if (name !== undefined) {
        return run({ name, text: config, values }).catch((err: unknown) => {
          // This call fails (it may be inside a transaction, which the error has aborted), but
          // the connection is ended, so the pool replaces it and the next call prepares anew.
          if (isPreparedStatementOutdated(err)) {
            onOutdated?.(err as Error);
            client.end().catch(() => undefined);
          }
          throw err;
        });
      }
    }
    return query(config, values, callback);
  };
  (client as unknown as { query: Query }).query = named;
}
