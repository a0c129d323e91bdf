/**
 * Issue 21: the sandbox's rows — the recorded database mode, captured mail, and the per-tree
 * reset and seed (domain/sandbox/ports.ts). Every read and delete is bounded by the tree of one
 * entity (entity-tree.ts), so no partner's call reaches another tree's rows.
 */
import { sql, type Kysely } from 'kysely';
import type { CapturedMail, DatabaseMode, MailCaptureStore, ResetCounts, SandboxStore } from '../../domain/sandbox/ports.js';
import type { Database } from '../schema.js';
import { entityAndDescendants } from '../entity-tree.js';
import { usernameKey } from './accounts.js';

/** Rows per multi-row INSERT: columns × rows stays under SQLite's parameter limit. */
const INSERT_ROWS = 50;

function asMode(value: string | undefined): DatabaseMode | null {
  return value === 'production' || value === 'sandbox' ? value : null;
}

export async function readDatabaseMode(db: Kysely<Database>): Promise<DatabaseMode | null> {
  const row = await db.selectFrom('database_mode').select('mode').where('id', '=', 1).executeTakeFirst();
  return asMode(row?.mode);
}

/**
 * The mode the database was created in: recorded as `wanted` when none is yet (the first start
 * of a new database), else what was recorded before. Run it under `exclusively` so instances
 * starting together agree.
 */
export async function settleDatabaseMode(trx: Kysely<Database>, wanted: DatabaseMode, at: number): Promise<DatabaseMode> {
  const recorded = await readDatabaseMode(trx);
  if (recorded !== null) return recorded;
  await trx.insertInto('database_mode').values({ id: 1, mode: wanted, recorded_at: at }).onConflict((oc) => oc.column('id').doNothing()).execute();
  return (await readDatabaseMode(trx)) ?? wanted;
}

export function mailCaptureStore(db: Kysely<Database>): MailCaptureStore {
  return {
    async capture(m, id, at) {
      // The entity and the account come from the outbox row the message was rendered from.
      const queued = await db.selectFrom('outbox').select(['entity_id', 'event', 'payload']).where('message_id', '=', m.messageId).executeTakeFirst();
      if (queued === undefined || queued.entity_id === null) return false;
      let accountUsername = '';
      try {
        const payload: unknown = JSON.parse(queued.payload);
        const name = payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>)['username'] : undefined;
        accountUsername = typeof name === 'string' ? name : '';
      } catch {
        // A row that is not JSON has no user name to show; the message is kept all the same.
      }
      await db
        .insertInto('sandbox_mail')
        .values({
          id,
          message_id: m.messageId,
          entity_id: queued.entity_id,
          event: queued.event,
          account_username: accountUsername,
          from_address: m.from,
          to_address: m.to,
          subject: m.subject,
          text_body: m.text,
          html_body: m.html,
          language: m.language,
          captured_at: at,
        })
        .onConflict((oc) => oc.column('message_id').doNothing())
        .execute();
      return true;
    },
  };
}

const inTree = (column: string, root: number) => sql<boolean>`${sql.ref(column)} IN (${entityAndDescendants(root)})`;
const accountsOfTree = (root: number) => sql<boolean>`account_id IN (SELECT id FROM accounts WHERE entity_id IN (${entityAndDescendants(root)}))`;

function toMail(r: Database['sandbox_mail']): CapturedMail {
  return {
    id: r.id,
    messageId: r.message_id,
    event: r.event,
    accountUsername: r.account_username,
    from: r.from_address,
    to: r.to_address,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    language: r.language,
    capturedAt: Number(r.captured_at),
  };
}

export function sandboxStore(db: Kysely<Database>): SandboxStore {
  return {
    recordedMode: () => readDatabaseMode(db),

    async entityExists(entityId) {
      return (await db.selectFrom('entities').select('id').where('id', '=', entityId).executeTakeFirst()) !== undefined;
    },

    async listMail(root, limit) {
      const rows = await db
        .selectFrom('sandbox_mail')
        .select(['id', 'event', 'account_username', 'to_address', 'subject', 'captured_at'])
        .where(inTree('entity_id', root))
        .orderBy('captured_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, event: r.event, accountUsername: r.account_username, to: r.to_address, subject: r.subject, capturedAt: Number(r.captured_at) }));
    },

    async readMail(root, id) {
      const row = await db.selectFrom('sandbox_mail').selectAll().where('id', '=', id).where(inTree('entity_id', root)).executeTakeFirst();
      return row === undefined ? undefined : toMail(row);
    },

    resetTree(root) {
      return db.transaction().execute(async (trx): Promise<ResetCounts> => {
        const count = (r: { numDeletedRows: bigint }): number => Number(r.numDeletedRows);
        const accountTokens = count(await trx.deleteFrom('account_tokens').where(accountsOfTree(root)).executeTakeFirstOrThrow());
        const authorization = count(
          await trx
            .deleteFrom('authorization_tokens')
            .where((eb) => eb.or([inTree('entity_id', root), accountsOfTree(root)]))
            .executeTakeFirstOrThrow(),
        );
        const creating = count(await trx.deleteFrom('creating_account_tokens').where(inTree('entity_id', root)).executeTakeFirstOrThrow());
        const usage = count(await trx.deleteFrom('account_usage').where(accountsOfTree(root)).executeTakeFirstOrThrow());
        const payments = count(await trx.deleteFrom('account_payments').where(accountsOfTree(root)).executeTakeFirstOrThrow());
        const auditRows = count(
          await trx
            .deleteFrom('audit_log')
            .where((eb) => eb.or([inTree('actor_entity_id', root), accountsOfTree(root)]))
            .executeTakeFirstOrThrow(),
        );
        const capturedMail = count(await trx.deleteFrom('sandbox_mail').where(inTree('entity_id', root)).executeTakeFirstOrThrow());
        // Mail still waiting would otherwise be captured after the reset, about accounts that are gone.
        const outboxRows = count(await trx.deleteFrom('outbox').where(inTree('entity_id', root)).executeTakeFirstOrThrow());
        // Before the accounts: an account's ledger row is known only by its user name's key, which
        // no other account can hold (unique). The partner-user and entity rows stay with their records.
        const importLedgerRows = count(
          await trx
            .deleteFrom('import_ledger')
            .where('kind', '=', 'account')
            .where('record_key', 'in', trx.selectFrom('accounts').select('username_key').where(inTree('entity_id', root)))
            .executeTakeFirstOrThrow(),
        );
        const accounts = count(await trx.deleteFrom('accounts').where(inTree('entity_id', root)).executeTakeFirstOrThrow());
        return { accounts, tokens: accountTokens + authorization + creating, usage, payments, auditRows, capturedMail, outboxRows, importLedgerRows };
      });
    },

    insertSamples(entityId, passwordHash, samples, at) {
      return db.transaction().execute(async (trx) => {
        const customerType = await trx.selectFrom('entities').select('customer_type_code').where('id', '=', entityId).executeTakeFirst();
        let created = 0;
        for (let i = 0; i < samples.length; i += INSERT_ROWS) {
          const part = samples.slice(i, i + INSERT_ROWS);
          const inserted = await trx
            .insertInto('accounts')
            .values(
              part.map((s) => ({
                username: s.username,
                username_key: usernameKey(s.username),
                password_hash: passwordHash,
                full_name: s.fullName,
                first_name: s.fullName.split(' ')[0] ?? '',
                email: s.email,
                entity_id: entityId,
                quota_mb: s.quotaMb,
                used_space_kb: s.usage.reduce((sum, u) => sum + u.usedKb, 0),
                is_ultrasafe: 0,
                status: 'Active',
                backup_server: '',
                license_key: '',
                locale_code: 'en-US',
                secret_question: '',
                secret_answer_hash: '',
                email_notifications_disabled: 0,
                customer_type_code: customerType?.customer_type_code ?? '',
                payment_plan_id: 0,
                signup_at: at,
                failed_sign_ins: 0,
                updated_at: at,
              })),
            )
            .onConflict((oc) => oc.column('username_key').doNothing())
            .returning(['id', 'username'])
            .execute();
          created += inserted.length;
          const byName = new Map(part.map((s) => [s.username, s]));
          const usage = inserted.flatMap((r) => (byName.get(r.username)?.usage ?? []).map((u) => ({ account_id: r.id, system_name: u.systemName, device_type: u.deviceType, used_kb: u.usedKb, updated_at: at })));
          const payments = inserted.flatMap((r) =>
            (byName.get(r.username)?.payments ?? []).map((p) => ({ account_id: r.id, paid_at: p.paidAt, amount: p.amount, currency: p.currency, description: p.description, created_at: at })),
          );
          for (let j = 0; j < usage.length; j += INSERT_ROWS) await trx.insertInto('account_usage').values(usage.slice(j, j + INSERT_ROWS)).execute();
          for (let j = 0; j < payments.length; j += INSERT_ROWS) await trx.insertInto('account_payments').values(payments.slice(j, j + INSERT_ROWS)).execute();
        }
        return created;
      });
    },
  };
}
