/**
 * What the full operation catalogue needs: one-time authorization tokens (for a backup account
 * or a partner user), creating-account tokens, partner licence keys, used space per system and
 * payments. Every token and key is stored only as a SHA-256 digest: they are 256-bit random
 * values looked up by value, which a salted slow hash cannot serve and does not need.
 */
import type { Kysely } from 'kysely';
import type { EngineTraits } from '../dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's documented type for migrations
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, t: EngineTraits): Promise<void> {
  const id = (col: import('kysely').ColumnDefinitionBuilder) =>
    t.autoIncrementModifier ? col.primaryKey().autoIncrement() : col.primaryKey();

  await db.schema
    .createTable('authorization_tokens')
    .addColumn('id', t.bigSerialType, id)
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('partner_user_id', 'integer', (c) => c.references('partner_users.id'))
    .addColumn('entity_id', 'integer', (c) => c.notNull().references('entities.id'))
    .addColumn('issued_by_user_id', 'integer', (c) => c.notNull())
    .addColumn('expires_at', t.bigIntType, (c) => c.notNull())
    .addColumn('used_at', t.bigIntType)
    .addColumn('created_at', t.bigIntType, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('creating_account_tokens')
    .addColumn('id', t.serialType, id)
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('entity_id', 'integer', (c) => c.notNull().references('entities.id'))
    .addColumn('quota_mb', t.bigIntType, (c) => c.notNull())
    .addColumn('is_ultrasafe', 'integer', (c) => c.notNull())
    .addColumn('issued_by_user_id', 'integer', (c) => c.notNull())
    .addColumn('expires_at', t.bigIntType, (c) => c.notNull())
    .addColumn('used_at', t.bigIntType)
    .addColumn('account_id', 'integer')
    .addColumn('created_at', t.bigIntType, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('partner_license_keys')
    .addColumn('id', t.serialType, id)
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('entity_id', 'integer', (c) => c.notNull().references('entities.id'))
    .addColumn('revoked_at', t.bigIntType)
    .addColumn('created_at', t.bigIntType, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('account_usage')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('system_name', 'text', (c) => c.notNull())
    .addColumn('device_type', 'text', (c) => c.notNull())
    .addColumn('used_kb', t.bigIntType, (c) => c.notNull())
    .addColumn('updated_at', t.bigIntType, (c) => c.notNull())
    .addPrimaryKeyConstraint('account_usage_pk', ['account_id', 'system_name'])
    .execute();

  await db.schema
    .createTable('account_payments')
    .addColumn('id', t.serialType, id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('paid_at', t.bigIntType, (c) => c.notNull())
    // Decimal text, exactly as imported: money is never a float.
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', t.bigIntType, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_payments_account').on('account_payments').columns(['account_id', 'paid_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['account_payments', 'account_usage', 'partner_license_keys', 'creating_account_tokens', 'authorization_tokens']) {
    await db.schema.dropTable(table).execute();
  }
}
