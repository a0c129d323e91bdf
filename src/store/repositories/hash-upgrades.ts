/** Issue 18: the compare-and-set that replaces a legacy hash after a successful sign-in. */
import type { Kysely } from 'kysely';
import type { HashUpgradeRepository } from '../../domain/ports.js';
import type { Database } from '../schema.js';

export function hashUpgradeRepository(db: Kysely<Database>): HashUpgradeRepository {
  /** The ledger keeps the hash it imported; it follows the upgrade so a delta sees no AMS change. */
  const followInLedger = async (kind: 'account' | 'partner-user', id: number, from: string, to: string): Promise<void> => {
    const key =
      kind === 'account'
        ? db.selectFrom('accounts').select('username_key').where('id', '=', id)
        : db.selectFrom('partner_users').select('username_key').where('id', '=', id);
    await db
      .updateTable('import_ledger')
      .set({ secret_hash: to })
      .where('kind', '=', kind)
      .where('record_key', '=', key)
      .where('secret_hash', '=', from)
      .execute();
  };
  return {
    async replaceAccountHash(accountId, from, to, at) {
      const result = await db
        .updateTable('accounts')
        .set({ password_hash: to, updated_at: at.getTime() })
        .where('id', '=', accountId)
        .where('password_hash', '=', from)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await followInLedger('account', accountId, from, to);
      return true;
    },
    async replacePartnerSecret(partnerUserId, from, to, at) {
      const result = await db
        .updateTable('partner_users')
        .set({ secret_hash: to, updated_at: at.getTime() })
        .where('id', '=', partnerUserId)
        .where('secret_hash', '=', from)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await followInLedger('partner-user', partnerUserId, from, to);
      return true;
    },
  };
}
