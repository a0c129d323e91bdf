/**
 * Stores for tests that run on each engine: a SQLite file in a temporary folder, and, when
 * AMS_TEST_DATABASE_URL is set, a throw-away PostgreSQL database. Each store opened is closed
 * and removed by `closeStores`, which a suite calls in its `after` hook.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, parseDatabaseUrl, type Store } from '../../src/store/create-db.js';
import { createTestDatabase, POSTGRES_TEST_URL } from './test-database.js';

const cleanups: (() => Promise<void>)[] = [];

async function sqliteStore(): Promise<Store> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-store-'));
  const store = openStore(parseDatabaseUrl(path.join(dir, 'ams.sqlite')));
  cleanups.push(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

async function postgresStore(): Promise<Store> {
  const database = await createTestDatabase();
  const store = openStore(parseDatabaseUrl(database.url));
  cleanups.push(async () => {
    await store.close();
    await database.drop();
  });
  return store;
}

/** Each engine's name and how to open a new, empty (unmigrated) store on it. */
export const STORE_ENGINES: readonly (readonly [string, () => Promise<Store>])[] = [['SQLite', sqliteStore], ...(POSTGRES_TEST_URL ? [['PostgreSQL', postgresStore] as const] : [])];

/** Closes and removes every store opened so far. */
export async function closeStores(): Promise<void> {
  for (const cleanup of cleanups.splice(0)) await cleanup();
}
