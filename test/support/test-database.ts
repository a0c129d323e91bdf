/**
 * Throw-away PostgreSQL databases for tests. AMS_TEST_DATABASE_URL names a server and a
 * database to connect to for administration (e.g. postgres://postgres@127.0.0.1:5432/test);
 * every test run gets a database of its own, `ams_test_<pid>_<random>`, dropped afterwards.
 * Databases left behind by a killed run (their process is gone) are dropped by the next run.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Set: the store suites also run on PostgreSQL. */
export const POSTGRES_TEST_URL: string | undefined = process.env.AMS_TEST_DATABASE_URL?.trim() || undefined;

/** Set to `postgres`: the harness (wire fixtures, operation tests) runs on PostgreSQL too. */
export const HARNESS_ENGINE: 'sqlite' | 'postgres' = process.env.AMS_TEST_HARNESS_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  readonly name: string;
  /** Connection string of the new database. */
  readonly url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

function requireUrl(): string {
  if (!POSTGRES_TEST_URL) throw new Error('AMS_TEST_DATABASE_URL is not set');
  return POSTGRES_TEST_URL;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: requireUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let swept = false;

async function sweepAbandoned(client: pg.Client): Promise<void> {
  if (swept) return;
  swept = true;
  const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'ams\\_test\\_%'");
  for (const { datname } of rows) {
    const pid = Number(/^ams_test_(\d+)_/.exec(datname)?.[1]);
    if (Number.isInteger(pid) && !processAlive(pid)) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
  }
}

/** A new empty database, or a copy of `template` (a database no one is connected to). */
export async function createTestDatabase(template?: string): Promise<TestDatabase> {
  const name = `ams_test_${process.pid}_${randomBytes(5).toString('hex')}`;
  await admin(async (client) => {
    await sweepAbandoned(client);
    await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  });
  return {
    name,
    url: withDatabase(requireUrl(), name),
    drop: () => admin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}
