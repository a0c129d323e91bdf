/**
 * Issue 14: security rules that hold under concurrency and across instances.
 *
 * - `accounts.credential_generation` counts password changes. A check of the password reports
 *   the generation it checked; a token records it, is stored only while it is still current
 *   and is honoured only while it still equals the account's, so no token bought with an old
 *   password outlives the change that replaced it, whatever the interleaving.
 * - `accounts.hour_checks` / `hour_started_at`: password checks reserved in the current hour,
 *   the hard cap (100) behind the configurable lock-out window. `failed_sign_ins` now counts
 *   checks reserved in the lock-out window (in flight or failed), taken before hashing.
 */
import type { Kysely } from 'kysely';
import type { EngineTraits } from '../dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's documented type for migrations
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, t: EngineTraits): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('credential_generation', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('accounts').addColumn('hour_checks', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('accounts').addColumn('hour_started_at', t.bigIntType).execute();
  await db.schema.alterTable('account_tokens').addColumn('credential_generation', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('authorization_tokens').addColumn('credential_generation', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('authorization_tokens').dropColumn('credential_generation').execute();
  await db.schema.alterTable('account_tokens').dropColumn('credential_generation').execute();
  await db.schema.alterTable('accounts').dropColumn('hour_started_at').execute();
  await db.schema.alterTable('accounts').dropColumn('hour_checks').execute();
  await db.schema.alterTable('accounts').dropColumn('credential_generation').execute();
}
