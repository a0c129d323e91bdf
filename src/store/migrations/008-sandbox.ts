/**
 * Issue 21: sandbox mode.
 *
 * `database_mode` holds one row: the mode (`production` or `sandbox`) the database was created
 * in, written by the first start (app/startup.ts). A sandbox refuses a production database and
 * production a sandbox one, so the two can never be confused. A database that already held
 * entities when this migration ran was created before modes existed: it is production, recorded
 * here, so a sandbox pointed at an old production database by mistake is refused too.
 *
 * `sandbox_mail` keeps every notification a sandbox would have sent, rendered as the customer
 * would see it, with the entity of the account it concerns (the partner's tree decides who may
 * read it). Its id is 128 random bits in hex: not guessable, and checked against the tree anyway.
 *
 * `outbox.entity_id` is that entity, recorded when the notification is queued (null for rows
 * queued before this migration).
 */
import { sql, type Kysely } from 'kysely';
import type { EngineTraits } from '../dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's documented type for migrations
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, t: EngineTraits): Promise<void> {
  await db.schema
    .createTable('database_mode')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode IN ('production', 'sandbox')`))
    .addColumn('recorded_at', t.bigIntType, (c) => c.notNull())
    .execute();
  const existing = await db.selectFrom('entities').select('id').limit(1).executeTakeFirst();
  if (existing !== undefined) await db.insertInto('database_mode').values({ id: 1, mode: 'production', recorded_at: Date.now() }).execute();

  await db.schema.alterTable('outbox').addColumn('entity_id', 'integer').execute();

  await db.schema
    .createTable('sandbox_mail')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('entity_id', 'integer', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('account_username', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('captured_at', t.bigIntType, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sandbox_mail_entity').on('sandbox_mail').columns(['entity_id', 'captured_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('sandbox_mail').execute();
  await db.schema.alterTable('outbox').dropColumn('entity_id').execute();
  await db.schema.dropTable('database_mode').execute();
}
