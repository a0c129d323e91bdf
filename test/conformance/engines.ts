/**
 * The engines the store suite runs against: SQLite always, PostgreSQL whenever
 * AMS_TEST_DATABASE_URL is set. Each `open()` is a fresh, migrated database of its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, openStore, parseDatabaseUrl, type OpenOptions, type Store } from '../../src/store/create-db.js';
import { POSTGRES_TEST_URL, createTestDatabase } from '../support/test-database.js';

export interface FreshDatabase {
  /** AMS_DATABASE_URL of the database. */
  readonly url: string;
  /** Another store on the same database: a second instance. */
  open(options?: OpenOptions): Store;
  drop(): Promise<void>;
}

export interface EngineUnderTest {
  readonly name: 'sqlite' | 'postgres';
  /**
   * Several stores of one test process can work on the database at once. Not SQLite: its
   * driver is synchronous, so a connection waiting for the write lock would block the very
   * event loop the lock holder needs to finish (several *processes* do wait on each other).
   */
  readonly concurrentStores: boolean;
  /** An empty database (no migrations applied). */
  fresh(): Promise<FreshDatabase>;
}

const sqlite: EngineUnderTest = {
  name: 'sqlite',
  concurrentStores: false,
  async fresh() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-conformance-'));
    const url = path.join(dir, 'ams.sqlite');
    return { url, open: (o) => openStore(parseDatabaseUrl(url), o), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  },
};

const postgres: EngineUnderTest = {
  name: 'postgres',
  concurrentStores: true,
  async fresh() {
    const db = await createTestDatabase();
    return { url: db.url, open: (o) => openStore(parseDatabaseUrl(db.url), o), drop: db.drop };
  },
};

export const ENGINES: readonly EngineUnderTest[] = POSTGRES_TEST_URL ? [sqlite, postgres] : [sqlite];

/** A migrated store on a fresh database; `done()` closes every store opened and drops the database. */
export async function migratedStore(engine: EngineUnderTest, options?: OpenOptions): Promise<{ store: Store; fresh: FreshDatabase; done(): Promise<void> }> {
  const fresh = await engine.fresh();
  const store = fresh.open(options);
  const result = await migrate(store);
  if (result.error !== undefined) throw result.error;
  return {
    store,
    fresh,
    async done() {
      await store.close();
      await fresh.drop();
    },
  };
}
