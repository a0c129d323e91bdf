/** The reads of `ams export` (issue 18): every record, a page at a time by key, never all in memory. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { AccountState, CurrentRecord, EntityState, LicenseKeyState, PartnerUserState } from '../../domain/import/ports.js';
import { ACCOUNT_STATE_COLUMNS, accountCurrent, num, numOrNull } from './import.js';

const PAGE = 2000;

export interface ExportReader {
  entities(): AsyncGenerator<{ id: number; state: EntityState }>;
  partnerUsers(): AsyncGenerator<{ state: PartnerUserState; secretHash: string }>;
  licenseKeys(): AsyncGenerator<{ digest: string; state: LicenseKeyState }>;
  accounts(): AsyncGenerator<CurrentRecord<AccountState>>;
  /** Rows of usage.csv / payments.csv (the formats `ams usage import` / `ams payments import` read). */
  usage(): AsyncGenerator<string[]>;
  payments(): AsyncGenerator<string[]>;
}

export function exportReader(db: Kysely<Database>): ExportReader {
  return {
    async *entities() {
      for (let after = 0; ; ) {
        const rows = await db.selectFrom('entities').select(['id', 'parent_id', 'name', 'customer_type_code', 'active']).where('id', '>', after).orderBy('id').limit(PAGE).execute();
        for (const r of rows) {
          yield { id: num(r.id), state: { parentId: numOrNull(r.parent_id), name: r.name, customerTypeCode: r.customer_type_code, active: num(r.active) === 1 } };
        }
        if (rows.length < PAGE) return;
        after = num(rows[rows.length - 1]!.id);
      }
    },
    async *partnerUsers() {
      for (let after = 0; ; ) {
        const rows = await db.selectFrom('partner_users').select(['id', 'entity_id', 'username', 'active', 'secret_hash']).where('id', '>', after).orderBy('id').limit(PAGE).execute();
        for (const r of rows) yield { state: { entityId: num(r.entity_id), username: r.username, active: num(r.active) === 1 }, secretHash: r.secret_hash };
        if (rows.length < PAGE) return;
        after = num(rows[rows.length - 1]!.id);
      }
    },
    async *licenseKeys() {
      for (let after = 0; ; ) {
        const rows = await db
          .selectFrom('partner_license_keys')
          .select(['id', 'key_hash', 'entity_id'])
          // A revoked key is not carried over: it could never be used again anyway.
          .where('revoked_at', 'is', null)
          .where('id', '>', after)
          .orderBy('id')
          .limit(PAGE)
          .execute();
        for (const r of rows) yield { digest: r.key_hash, state: { entityId: num(r.entity_id), revoked: false } };
        if (rows.length < PAGE) return;
        after = num(rows[rows.length - 1]!.id);
      }
    },
    async *accounts() {
      for (let after = 0; ; ) {
        const rows = await db.selectFrom('accounts').select(['id', ...ACCOUNT_STATE_COLUMNS]).where('id', '>', after).orderBy('id').limit(PAGE).execute();
        for (const r of rows) yield accountCurrent(r);
        if (rows.length < PAGE) return;
        after = num(rows[rows.length - 1]!.id);
      }
    },
    async *usage() {
      // Keyset on (account, system): the primary key of account_usage.
      for (let after = { id: 0, system: '' }; ; ) {
        const from = after;
        const rows = await db
          .selectFrom('account_usage as u')
          .innerJoin('accounts as a', 'a.id', 'u.account_id')
          .select(['a.id', 'a.username', 'u.system_name', 'u.device_type', 'u.used_kb'])
          .where((eb) => eb.or([eb('u.account_id', '>', from.id), eb.and([eb('u.account_id', '=', from.id), eb('u.system_name', '>', from.system)])]))
          .orderBy('u.account_id')
          .orderBy('u.system_name')
          .limit(PAGE)
          .execute();
        for (const r of rows) yield [r.username, r.system_name, r.device_type, String(r.used_kb)];
        if (rows.length < PAGE) return;
        const last = rows[rows.length - 1]!;
        after = { id: num(last.id), system: last.system_name };
      }
    },
    async *payments() {
      for (let after = 0; ; ) {
        const rows = await db
          .selectFrom('account_payments as p')
          .innerJoin('accounts as a', 'a.id', 'p.account_id')
          .select(['p.id', 'a.username', 'p.paid_at', 'p.amount', 'p.currency', 'p.description'])
          .where('p.id', '>', after)
          .orderBy('p.id')
          .limit(PAGE)
          .execute();
        for (const r of rows) yield [r.username, new Date(num(r.paid_at)).toISOString(), r.amount, r.currency, r.description];
        if (rows.length < PAGE) return;
        after = num(rows[rows.length - 1]!.id);
      }
    },
  };
}
