/**
 * Opens the database named by AMS_DATABASE_URL: a SQLite file (the embedded default) or
 * PostgreSQL (`postgres://…`). SQLite runs in WAL mode with `synchronous=FULL`: a commit that
 * returned is on disk, so an answered Success survives a crash or power loss.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationResultSet } from 'kysely';
import type { Database } from './schema.js';
import { ENGINE_TRAITS, type Engine, type EngineTraits } from './dialect.js';
import { MIGRATIONS } from './migrations/index.js';

export interface Store {
  readonly db: Kysely<Database>;
  readonly traits: EngineTraits;
  /** A short description without credentials, for logs. */
  readonly description: string;
  close(): Promise<void>;
}

export interface DatabaseLocation {
  readonly engine: Engine;
  /** File path for SQLite, connection string for PostgreSQL. */
  readonly target: string;
}

export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { engine: 'postgres', target: url };
  if (url.startsWith('sqlite:')) return { engine: 'sqlite', target: url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') };
  if (url.includes('://')) throw new Error(`unsupported database URL scheme in "${redactUrl(url)}" (use a file path, sqlite:PATH or postgres://)`);
  return { engine: 'sqlite', target: url };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

export interface OpenOptions {
  readonly postgresPoolSize?: number;
  readonly postgresStatementTimeoutMs?: number;
}

export function openStore(location: DatabaseLocation, options: OpenOptions = {}): Store {
  if (location.engine === 'postgres') {
    // int8 (bigint) columns hold epoch milliseconds and KB counts, all far below 2^53.
    pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
    const pool = new pg.Pool({
      connectionString: location.target,
      max: options.postgresPoolSize ?? 10,
      statement_timeout: options.postgresStatementTimeoutMs ?? 5000,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, traits: ENGINE_TRAITS.postgres, description: redactUrl(location.target), close: () => db.destroy() };
  }
  if (location.target !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(location.target)), { recursive: true });
  const sqlite = new BetterSqlite3(location.target);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, traits: ENGINE_TRAITS.sqlite, description: `sqlite:${location.target}`, close: () => db.destroy() };
}

/** Applies pending migrations; returns Kysely's result set instead of throwing halfway. */
export async function migrate(store: Store): Promise<{ error?: unknown; results: MigrationResultSet['results'] }> {
  const migrator = new Migrator({
    db: store.db,
    provider: {
      getMigrations: () =>
        Promise.resolve(
          Object.fromEntries(
            Object.entries(MIGRATIONS).map(([name, m]) => [
              name,
              { up: (db) => m.up(db, store.traits), ...(m.down ? { down: (db) => m.down!(db, store.traits) } : {}) },
            ]),
          ),
        ),
    },
  });
  const { error, results } = await migrator.migrateToLatest();
  return { ...(error === undefined ? {} : { error }), results };
}
