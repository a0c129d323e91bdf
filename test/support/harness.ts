/**
 * A real app on a real SQLite file in a temporary folder, with a known entity tree, partner
 * users and accounts. Tests talk to it through the SOAP pipeline (no socket) or over HTTP.
 *
 *   1 Provider                      partner user "provider"   (secret PROVIDER_SECRET)
 *   ├── 2 Reseller A                partner user "reseller-a" (secret RESELLER_A_SECRET)
 *   │   └── 3 Customer A1           accounts: alice (Active), ultra (UltraSafe), gone (Cancelled)
 *   └── 4 Reseller B                partner user "reseller-b" (secret RESELLER_B_SECRET)
 *                                   accounts: bob (Active)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { createApp, type App } from '../../src/app/compose.js';
import { createEntity, createPartnerUser } from '../../src/app/admin.js';
import { MemoryTransport } from '../../src/mail/memory-transport.js';
import type { MailTransport } from '../../src/mail/message.js';
import type { Clock, PasswordHasher } from '../../src/domain/ports.js';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';
import { createLogger } from '../../src/observability/logger.js';
import type { RunningServer } from '../../src/http/server.js';
import { HARNESS_ENGINE, createTestDatabase, type TestDatabase } from './test-database.js';

export const PROVIDER_SECRET = 'provider-secret-0001';
export const RESELLER_A_SECRET = 'reseller-a-secret-01';
export const RESELLER_B_SECRET = 'reseller-b-secret-01';
export const ALICE_PASSWORD = 'alice-password-1';
export const ULTRA_PASSWORD = 'ultra-password-1';
export const BOB_PASSWORD = 'bob-password-001';
export const FIXED_NOW = new Date('2026-01-15T10:30:00Z');

export interface TestApp {
  readonly app: App;
  readonly dir: string;
  readonly mail: MemoryTransport;
  readonly logLines: string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly clock?: Clock;
  /** Default: the in-memory transport (`mail`). 'configured': what the config says (SMTP or pickup folder). */
  readonly transport?: MailTransport | 'configured';
  readonly env?: Readonly<Record<string, string>>;
  /** Skip the standard entities, partner users and accounts. */
  readonly empty?: boolean;
  /** Start from a copy of this template (see `seededTemplate`) instead of seeding anew. */
  readonly template?: string;
  /** The app's password hasher (e.g. a counting wrapper around the real Argon2 one). */
  readonly hasher?: PasswordHasher;
  /** Rows per batch of a streamed GetAllAccounts list (default 1,000). */
  readonly listBatchSize?: number;
  /** How often the mail worker looks for due mail besides its nudges (default 50 ms). */
  readonly mailPollIntervalMs?: number;
}

export function fixedClock(at: Date = FIXED_NOW): Clock & { set(d: Date): void; advance(ms: number): void } {
  let now = at.getTime();
  return {
    now: () => new Date(now),
    set: (d) => {
      now = d.getTime();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/**
 * The wall clock, plus whatever the test has stepped it forward: time runs as usual for the
 * mail worker and the request log, and a test that needs a refill or an expiry steps over it
 * instead of sleeping through it.
 */
export function steppingClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
  };
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-test-'));
  // AMS_TEST_HARNESS_ENGINE=postgres: a database of its own on AMS_TEST_DATABASE_URL's server.
  const database: TestDatabase | undefined = HARNESS_ENGINE === 'postgres' ? await createTestDatabase(options.template) : undefined;
  if (options.template && !database) fs.copyFileSync(options.template, path.join(dir, 'ams.sqlite'));
  const config = loadConfig({
    AMS_DATABASE_URL: database?.url ?? path.join(dir, 'ams.sqlite'),
    AMS_MAIL_PICKUP_DIR: path.join(dir, 'pickup'),
    AMS_BOOTSTRAP_USERNAME: 'provider',
    AMS_BOOTSTRAP_PASSWORD: PROVIDER_SECRET,
    AMS_HOST: '127.0.0.1',
    AMS_PORT: '0',
    AMS_BACKUP_SERVERS: 'backup-01,backup-02',
    ...options.env,
  });
  const mail = new MemoryTransport();
  const logLines: string[] = [];
  const app = await createApp(config, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.hasher ? { hasher: options.hasher } : {}),
    ...(options.listBatchSize !== undefined ? { listBatchSize: options.listBatchSize } : {}),
    ...(options.transport === 'configured' ? {} : { transport: options.transport ?? mail }),
    logger: createLogger('debug', (line) => logLines.push(line)),
    mailPollIntervalMs: options.mailPollIntervalMs ?? 50,
  });
  if (!options.empty && !options.template) await seed(app, options.clock?.now() ?? new Date());
  return {
    app,
    dir,
    mail,
    logLines,
    async close() {
      await app.close();
      await database?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function seed(app: App, now: Date): Promise<void> {
  const db = app.store.db;
  const resellerA = await createEntity(db, { name: 'Reseller A', parentId: 1 }, now);
  const customerA1 = await createEntity(db, { name: 'Customer A1', parentId: resellerA, customerTypeCode: 'SMB' }, now);
  const resellerB = await createEntity(db, { name: 'Reseller B', parentId: 1 }, now);
  await createPartnerUser(db, argon2Hasher, { entityId: resellerA, username: 'reseller-a', secret: RESELLER_A_SECRET }, now);
  await createPartnerUser(db, argon2Hasher, { entityId: resellerB, username: 'reseller-b', secret: RESELLER_B_SECRET }, now);
  const account = async (username: string, password: string, entityId: number, extra: { ultra?: boolean; status?: string; email?: string } = {}) =>
    db
      .insertInto('accounts')
      .values({
        username,
        username_key: username.toLowerCase(),
        password_hash: await argon2Hasher.hash(password),
        full_name: `${username[0]?.toUpperCase()}${username.slice(1)} Example`,
        first_name: username,
        email: extra.email ?? `${username}@example.com`,
        entity_id: entityId,
        quota_mb: 10240,
        used_space_kb: 123456,
        is_ultrasafe: extra.ultra ? 1 : 0,
        status: extra.status ?? 'Active',
        backup_server: 'backup-01',
        license_key: 'LK-0001',
        locale_code: 'en-US',
        signup_at: Date.UTC(2025, 0, 2, 3, 4, 5),
        cancelled_at: extra.status === 'Cancelled' ? Date.UTC(2025, 5, 1) : null,
        updated_at: now.getTime(),
        customer_type_code: 'SMB',
        secret_question: '',
        secret_answer_hash: '',
        email_notifications_disabled: 0,
        payment_plan_id: 0,
        failed_sign_ins: 0,
      })
      .execute();
  await account('alice', ALICE_PASSWORD, customerA1);
  await account('ultra', ULTRA_PASSWORD, customerA1, { ultra: true });
  await account('gone', 'gone-password-1', customerA1, { status: 'Cancelled' });
  await account('bob', BOB_PASSWORD, resellerB);
}

/** Starts the app's HTTP listener on an ephemeral loopback port. */
export async function listenTestApp(t: TestApp): Promise<RunningServer & { readonly url: string }> {
  const running = await t.app.listen(0);
  return { ...running, url: `http://127.0.0.1:${running.port}/WebApi/AccountManagementService/AccountManagementService.asmx` };
}

let template: Promise<string> | undefined;

/**
 * A seeded database file, made once per test process: copying it is much cheaper than
 * hashing every seeded secret again for each case.
 */
export function seededTemplate(): Promise<string> {
  template ??= (async () => {
    if (HARNESS_ENGINE === 'postgres') {
      // The template is a database no one is connected to; each test's database is a copy of it.
      const database = await createTestDatabase();
      const t = await startTestApp({ clock: fixedClock(), env: { AMS_DATABASE_URL: database.url } });
      await t.close();
      process.once('beforeExit', () => void database.drop());
      return database.name;
    }
    const t = await startTestApp({ clock: fixedClock() });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ams-template-')), 'ams.sqlite');
    await t.app.close(); // closing checkpoints the WAL into the main file
    fs.copyFileSync(path.join(t.dir, 'ams.sqlite'), file);
    fs.rmSync(t.dir, { recursive: true, force: true });
    return file;
  })();
  return template;
}
