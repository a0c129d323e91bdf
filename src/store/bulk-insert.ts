/**
 * Multi-row INSERTs compiled once per row count and re-run with new values. Kysely builds and
 * compiles an AST node per value: for 500 rows of 26 columns that is most of an import batch's
 * CPU. Here the statement is compiled with sentinel values whose positions in the parameter
 * list are then filled from each batch (the technique of prepared-query.ts); the SQL text is
 * the dialect's own.
 */
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

const sentinel = (row: number, column: number): string => `\u0000ams-bulk-${row}-${column}\u0000`;

export type BulkInsert = (db: Kysely<never>, rows: readonly (readonly unknown[])[]) => Promise<void>;

/**
 * `build` receives rows of sentinel values (one object per row, `columns` as keys) and returns
 * the INSERT to compile; every sentinel must end up a parameter.
 */
export function bulkInsert(columns: readonly string[], build: (db: Kysely<never>, rows: Record<string, unknown>[]) => Compilable<unknown>): BulkInsert {
  const compiled = new Map<number, { sql: string; slots: { row: number; column: number }[] }>();
  const compile = (db: Kysely<never>, count: number) => {
    const rows = Array.from({ length: count }, (_, r) => Object.fromEntries(columns.map((c, i) => [c, sentinel(r, i)])));
    const query = build(db, rows).compile();
    const slots = query.parameters.map((p) => {
      // eslint-disable-next-line no-control-regex -- the sentinels are wrapped in NUL so no real value can look like one
      const m = typeof p === 'string' ? /^\u0000ams-bulk-(\d+)-(\d+)\u0000$/.exec(p) : null;
      if (!m) throw new Error('bulkInsert: a parameter is not a row value');
      return { row: Number(m[1]), column: Number(m[2]) };
    });
    if (slots.length !== count * columns.length) throw new Error('bulkInsert: a value was not used as a parameter');
    return { sql: query.sql, slots };
  };
  return async (db, rows) => {
    if (rows.length === 0) return;
    let statement = compiled.get(rows.length);
    if (!statement) {
      statement = compile(db, rows.length);
      // Batches come in one or two sizes (full, and the last one): a bound on the cache all the same.
      if (compiled.size > 8) compiled.clear();
      compiled.set(rows.length, statement);
    }
    const parameters = statement.slots.map(({ row, column }) => rows[row]![column]);
    await db.executeQuery(CompiledQuery.raw(statement.sql, parameters));
  };
}
