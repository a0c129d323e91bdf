/**
 * Issue 18: what each legacy import wrote, so that a re-run is idempotent and a newer export
 * (a cut-over delta) applies only its differences without reverting a change made through AMS.
 * One row per imported record: `source_digest` is the digest of the CSV row as last imported,
 * `state_digest` that of the record's AMS-owned fields as the import left them, and
 * `secret_hash` the password/secret hash it wrote (kept apart so that the Argon2id upgrade at
 * the first sign-in, which updates it too, is not mistaken for a reset made in AMS).
 */
import type { Kysely } from 'kysely';
import type { EngineTraits } from '../dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's documented type for migrations
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, t: EngineTraits): Promise<void> {
  await db.schema
    .createTable('import_ledger')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('record_key', 'text', (c) => c.notNull())
    .addColumn('source_digest', 'text', (c) => c.notNull())
    .addColumn('state_digest', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('imported_at', t.bigIntType, (c) => c.notNull())
    .addPrimaryKeyConstraint('import_ledger_pk', ['kind', 'record_key'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('import_ledger').execute();
}
