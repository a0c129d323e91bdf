/**
 * The data every AMS benchmark server starts from: a partner user and N accounts in a fresh
 * SQLite file or — when AMS_DATABASE_URL names a PostgreSQL server — in a fresh database
 * `ams_bench_<pid>_<random>` created on that server (and dropped by `drop()`), written in bulk
 * so that a million accounts take seconds, not minutes. All accounts share one real Argon2id hash.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql, type Insertable } from 'kysely';
import type { AccountsTable } from '../../src/store/schema.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { migrate, openStore, parseDatabaseUrl } from '../../src/store/create-db.js';
import { createEntity, createPartnerUser } from '../../src/app/admin.js';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';

export const PARTNER = { user: 'bench-partner', password: 'bench-partner-secret-1' };
export const ACCOUNT_PASSWORD = 'bench-account-password';
export const accountName = (i: number): string => `user${String(i).padStart(7, '0')}`;

export interface BenchDatabase {
  readonly config: Config;
  /** The AMS_* environment that names this database; hand it to the server process. */
  readonly env: Readonly<Record<string, string>>;
  readonly dir: string;
  /** Removes the database (the SQLite directory, or the PostgreSQL database). */
  drop(): Promise<void>;
}

/** Runs `statement` on the server of `url`, connected to the database the URL names. */
async function onServer(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database beside the one `serverUrl` names; its URL. */
async function freshPostgresDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `ams_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export async function prepareDatabase(accounts: number, env: Readonly<Record<string, string | undefined>> = process.env): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-bench-'));
  const postgres = env.AMS_DATABASE_URL && parseDatabaseUrl(env.AMS_DATABASE_URL).engine === 'postgres' ? await freshPostgresDatabase(env.AMS_DATABASE_URL) : undefined;
  const drop = async (): Promise<void> => {
    await postgres?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const amsEnv = {
    AMS_DATABASE_URL: postgres?.url ?? path.join(dir, 'ams.sqlite'),
    AMS_MAIL_PICKUP_DIR: path.join(dir, 'pickup'),
    AMS_LOG_LEVEL: 'error',
    AMS_HOST: '127.0.0.1',
    AMS_PORT: '0',
    // One partner drives the whole load: keep the per-partner rate limit in the path (its cost
    // is measured) but far above any rate reached; room for the memory scenario's idle sockets.
    AMS_PARTNER_REQUESTS_PER_MINUTE: '100000000',
    AMS_PARTNER_BURST: '1000000',
    AMS_MAX_CONNECTIONS: '10000',
  };
  const config = loadConfig(amsEnv);
  const store = openStore(parseDatabaseUrl(config.databaseUrl));
  try {
    const migrated = await migrate(store);
    if (migrated.error !== undefined) throw migrated.error;
    const now = new Date();
    const entity = await createEntity(store.db, { name: 'Bench Provider', parentId: null }, now);
    await createPartnerUser(store.db, argon2Hasher, { entityId: entity, username: PARTNER.user, secret: PARTNER.password }, now);
    const hash = await argon2Hasher.hash(ACCOUNT_PASSWORD);
    const batch = 2000;
    for (let start = 0; start < accounts; start += batch) {
      const rows: Insertable<AccountsTable>[] = [];
      for (let i = start; i < Math.min(accounts, start + batch); i++) {
        const username = accountName(i);
        rows.push({
          username,
          username_key: username,
          password_hash: hash,
          full_name: `Bench User ${i}`,
          first_name: 'Bench',
          email: '',
          entity_id: entity,
          quota_mb: 10240,
          used_space_kb: i,
          is_ultrasafe: 0,
          status: 'Active',
          backup_server: 'backup-01',
          license_key: '',
          locale_code: 'en-US',
          secret_question: '',
          secret_answer_hash: '',
          email_notifications_disabled: 1,
          customer_type_code: '',
          payment_plan_id: 0,
          signup_at: now.getTime(),
          failed_sign_ins: 0,
          updated_at: now.getTime(),
        });
      }
      // Batches of 2,000 rows × 22 columns stay under both engines' bound-parameter limits.
      await store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 1000) await trx.insertInto('accounts').values(rows.slice(i, i + 1000)).execute();
      });
    }
    if (store.traits.engine === 'sqlite') await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
  } finally {
    await store.close();
  }
  return { config, env: amsEnv, dir, drop };
}
