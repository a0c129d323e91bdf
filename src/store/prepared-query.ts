/**
 * A query compiled once and run many times with new parameter values. Building and compiling
 * a Kysely query costs more than running a small indexed SQLite query, so the queries every
 * SOAP call makes (the partner user, the account in the caller's tree), a sign-in's writes and
 * the writes of a password change are compiled once, on first use (once per store, see
 * `storeStatements` in statements.ts): placeholders are built with sentinel values whose
 * positions in the compiled parameter list are then filled per call. The SQL text stays the
 * dialect's own.
 *
 * Given a `CommittedReader`, the compiled SQL runs on it instead of through Kysely's executor:
 * on SQLite synchronously, on PostgreSQL pipelined on a connection of its own (as a named
 * prepared statement there too). Pass one only where the query reads outside a transaction.
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult, type RawBuilder } from 'kysely';
import type { CommittedReader } from './committed-reader.js';
import { nameStatement } from './named-statements.js';

const sentinel = (i: number): string => `\u0000ams-parameter-${i}\u0000`;

/** SQL text in the dialect's syntax with its parameter values: what a driver runs. */
export interface SqlStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/**
 * The query `build` makes, compiled on first use; each call gives its SQL with new parameter
 * values (a plain object: Kysely's CompiledQuery costs allocations the direct paths do not need).
 */
export function compileOnce<Row, Args extends readonly unknown[], DB = unknown>(
  db: Kysely<DB>,
  arity: Args['length'],
  build: (...placeholders: string[]) => Compilable<Row> | RawBuilder<Row>,
): (...args: Args) => SqlStatement {
  // Compiled on first use: every transaction builds its own repositories, and most of them
  // never run this query, so they must not pay for building and compiling it.
  let prepared: { readonly sql: string; parametersFor: (args: Args) => unknown[] } | undefined;
  const prepare = (): NonNullable<typeof prepared> => {
    const placeholders = Array.from({ length: arity }, (_, i) => sentinel(i));
    const query = build(...placeholders);
    const compiled = 'isRawBuilder' in query ? query.compile(db) : query.compile();
    const slots = compiled.parameters.map((p) => placeholders.indexOf(p as string));
    if (placeholders.some((_, i) => !slots.includes(i))) throw new Error('compileOnce: a placeholder was not used as a parameter');
    // A named prepared statement on PostgreSQL, through the executor or the reader.
    nameStatement(compiled.sql);
    return { sql: compiled.sql, parametersFor: (args) => compiled.parameters.map((p, index) => (slots[index]! >= 0 ? args[slots[index]!] : p)) };
  };
  return (...args) => {
    const { sql, parametersFor } = (prepared ??= prepare());
    return { sql, parameters: parametersFor(args) };
  };
}

/** What runs a compiled statement: any Kysely instance, a transaction's included. */
export interface StatementRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** A statement as Kysely's executor takes it. */
const asCompiledQuery = <Row>(statement: SqlStatement): CompiledQuery<Row> => CompiledQuery.raw(statement.sql, [...statement.parameters]);

/**
 * Runs a compiled statement on `reader` when one is given (reads outside a transaction), else
 * through Kysely's executor on `db` (which may be a transaction).
 */
export function runStatement<Row>(db: StatementRunner, statement: SqlStatement, reader?: CommittedReader): Promise<readonly Row[]> {
  if (reader) {
    try {
      return Promise.resolve(reader.all<Row>(statement.sql, statement.parameters));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }
  return db.executeQuery<Row>(asCompiledQuery(statement)).then((result) => result.rows);
}

/**
 * Runs a compiled INSERT, UPDATE or DELETE through Kysely's executor on `db` (which may be a
 * transaction) and gives the number of rows it changed.
 */
export async function runChange(db: StatementRunner, statement: SqlStatement): Promise<number> {
  const result = await db.executeQuery(asCompiledQuery(statement));
  return Number(result.numAffectedRows ?? 0n);
}

export function prepareQuery<Row, Args extends readonly unknown[], DB = unknown>(
  db: Kysely<DB>,
  arity: Args['length'],
  build: (...placeholders: string[]) => Compilable<Row> | RawBuilder<Row>,
  reader?: CommittedReader,
): (...args: Args) => Promise<readonly Row[]> {
  const compiled = compileOnce<Row, Args, DB>(db, arity, build);
  return (...args) => {
    try {
      return runStatement<Row>(db, compiled(...args), reader);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  };
}
