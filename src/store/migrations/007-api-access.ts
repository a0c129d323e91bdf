/**
 * Issue 19, the JSON API's state:
 *
 * - `api_keys`: a partner user's API keys, each kept only as the SHA-256 digest of the key
 *   (unique: the look-up of every Bearer call), its public prefix for listing, and whether it
 *   may only read. Revoked and expired keys stay, so `ams api-key list` still shows them.
 * - `idempotency_keys`: one row per (partner user, Idempotency-Key) while it is kept (24 h):
 *   `claimed` while the first request works, `done` with its answer (status, headers as JSON
 *   text, body) to replay. The key is the client's text, bounded to 255 characters by a check
 *   so no client can store unbounded text in a primary key.
 * - `accounts_entity_username`: the keyset account page (GET /api/v1/accounts) reads accounts of
 *   a subtree's entities in lower-cased user name order after a cursor; with (entity_id,
 *   username_key) each entity's slice is an index range already in that order.
 */
import { sql, type Kysely } from 'kysely';
import type { EngineTraits } from '../dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's documented type for migrations
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, t: EngineTraits): Promise<void> {
  const id = (col: import('kysely').ColumnDefinitionBuilder) => (t.autoIncrementModifier ? col.primaryKey().autoIncrement() : col.primaryKey());
  await db.schema
    .createTable('api_keys')
    .addColumn('id', t.serialType, id)
    .addColumn('partner_user_id', 'integer', (c) => c.notNull().references('partner_users.id'))
    .addColumn('digest', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.bigIntType, (c) => c.notNull())
    .addColumn('expires_at', t.bigIntType)
    .addColumn('revoked_at', t.bigIntType)
    .addColumn('last_used_at', t.bigIntType)
    .execute();
  await db.schema.createIndex('api_keys_partner_user').on('api_keys').column('partner_user_id').execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('partner_user_id', 'integer', (c) => c.notNull().references('partner_users.id'))
    .addColumn('key', 'text', (c) => c.notNull().check(sql`length("key") BETWEEN 1 AND 255`))
    .addColumn('request_digest', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('claimed', 'done')`))
    .addColumn('status', 'integer')
    .addColumn('headers', 'text')
    .addColumn('body', 'text')
    .addColumn('created_at', t.bigIntType, (c) => c.notNull())
    .addColumn('expires_at', t.bigIntType, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['partner_user_id', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_expires').on('idempotency_keys').column('expires_at').execute();

  await db.schema.createIndex('accounts_entity_username').on('accounts').columns(['entity_id', 'username_key']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('accounts_entity_username').execute();
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('api_keys').execute();
}
