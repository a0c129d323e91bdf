/**
 * PostgreSQL: a named prepared statement's rows are described once per connection, not on
 * every execution. node-postgres's Query sends Describe with every Bind, so the server answers
 * each execution with a RowDescription that the client parses and turns into the same column
 * parsers again (pg-protocol's field list, then `Result.addFields`: a type parser looked up per
 * column and an empty row object built). For the pipelined reader's lookups, run on every SOAP
 * call, that was work repeated per call for an answer that cannot change.
 *
 * Why the description cannot go stale: the columns of a prepared statement are fixed when it is
 * parsed. PostgreSQL refuses to run it with other columns ("cached plan must not change result
 * type", after a schema change under it) rather than return rows of another shape, so a
 * description kept for a statement on the connection it was parsed on stays true for as long
 * as the statement runs at all. Descriptions are kept per connection (one runner per
 * connection), as the parsed statements are, and a replaced connection describes again.
 *
 * The subclass relies on node-postgres internals (lib/query.js, lib/result.js of pg 8): the
 * few it touches are named in `QueryInternals` below; test/store/described-once-query.test.ts
 * runs it against a real server, and fails if a pg upgrade changes them.
 */
import { createRequire } from 'node:module';
import pg from 'pg';

/** pg's own mapping of parameter values to their wire text, as its Query binds them. */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue: (value: unknown) => unknown };

/** What a RowDescription became: the parts of pg's Result that parse a row. */
interface Description {
  readonly fields: unknown[];
  readonly parsers: unknown[] | undefined;
  readonly emptyRow: object | null;
}

/** The parts of pg's Query and Result used here (not in @types/pg). */
interface QueryInternals {
  readonly name?: string;
  readonly values?: unknown[];
  readonly binary?: boolean;
  readonly portal: string;
  _accumulateRows: boolean;
  readonly _result: { fields: unknown[]; _parsers: unknown[] | undefined; _prebuiltEmptyResultObject: object | null };
  hasBeenParsed(connection: PgConnection): boolean;
  handleError(err: unknown, connection: PgConnection): void;
}

/** The messages of pg's Connection sent here. */
interface PgConnection {
  bind(config: { portal: string; statement?: string; values?: unknown[]; binary?: boolean; valueMapper: unknown }): void;
  execute(config: { portal: string; rows?: number }): void;
  close(config: { type: 'S'; name?: string }): void;
  sync(): void;
}

/** pg's Query with the two methods this file overrides, as lib/query.js has them. */
const BaseQuery = pg.Query as unknown as new (config: unknown) => {
  prepare(connection: PgConnection): void;
  handleRowDescription(message: unknown): void;
};

/**
 * Runs queries on one connection, the one `submit` hands them to (`client.query(query)`): a
 * named statement executed after its first description on that connection is sent as Bind,
 * Execute, Sync, and its rows are read with the kept description. Anything else (an unnamed
 * statement, the first execution, one still being parsed) is node-postgres's own Query,
 * unchanged. The answer is the query's result. Made once per connection, with its connection:
 * the descriptions it keeps are that connection's.
 */
export function describedOnceRunner(submit: (query: pg.Query) => unknown): (config: pg.QueryConfig) => Promise<pg.QueryResult> {
  const descriptions = new Map<string, Description>();

  class DescribedOnceQuery extends BaseQuery {
    override prepare(connection: PgConnection): void {
      const self = this as unknown as QueryInternals;
      const described = self.name === undefined ? undefined : descriptions.get(self.name);
      if (described === undefined || !self.hasBeenParsed(connection)) {
        super.prepare(connection);
        return;
      }
      // lib/query.js `prepare`, without its Parse (done) and its Describe (kept).
      try {
        connection.bind({ portal: self.portal, statement: self.name, values: self.values, binary: self.binary, valueMapper: prepareValue });
      } catch (err) {
        connection.close({ type: 'S', name: self.name });
        connection.sync();
        self.handleError(err, connection);
        return;
      }
      const result = self._result;
      result.fields = described.fields;
      result._parsers = described.parsers;
      result._prebuiltEmptyResultObject = described.emptyRow;
      // What handleRowDescription sets: a query with a callback keeps its rows.
      self._accumulateRows = true;
      connection.execute({ portal: self.portal });
      connection.sync();
    }

    override handleRowDescription(message: unknown): void {
      super.handleRowDescription(message);
      const self = this as unknown as QueryInternals;
      if (self.name === undefined) return;
      const result = self._result;
      descriptions.set(self.name, { fields: result.fields, parsers: result._parsers, emptyRow: result._prebuiltEmptyResultObject });
    }
  }

  return (config) =>
    new Promise((resolve, reject) => {
      const callback = (err: Error | null | undefined, result: pg.QueryResult): void => (err ? reject(err) : resolve(result));
      submit(new DescribedOnceQuery({ ...config, callback }) as unknown as pg.Query);
    });
}
