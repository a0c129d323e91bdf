/**
 * Everything that differs between the engines, as data. Code elsewhere asks for a capability,
 * never `if (engine === …)`.
 */
import { sql, type ColumnDataType, type RawBuilder } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

export interface EngineTraits {
  readonly engine: Engine;
  /** Column type of an auto-numbered primary key. */
  readonly serialType: ColumnDataType;
  /**
   * Auto-numbered key of a table that grows without bound (audit log, outbox, tokens): 64 bits
   * on every engine, so years of traffic from millions of accounts never exhaust it.
   */
  readonly bigSerialType: ColumnDataType;
  readonly autoIncrementModifier: boolean;
  /** Integer column wide enough for epoch milliseconds and KB counts. */
  readonly bigIntType: ColumnDataType;
  /**
   * `SELECT … FOR UPDATE SKIP LOCKED`: concurrent claimers (outbox workers on several
   * instances) each lock the rows they take and pass over rows another one holds. Without it
   * the engine has a single writer, which serialises claims anyway.
   */
  readonly skipLocked: boolean;
  /**
   * Several schemas share one database, so the migrator's own tables must be placed in (and
   * looked up in) the connection's current schema rather than found in any schema.
   */
  readonly schemaScopedMigrations: boolean;
  /**
   * The first statement of a transaction that must run alone across every instance (such as
   * creating the first partner user on an empty database): a second transaction running the
   * same statement with the same key waits until the first one ends, then sees its work.
   */
  exclusiveLock(key: string): RawBuilder<unknown>;
  /**
   * After rows were inserted with explicit ids (an import keeping legacy entity ids): the
   * statement that moves the table's id generator past them, or null where the engine already
   * numbers new rows after the largest id (SQLite's AUTOINCREMENT).
   */
  idGeneratorPastMax(table: string): RawBuilder<unknown> | null;
  /**
   * `CROSS JOIN LATERAL (subquery)`: a subquery run once per row of the table before it (the
   * first rows of each entity's accounts, for the keyset account page). SQLite has none; there a
   * correlated `IN (subquery … LIMIT n)` in the join condition drives the same per-row seeks.
   */
  readonly lateralJoin: boolean;
}

export const ENGINE_TRAITS: Readonly<Record<Engine, EngineTraits>> = {
  sqlite: {
    engine: 'sqlite',
    serialType: 'integer',
    // An INTEGER PRIMARY KEY is the 64-bit rowid.
    bigSerialType: 'integer',
    autoIncrementModifier: true,
    bigIntType: 'integer',
    skipLocked: false,
    schemaScopedMigrations: false,
    // A write (even one that matches no row) takes SQLite's single write lock at once, so a
    // second connection or process waits (busy_timeout) instead of reading a stale snapshot.
    exclusiveLock: () => sql`UPDATE entities SET id = id WHERE 0 = 1`,
    idGeneratorPastMax: () => null,
    lateralJoin: false,
  },
  postgres: {
    engine: 'postgres',
    serialType: 'serial',
    bigSerialType: 'bigserial',
    autoIncrementModifier: false,
    bigIntType: 'bigint',
    skipLocked: true,
    schemaScopedMigrations: true,
    // Advisory locks are per database; the schema in the key keeps schemas from sharing one.
    exclusiveLock: (key) => sql`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || ${key}))`,
    idGeneratorPastMax: (table) =>
      sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), GREATEST((SELECT MAX(id) FROM ${sql.table(table)}), 1))`,
    lateralJoin: true,
  },
};

/**
 * A boolean computed in SQL (`EXISTS …`): PostgreSQL returns true/false, SQLite 1/0. One
 * reading for both, so that no repository tests the engine's spelling itself.
 */
export function sqlBoolean(value: unknown): boolean {
  return value === true || Number(value) === 1;
}
