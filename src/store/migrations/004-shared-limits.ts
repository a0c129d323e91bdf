/**
 * Issue 14: the AuthHeader failure throttle and the per-partner request rate are kept in the
 * database every instance shares, so that N instances (or N processes on one SQLite file) give
 * an attacker one failure budget and a partner one request rate, not N of each.
 *
 * - `auth_failure_windows`: one fixed window per throttle key (a source, or a keyed digest of a
 *   presented user name: the claimed name is attacker-chosen text, maybe a secret typed in the
 *   wrong field, and is never stored as such). `failures` counts attempts in flight too.
 * - `auth_known_sources`: (user name, source) pairs that signed in successfully, by keyed digest.
 * - `partner_rate_buckets`: one token bucket per partner API user; instances lease tokens from it.
 * - `service_keys`: random keys made once per database, such as the key of those digests and of
 *   the digests in the log, so every instance computes the same digest for the same name.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EngineTraits } from '../dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's documented type for migrations
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, t: EngineTraits): Promise<void> {
  await db.schema
    .createTable('auth_failure_windows')
    .addColumn('throttle_key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', t.bigIntType, (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_failure_windows_start').on('auth_failure_windows').column('window_start').execute();

  await db.schema
    .createTable('auth_known_sources')
    .addColumn('pair_digest', 'text', (c) => c.primaryKey())
    .addColumn('seen_at', t.bigIntType, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_known_sources_seen').on('auth_known_sources').column('seen_at').execute();

  await db.schema
    .createTable('partner_rate_buckets')
    .addColumn('partner_user_id', 'integer', (c) => c.primaryKey())
    .addColumn('tokens', 'double precision', (c) => c.notNull())
    .addColumn('refilled_at', t.bigIntType, (c) => c.notNull())
    // How many tokens the last lease took: what the lease's UPDATE … RETURNING reports.
    .addColumn('last_grant', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('service_keys')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('service_keys').values({ name: 'name-digest', value: randomBytes(32).toString('base64') }).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['service_keys', 'partner_rate_buckets', 'auth_known_sources', 'auth_failure_windows']) {
    await db.schema.dropTable(table).execute();
  }
}
