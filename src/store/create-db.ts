/**
 * Opens the database named by AMS_DATABASE_URL: a SQLite file (the embedded default) or
 * PostgreSQL (`postgres://…`). SQLite runs in WAL mode with `synchronous=FULL`: a commit that
 * returned is on disk, so an answered Success survives a crash or power loss. PostgreSQL gets a
 * bounded pool whose every statement has a timeout, so a sick database turns into quick errors
 * rather than piled-up requests, and whose connections come back by themselves after an outage.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { DEFAULT_MIGRATION_TABLE, Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration, type MigrationResultSet } from 'kysely';
import type { ConnectionOptions } from 'node:tls';
import type { Database } from './schema.js';
import { ENGINE_TRAITS, type Engine, type EngineTraits } from './dialect.js';
import { MIGRATIONS } from './migrations/index.js';
import { withStatementCache } from './statement-cache.js';
import { openCommittedReader, type CommittedReader } from './committed-reader.js';
import { useNamedStatements } from './named-statements.js';
import { openPipelinedReader } from './pipelined-reader.js';
import { postgresUnflushedWrites, sqliteUnflushedWrites, type UnflushedWrites } from './unflushed-writes.js';

export interface Store {
  readonly db: Kysely<Database>;
  readonly traits: EngineTraits;
  /** Writes whose commits do not wait for the disk (sign-in reservations, shared limits): see unflushed-writes.ts. */
  readonly unflushedWrites: UnflushedWrites;
  /** A short description without credentials, for logs. */
  readonly description: string;
  /**
   * Runs `work` on a connection of its own without a statement timeout, for schema changes
   * (an index build on millions of rows may take minutes); closed afterwards.
   */
  withMaintenanceConnection<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Where the hot lookups outside a transaction run. SQLite on a file: a read-only second
   * connection that answers them synchronously with committed data (committed-reader.ts).
   * PostgreSQL: one pipelined connection (pipelined-reader.ts). Absent for `:memory:`, where a
   * second connection would see another database.
   */
  readonly committedReader?: CommittedReader;
  /** PostgreSQL: the pool's connections (open, idle), queries waiting for one, and its size; for metrics. */
  readonly poolStats?: () => { readonly total: number; readonly idle: number; readonly waiting: number; readonly max: number };
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

/** libpq's names: `require` encrypts; `verify-ca` also checks the chain; `verify-full` also the host name. */
export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface OpenOptions {
  readonly postgresPoolSize?: number;
  /** Per statement, enforced by the server; 0 = none. Also bounds waiting for a connection. */
  readonly postgresStatementTimeoutMs?: number;
  /** null/undefined: whatever the URL says (`sslmode`, `sslrootcert`), else no TLS. */
  readonly postgresSslMode?: SslMode | null;
  /** PEM file of the certificate authority that signed the server's certificate. */
  readonly postgresSslCaFile?: string | null;
  /** A pooled connection failed while idle (e.g. the server restarted); the pool replaces it. */
  readonly onConnectionError?: (err: Error) => void;
  /**
   * SQLite: create the file's folder when it is missing (default true). False for a path the
   * operator typed: a typo must not silently start a new, empty database (issue 17).
   */
  readonly createFolder?: boolean;
}

/** Migrating failed (Kysely's migrator reported an error rather than throwing); the cause says why. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  constructor(cause: unknown) {
    super(`database migration failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The SQLite file's folder does not exist, and creating it was not allowed. */
export class DatabaseFolderMissingError extends Error {
  override readonly name = 'DatabaseFolderMissingError';
  constructor(
    readonly file: string,
    readonly folder: string,
  ) {
    super(`cannot open the SQLite database ${file}: the folder ${folder} does not exist`);
  }
}

/** The database settings of the service's Config (structurally; store/ does not import config/). */
export interface DatabaseSettings {
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly databaseStatementTimeoutMs: number;
  readonly databaseSslMode: SslMode | null;
  readonly databaseSslCaFile: string | null;
  /** SQLite: may the file's folder be created (the built-in default path), or must it exist (a configured one)? */
  readonly databaseCreateFolder?: boolean;
}

/** Opens the database the settings name, with their pool, timeout and TLS settings. */
export function openConfiguredStore(settings: DatabaseSettings, onConnectionError?: (err: Error) => void): Store {
  return openStore(parseDatabaseUrl(settings.databaseUrl), {
    postgresPoolSize: settings.databasePoolSize,
    postgresStatementTimeoutMs: settings.databaseStatementTimeoutMs,
    postgresSslMode: settings.databaseSslMode,
    postgresSslCaFile: settings.databaseSslCaFile,
    createFolder: settings.databaseCreateFolder ?? true,
    ...(onConnectionError ? { onConnectionError } : {}),
  });
}

const URL_TLS_PARAMETERS = ['ssl', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey'];

/** The `ssl` option of node-postgres for a libpq-style mode; undefined leaves it to the URL. */
export function postgresTls(connectionString: string, mode: SslMode | null, caFile: string | null): ConnectionOptions | boolean | undefined {
  if (mode === null && caFile === null) return undefined;
  const params = URL.canParse(connectionString) ? new URL(connectionString).searchParams : new URLSearchParams();
  const inUrl = URL_TLS_PARAMETERS.filter((p) => params.has(p));
  // node-postgres lets the URL's parameters win over explicit options: refuse rather than guess.
  if (inUrl.length > 0) throw new Error(`TLS is set both in the database URL (${inUrl.join(', ')}) and in AMS_DATABASE_SSL_*: use one`);
  const effective = mode ?? 'verify-full';
  if (effective === 'disable') return false;
  const ca = caFile === null ? undefined : fs.readFileSync(caFile, 'utf8');
  if (effective === 'verify-ca' && ca === undefined) throw new Error('AMS_DATABASE_SSL_MODE=verify-ca needs AMS_DATABASE_SSL_CA_FILE');
  const skipHostname = { checkServerIdentity: () => undefined };
  if (effective === 'require') return ca === undefined ? { rejectUnauthorized: false } : { ca, rejectUnauthorized: true, ...skipHostname };
  if (effective === 'verify-ca') return { ca, rejectUnauthorized: true, ...skipHostname };
  return { ...(ca === undefined ? {} : { ca }), rejectUnauthorized: true };
}

// int8 (bigint) columns hold epoch milliseconds, KB counts and 64-bit ids, all far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

/** How every connection of this process to the database is made: the pool's and the pipelined reader's. */
function postgresConnection(location: DatabaseLocation, options: OpenOptions): pg.ClientConfig {
  const timeoutMs = options.postgresStatementTimeoutMs ?? 5000;
  const ssl = postgresTls(location.target, options.postgresSslMode ?? null, options.postgresSslCaFile ?? null);
  return {
    connectionString: location.target,
    ...(timeoutMs > 0 ? { statement_timeout: timeoutMs, idle_in_transaction_session_timeout: Math.max(timeoutMs, 10_000) } : {}),
    // Connecting (and waiting for a free pooled connection) must fail too, not hang a request.
    connectionTimeoutMillis: timeoutMs > 0 ? timeoutMs : 10_000,
    keepAlive: true,
    ...(ssl === undefined ? {} : { ssl }),
  };
}

function postgresPool(location: DatabaseLocation, options: OpenOptions, overrides: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ ...postgresConnection(location, options), max: options.postgresPoolSize ?? 10, ...overrides });
  const onError = (err: Error): void => options.onConnectionError?.(err);
  // Without these listeners a connection the server closes (restart, failover, idle kill)
  // would be an unhandled 'error' event and take the whole process down.
  pool.on('error', onError);
  pool.on('connect', (client) => {
    client.on('error', onError);
    useNamedStatements(client, onError);
  });
  return pool;
}

export function openStore(location: DatabaseLocation, options: OpenOptions = {}): Store {
  if (location.engine === 'postgres') {
    const pool = postgresPool(location, options);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const committedReader = openPipelinedReader(postgresConnection(location, options), { onConnectionError: (err) => options.onConnectionError?.(err) });
    return {
      db,
      traits: ENGINE_TRAITS.postgres,
      unflushedWrites: postgresUnflushedWrites(db),
      description: redactUrl(location.target),
      committedReader,
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 }),
      async withMaintenanceConnection(work) {
        const pool = postgresPool(location, { ...options, postgresStatementTimeoutMs: 0 }, { max: 1, connectionTimeoutMillis: 30_000 });
        const maintenance = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
        try {
          return await work(maintenance);
        } finally {
          await maintenance.destroy();
        }
      },
      close: async () => {
        await committedReader.close();
        await db.destroy();
      },
    };
  }
  if (location.target !== ':memory:') {
    const folder = path.dirname(path.resolve(location.target));
    if (options.createFolder ?? true) fs.mkdirSync(folder, { recursive: true });
    else if (!fs.existsSync(folder)) throw new DatabaseFolderMissingError(location.target, folder);
  }
  const sqlite = new BetterSqlite3(location.target);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const committedReader = location.target === ':memory:' ? undefined : openCommittedReader(location.target);
  const writer = withStatementCache(sqlite, { onWrite: committedReader?.invalidate });
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: writer }) });
  return {
    db,
    traits: ENGINE_TRAITS.sqlite,
    unflushedWrites: sqliteUnflushedWrites(db, writer),
    description: `sqlite:${location.target}`,
    ...(committedReader ? { committedReader } : {}),
    withMaintenanceConnection: (work) => work(db),
    close: async () => {
      committedReader?.close();
      await db.destroy();
    },
  };
}

/**
 * Runs `work` in one transaction that no other connection, process or instance runs at the same
 * time for the same key; a second caller waits, then sees what the first committed.
 */
export function exclusively<T>(store: Pick<Store, 'db' | 'traits'>, key: string, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return store.db.transaction().execute(async (trx) => {
    await store.traits.exclusiveLock(key).execute(trx);
    return work(trx);
  });
}

/**
 * The database's migration history holds migrations this build does not know, among the ones it
 * does: it was migrated by another line of builds (a branch), not simply by a newer AMS.
 */
export class MigrationHistoryMismatchError extends Error {
  override readonly name = 'MigrationHistoryMismatchError';
  constructor(readonly unknown: readonly string[]) {
    super(
      `the database has migrations this build of AMS does not know, among its own (${unknown.join(', ')}): ` +
        'it was migrated by another build, not by an older or newer release of this one',
    );
  }
}

export interface MigrationOutcome {
  readonly error?: unknown;
  readonly results: MigrationResultSet['results'];
  /**
   * Migrations applied by a newer AMS, after every one this build knows: this build runs on the
   * database as the older version (upgrading instances one at a time), and says so.
   */
  readonly newerMigrations: readonly string[];
}

/** The names in the migration table, or none when it does not exist yet (an empty database). */
async function executedMigrations(db: Kysely<Database>, schema: string | undefined): Promise<string[]> {
  try {
    const scoped = schema === undefined ? db : db.withSchema(schema);
    const rows = await (scoped as unknown as Kysely<Record<string, { name: string }>>).selectFrom(DEFAULT_MIGRATION_TABLE).select('name').execute();
    return rows.map((r) => r.name);
  } catch {
    // No table yet. A database that cannot be read at all fails in the migrator just after.
    return [];
  }
}

/**
 * Applies pending migrations; returns Kysely's result set instead of throwing halfway. Safe to
 * run from several instances at once: on PostgreSQL the migrator holds an advisory lock while
 * it works, and the others then find nothing left to do.
 *
 * Upgrading instances one at a time, the first new one migrates the database while older ones
 * still run, and an older one may restart. Kysely refuses a history with migrations it was not
 * given ("corrupted migrations"); here, migrations that sort after every one this build knows
 * are a newer release's, and the older build runs on them (a release's migrations keep the
 * previous release working: docs/scale-out.md), as Flyway's `ignoreFutureMigrations` does.
 * Unknown migrations among known ones are another build's history: refused.
 */
export async function migrate(store: Store): Promise<MigrationOutcome> {
  return store.withMaintenanceConnection(async (db) => {
    let migrationTableSchema: string | undefined;
    if (store.traits.schemaScopedMigrations) {
      const row = (await sql<{ schema: string | null }>`SELECT current_schema() AS schema`.execute(db)).rows[0];
      if (!row?.schema) return { error: new Error('the search_path of the database connection names no existing schema'), results: undefined, newerMigrations: [] };
      migrationTableSchema = row.schema;
    }
    const known: Record<string, Migration> = Object.fromEntries(
      Object.entries(MIGRATIONS).map(([name, m]) => [name, { up: (db) => m.up(db, store.traits), ...(m.down ? { down: (db) => m.down!(db, store.traits) } : {}) }]),
    );
    const lastKnown = Object.keys(known).sort().at(-1) ?? '';
    const unknown = (await executedMigrations(db, migrationTableSchema)).filter((name) => !(name in known)).sort();
    if (unknown.some((name) => name <= lastKnown)) return { error: new MigrationHistoryMismatchError(unknown), results: undefined, newerMigrations: [] };
    // Already applied by the newer release: listed so that Kysely accepts the history, never run.
    const newer: Record<string, Migration> = Object.fromEntries(
      unknown.map((name) => [name, { up: () => Promise.reject(new Error(`migration ${name} belongs to a newer AMS and is never run by this one`)) }]),
    );
    const migrator = new Migrator({
      db,
      ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
      provider: { getMigrations: () => Promise.resolve({ ...known, ...newer }) },
    });
    const { error, results } = await migrator.migrateToLatest();
    return { ...(error === undefined ? {} : { error }), results, newerMigrations: unknown };
  });
}
