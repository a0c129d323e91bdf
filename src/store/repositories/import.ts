/** The SQL of the legacy import (issue 18): batch look-ups by key, and one transaction per batch. */
import type { Kysely, Selectable } from 'kysely';
import type { EngineTraits } from '../dialect.js';
import type { AccountsTable, Database } from '../schema.js';
import { bulkInsert } from '../bulk-insert.js';
import { isAccountStatus } from '../../domain/accounts/account.js';
import type {
  AccountState, CurrentRecord, EntityState, ImportKind, ImportStates, ImportStore, LedgerEntry, LicenseKeyState, PartnerUserState, RecordWrite,
} from '../../domain/import/ports.js';

export const num = (v: number | string | bigint): number => Number(v);
export const numOrNull = (v: number | string | bigint | null): number | null => (v === null ? null : Number(v));

export const ACCOUNT_STATE_COLUMNS = [
  'username_key', 'username', 'full_name', 'email', 'entity_id', 'quota_mb', 'is_ultrasafe', 'status', 'backup_server', 'license_key',
  'locale_code', 'secret_question', 'secret_answer_hash', 'email_notifications_disabled', 'payment_plan_id', 'signup_at', 'cancelled_at',
  'password_hash', 'last_sign_in_at',
] as const satisfies readonly (keyof AccountsTable)[];

export function accountCurrent(r: Pick<Selectable<AccountsTable>, (typeof ACCOUNT_STATE_COLUMNS)[number]>): CurrentRecord<AccountState> {
  if (!isAccountStatus(r.status)) throw new Error('an account has an unknown status');
  const state: AccountState = {
    username: r.username,
    fullName: r.full_name,
    email: r.email,
    entityId: num(r.entity_id),
    quotaMb: num(r.quota_mb),
    isUltraSafe: num(r.is_ultrasafe) === 1,
    status: r.status,
    backupServer: r.backup_server,
    licenseKey: r.license_key,
    localeCode: r.locale_code,
    secretQuestion: r.secret_question,
    secretAnswerHash: r.secret_answer_hash,
    emailNotificationsDisabled: num(r.email_notifications_disabled) === 1,
    paymentPlanId: num(r.payment_plan_id),
    signupAt: num(r.signup_at),
    cancelledAt: numOrNull(r.cancelled_at),
  };
  return { state, secretHash: r.password_hash, lastSignInAt: numOrNull(r.last_sign_in_at) };
}

const ACCOUNT_INSERT_COLUMNS = [
  'username', 'username_key', 'password_hash', 'full_name', 'email', 'entity_id', 'quota_mb', 'is_ultrasafe', 'status', 'backup_server',
  'license_key', 'locale_code', 'secret_question', 'secret_answer_hash', 'email_notifications_disabled', 'customer_type_code',
  'payment_plan_id', 'signup_at', 'cancelled_at', 'last_sign_in_at', 'updated_at', 'first_name', 'used_space_kb', 'failed_sign_ins',
] as const satisfies readonly (keyof AccountsTable)[];

// Compiled once per batch size (see bulk-insert.ts): most of a batch's CPU was Kysely building these.
const insertAccounts = bulkInsert(ACCOUNT_INSERT_COLUMNS, (db, rows) => (db as unknown as Kysely<Database>).insertInto('accounts').values(rows as never));
const upsertLedger = bulkInsert(['kind', 'record_key', 'source_digest', 'state_digest', 'secret_hash', 'imported_at'], (db, rows) =>
  (db as unknown as Kysely<Database>)
    .insertInto('import_ledger')
    .values(rows as never)
    .onConflict((oc) =>
      oc.columns(['kind', 'record_key']).doUpdateSet((eb) => ({
        source_digest: eb.ref('excluded.source_digest'),
        state_digest: eb.ref('excluded.state_digest'),
        secret_hash: eb.ref('excluded.secret_hash'),
        imported_at: eb.ref('excluded.imported_at'),
      })),
    ),
);

type Current<K extends ImportKind> = Map<string, CurrentRecord<ImportStates[K]>>;

export function importStore(db: Kysely<Database>, traits: EngineTraits): ImportStore {
  async function current(kind: ImportKind, keys: readonly string[]): Promise<Map<string, CurrentRecord<unknown>>> {
    const out = new Map<string, CurrentRecord<unknown>>();
    if (keys.length === 0) return out;
    switch (kind) {
      case 'entity': {
        const rows = await db.selectFrom('entities').select(['id', 'parent_id', 'name', 'customer_type_code', 'active']).where('id', 'in', keys.map(Number)).execute();
        for (const r of rows) {
          const state: EntityState = { parentId: numOrNull(r.parent_id), name: r.name, customerTypeCode: r.customer_type_code, active: num(r.active) === 1 };
          out.set(String(r.id), { state, secretHash: '' });
        }
        return out;
      }
      case 'partner-user': {
        const rows = await db.selectFrom('partner_users').select(['username_key', 'entity_id', 'username', 'active', 'secret_hash']).where('username_key', 'in', keys).execute();
        for (const r of rows) {
          const state: PartnerUserState = { entityId: num(r.entity_id), username: r.username, active: num(r.active) === 1 };
          out.set(r.username_key, { state, secretHash: r.secret_hash });
        }
        return out;
      }
      case 'license-key': {
        const rows = await db.selectFrom('partner_license_keys').select(['key_hash', 'entity_id', 'revoked_at']).where('key_hash', 'in', keys).execute();
        for (const r of rows) {
          const state: LicenseKeyState = { entityId: num(r.entity_id), revoked: r.revoked_at !== null };
          out.set(r.key_hash, { state, secretHash: '' });
        }
        return out;
      }
      case 'account': {
        const rows = await db
          .selectFrom('accounts')
          .select(ACCOUNT_STATE_COLUMNS)
          .where('username_key', 'in', keys)
          .execute();
        for (const r of rows) out.set(r.username_key, accountCurrent(r));
        return out;
      }
    }
  }

  async function writeRecords(trx: Kysely<Database>, kind: ImportKind, writes: readonly RecordWrite<unknown>[], at: number): Promise<void> {
    const inserts = writes.filter((w) => !w.exists);
    const updates = writes.filter((w) => w.exists);
    switch (kind) {
      case 'entity': {
        const row = (w: RecordWrite<unknown>) => {
          const s = w.state as EntityState;
          return { parent_id: s.parentId, name: s.name, customer_type_code: s.customerTypeCode, active: s.active ? 1 : 0 };
        };
        // One at a time: a child in the same batch needs its parent's row first.
        for (const w of inserts) await trx.insertInto('entities').values({ id: Number(w.key), ...row(w), created_at: at }).execute();
        for (const w of updates) await trx.updateTable('entities').set(row(w)).where('id', '=', Number(w.key)).execute();
        return;
      }
      case 'partner-user': {
        const row = (w: RecordWrite<unknown>) => {
          const s = w.state as PartnerUserState;
          return { entity_id: s.entityId, username: s.username, username_key: w.key, secret_hash: w.secretHash, active: s.active ? 1 : 0, updated_at: at };
        };
        if (inserts.length > 0) await trx.insertInto('partner_users').values(inserts.map((w) => ({ ...row(w), created_at: at }))).execute();
        for (const w of updates) await trx.updateTable('partner_users').set(row(w)).where('username_key', '=', w.key).execute();
        return;
      }
      case 'license-key': {
        if (inserts.length > 0) {
          await trx
            .insertInto('partner_license_keys')
            .values(inserts.map((w) => ({ key_hash: w.key, entity_id: (w.state as LicenseKeyState).entityId, revoked_at: null, created_at: at })))
            .execute();
        }
        for (const w of updates) await trx.updateTable('partner_license_keys').set({ entity_id: (w.state as LicenseKeyState).entityId, revoked_at: null }).where('key_hash', '=', w.key).execute();
        return;
      }
      case 'account': {
        const entityIds = [...new Set(writes.map((w) => (w.state as AccountState).entityId))];
        const types = new Map(
          (await trx.selectFrom('entities').select(['id', 'customer_type_code']).where('id', 'in', entityIds).execute()).map((e) => [num(e.id), e.customer_type_code]),
        );
        const row = (w: RecordWrite<unknown>) => {
          const s = w.state as AccountState;
          return {
            username: s.username,
            username_key: w.key,
            password_hash: w.secretHash,
            full_name: s.fullName,
            email: s.email,
            entity_id: s.entityId,
            quota_mb: s.quotaMb,
            is_ultrasafe: s.isUltraSafe ? 1 : 0,
            status: s.status,
            backup_server: s.backupServer,
            license_key: s.licenseKey,
            locale_code: s.localeCode,
            secret_question: s.secretQuestion,
            secret_answer_hash: s.secretAnswerHash,
            email_notifications_disabled: s.emailNotificationsDisabled ? 1 : 0,
            customer_type_code: types.get(s.entityId) ?? '',
            payment_plan_id: s.paymentPlanId,
            signup_at: s.signupAt,
            cancelled_at: s.cancelledAt,
            last_sign_in_at: w.lastSignInAt ?? null,
            updated_at: at,
          };
        };
        await insertAccounts(
          trx as unknown as Kysely<never>,
          inserts.map((w) => {
            const values: Record<string, unknown> = { ...row(w), first_name: '', used_space_kb: 0, failed_sign_ins: 0 };
            return ACCOUNT_INSERT_COLUMNS.map((c) => values[c]);
          }),
        );
        for (const w of updates) await trx.updateTable('accounts').set(row(w)).where('username_key', '=', w.key).execute();
        return;
      }
    }
  }

  return {
    async ledger(kind, keys) {
      const out = new Map<string, LedgerEntry>();
      if (keys.length === 0) return out;
      const rows = await db
        .selectFrom('import_ledger')
        .select(['record_key', 'source_digest', 'state_digest', 'secret_hash'])
        .where('kind', '=', kind)
        .where('record_key', 'in', keys)
        .execute();
      for (const r of rows) out.set(r.record_key, { key: r.record_key, sourceDigest: r.source_digest, stateDigest: r.state_digest, secretHash: r.secret_hash });
      return out;
    },
    current: current as <K extends ImportKind>(kind: K, keys: readonly string[]) => Promise<Current<K>>,
    async existingEntities(ids) {
      if (ids.length === 0) return new Set();
      const rows = await db.selectFrom('entities').select('id').where('id', 'in', ids).execute();
      return new Set(rows.map((r) => num(r.id)));
    },
    async write(kind, writes, at) {
      await db.transaction().execute(async (trx) => {
        await writeRecords(trx, kind, writes as readonly RecordWrite<unknown>[], at.getTime());
        await upsertLedger(
          trx as unknown as Kysely<never>,
          writes.map((w) => [kind, w.key, w.ledger.sourceDigest, w.ledger.stateDigest, w.ledger.secretHash, at.getTime()]),
        );
      });
    },
    async entitiesWritten() {
      await traits.idGeneratorPastMax('entities')?.execute(db);
    },
  };
}
