/** The rows behind the CSV feeds (domain/feed-store.ts): one transaction per imported file. */
import type { Kysely } from 'kysely';
import type { FeedStore, FeedTransaction } from '../../domain/feed-store.js';
import type { Database } from '../schema.js';

/** Ids per `IN (…)` list: well under every engine's bound-parameter limit. */
const IN_LIST = 500;
/** Rows per multi-row INSERT (columns × rows stays under SQLite's parameter limit). */
const PAYMENT_ROWS = 80;
const USAGE_ROWS = 100;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function feedTransaction(trx: Kysely<Database>): FeedTransaction {
  return {
    async accountIdsByKey(keys) {
      const ids = new Map<string, number>();
      for (const part of chunks(keys, IN_LIST)) {
        const rows = await trx.selectFrom('accounts').select(['id', 'username_key']).where('username_key', 'in', part).execute();
        for (const r of rows) ids.set(r.username_key, r.id);
      }
      return ids;
    },
    async paymentsOf(accountIds) {
      const out = [];
      for (const part of chunks(accountIds, IN_LIST)) {
        const found = await trx
          .selectFrom('account_payments')
          .select(['account_id', 'paid_at', 'amount', 'currency', 'description'])
          .where('account_id', 'in', part)
          .execute();
        for (const p of found) out.push({ accountId: p.account_id, paidAt: Number(p.paid_at), amount: p.amount, currency: p.currency, description: p.description });
      }
      return out;
    },
    async insertPayments(payments, createdAt) {
      for (const part of chunks(payments, PAYMENT_ROWS)) {
        await trx
          .insertInto('account_payments')
          .values(part.map((p) => ({ account_id: p.accountId, paid_at: p.paidAt, amount: p.amount, currency: p.currency, description: p.description, created_at: createdAt })))
          .execute();
      }
    },
    async usageOf(accountIds) {
      const out = [];
      for (const part of chunks(accountIds, IN_LIST)) {
        const found = await trx.selectFrom('account_usage').select(['account_id', 'system_name', 'used_kb']).where('account_id', 'in', part).execute();
        for (const r of found) out.push({ accountId: r.account_id, systemName: r.system_name, usedKb: BigInt(r.used_kb) });
      }
      return out;
    },
    async upsertUsage(figures, updatedAt) {
      for (const part of chunks(figures, USAGE_ROWS)) {
        await trx
          .insertInto('account_usage')
          .values(part.map((f) => ({ account_id: f.accountId, system_name: f.systemName, device_type: f.deviceType, used_kb: f.usedKb, updated_at: updatedAt })))
          .onConflict((oc) =>
            oc.columns(['account_id', 'system_name']).doUpdateSet((eb) => ({
              device_type: eb.ref('excluded.device_type'),
              used_kb: eb.ref('excluded.used_kb'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    },
    async setUsedSpace(accountId, totalKb, updatedAt) {
      await trx.updateTable('accounts').set({ used_space_kb: totalKb, updated_at: updatedAt }).where('id', '=', accountId).execute();
    },
  };
}

export function feedStore(db: Kysely<Database>): FeedStore {
  return { transaction: (work) => db.transaction().execute((trx) => work(feedTransaction(trx))) };
}
