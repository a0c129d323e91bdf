/**
 * The partner lifecycle (issue 17): an operator disables an entity and its whole subtree, and
 * rotates a partner secret with an optional overlap.
 *
 * `entities.enabled` is the operator's own switch on one entity; `entities.active`, which every
 * SOAP call already reads (the partner user's entity, the account's entity), becomes the
 * *effective* flag: enabled here and on every ancestor. The CLI keeps it current for the whole
 * subtree in the same transaction as the switch or the move, so a disabled subtree is refused
 * by the very next call on every instance, with no extra query per call and no message between
 * instances.
 *
 * `partner_users.previous_secret_hash` keeps the secret a rotation replaced, until
 * `previous_secret_expires_at` (epoch ms); both null when there is no overlap.
 */
import { sql, type Kysely } from 'kysely';
import type { EngineTraits } from '../dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's documented type for migrations
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, t: EngineTraits): Promise<void> {
  await db.schema.alterTable('entities').addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  // Before this migration `active` was set by hand, entity by entity: that was the operator's switch.
  await db.updateTable('entities').set({ enabled: sql`active` }).execute();
  await db.schema.alterTable('partner_users').addColumn('previous_secret_hash', 'text').execute();
  await db.schema.alterTable('partner_users').addColumn('previous_secret_expires_at', t.bigIntType).execute();
  await db.schema.createIndex('partner_users_entity').on('partner_users').column('entity_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('partner_users_entity').execute();
  await db.schema.alterTable('partner_users').dropColumn('previous_secret_expires_at').execute();
  await db.schema.alterTable('partner_users').dropColumn('previous_secret_hash').execute();
  await db.schema.alterTable('entities').dropColumn('enabled').execute();
}
