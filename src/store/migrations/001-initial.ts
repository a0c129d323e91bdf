import type { Kysely } from 'kysely';
import type { EngineTraits } from '../dialect.js';

// Migrations are written against an untyped Kysely: they describe the schema as it was then.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's documented type for migrations
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, t: EngineTraits): Promise<void> {
  const id = (col: import('kysely').ColumnDefinitionBuilder) =>
    t.autoIncrementModifier ? col.primaryKey().autoIncrement() : col.primaryKey();

  await db.schema
    .createTable('entities')
    .addColumn('id', t.serialType, id)
    .addColumn('parent_id', 'integer', (c) => c.references('entities.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('customer_type_code', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', t.bigIntType, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('entities_parent').on('entities').column('parent_id').execute();

  await db.schema
    .createTable('partner_users')
    .addColumn('id', t.serialType, id)
    .addColumn('entity_id', 'integer', (c) => c.notNull().references('entities.id'))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('username_key', 'text', (c) => c.notNull().unique())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', t.bigIntType, (c) => c.notNull())
    .addColumn('updated_at', t.bigIntType, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', t.serialType, id)
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('username_key', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('full_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('first_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('entity_id', 'integer', (c) => c.notNull().references('entities.id'))
    .addColumn('quota_mb', t.bigIntType, (c) => c.notNull())
    .addColumn('used_space_kb', t.bigIntType, (c) => c.notNull().defaultTo(0))
    .addColumn('is_ultrasafe', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('backup_server', 'text', (c) => c.notNull())
    .addColumn('license_key', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('locale_code', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('secret_question', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('secret_answer_hash', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('email_notifications_disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('customer_type_code', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('payment_plan_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('signup_at', t.bigIntType, (c) => c.notNull())
    .addColumn('cancelled_at', t.bigIntType)
    .addColumn('last_sign_in_at', t.bigIntType)
    .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_window_started_at', t.bigIntType)
    .addColumn('locked_until', t.bigIntType)
    .addColumn('updated_at', t.bigIntType, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('accounts_entity').on('accounts').column('entity_id').execute();
  await db.schema.createIndex('accounts_backup_server').on('accounts').column('backup_server').execute();

  await db.schema
    .createTable('account_tokens')
    .addColumn('id', t.bigSerialType, id)
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('expires_at', t.bigIntType, (c) => c.notNull())
    .addColumn('used_at', t.bigIntType)
    .addColumn('revoked_at', t.bigIntType)
    .addColumn('created_at', t.bigIntType, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_tokens_account').on('account_tokens').columns(['account_id', 'kind']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', t.bigSerialType, id)
    .addColumn('at', t.bigIntType, (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'integer')
    .addColumn('actor_username', 'text', (c) => c.notNull())
    .addColumn('actor_entity_id', 'integer')
    .addColumn('source_address', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('account_id', 'integer')
    .addColumn('account_username', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('audit_log_account').on('audit_log').columns(['account_username', 'at']).execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', t.bigSerialType, id)
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', t.bigIntType, (c) => c.notNull())
    .addColumn('lease_until', t.bigIntType)
    .addColumn('last_error', 'text')
    .addColumn('created_at', t.bigIntType, (c) => c.notNull())
    .addColumn('sent_at', t.bigIntType)
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['state', 'next_attempt_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['outbox', 'audit_log', 'account_tokens', 'accounts', 'partner_users', 'entities']) {
    await db.schema.dropTable(table).execute();
  }
}
