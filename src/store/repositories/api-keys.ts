/** API keys (issue 19) as SQL: only the digest of a key is stored, looked up by its unique index. */
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeyRecord, ApiKeyRepository } from '../../domain/api-access.js';
import type { ApiKeysTable, Database } from '../schema.js';

/** `touch` writes at most this often per key: the time of last use is for operators, not for accounting. */
export const TOUCH_INTERVAL_MS = 60_000;

const at = (ms: number | string | null): Date | null => (ms === null ? null : new Date(Number(ms)));

const COLUMNS = ['id', 'partner_user_id', 'prefix', 'read_only', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'] as const;
type ApiKeyRow = Pick<Selectable<ApiKeysTable>, (typeof COLUMNS)[number]>;

const recordFromRow = (row: ApiKeyRow): ApiKeyRecord => ({
  id: Number(row.id),
  partnerUserId: Number(row.partner_user_id),
  prefix: row.prefix,
  readOnly: Number(row.read_only) === 1,
  createdAt: new Date(Number(row.created_at)),
  expiresAt: at(row.expires_at),
  revokedAt: at(row.revoked_at),
  lastUsedAt: at(row.last_used_at),
});

export function apiKeyRepository(db: Kysely<Database>): ApiKeyRepository {
  return {
    async insert(key) {
      const row = await db
        .insertInto('api_keys')
        .values({
          partner_user_id: key.partnerUserId,
          digest: key.digest,
          prefix: key.prefix,
          read_only: key.readOnly ? 1 : 0,
          created_at: key.createdAt.getTime(),
          expires_at: key.expiresAt?.getTime() ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: Number(row.id) };
    },

    async findByDigest(digest) {
      const row = await db.selectFrom('api_keys').select(COLUMNS).where('digest', '=', digest).executeTakeFirst();
      return row ? recordFromRow(row) : undefined;
    },

    async listForUser(partnerUserId) {
      const rows = await db.selectFrom('api_keys').select(COLUMNS).where('partner_user_id', '=', partnerUserId).orderBy('id').execute();
      return rows.map(recordFromRow);
    },

    async revoke(id, when) {
      const result = await db.updateTable('api_keys').set({ revoked_at: when.getTime() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async touch(id, when) {
      // The condition makes "once a minute" hold across instances too: a key used on every
      // instance at once is still written once a minute, not once per call.
      const due = when.getTime() - TOUCH_INTERVAL_MS;
      await db
        .updateTable('api_keys')
        .set({ last_used_at: when.getTime() })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', due)]))
        .execute();
    },
  };
}
