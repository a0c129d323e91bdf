/** Token storage. Values are never stored, only their digests; consumption is one conditional UPDATE. */
import type { Kysely } from 'kysely';
import type { TokenRepository } from '../../domain/ports.js';
import type { Database } from '../schema.js';

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(Number(ms)));

export function tokenRepository(db: Kysely<Database>): TokenRepository {
  return {
    async revokeForAccount(accountId, kind, at) {
      if (kind === 'authorization') {
        // One-time tokens are revoked by using them up.
        const used = await db
          .updateTable('authorization_tokens')
          .set({ used_at: at.getTime() })
          .where('account_id', '=', accountId)
          .where('used_at', 'is', null)
          .where('expires_at', '>', at.getTime())
          .executeTakeFirst();
        return Number(used.numUpdatedRows);
      }
      const result = await db
        .updateTable('account_tokens')
        .set({ revoked_at: at.getTime() })
        .where('account_id', '=', accountId)
        .where('kind', '=', kind)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', at.getTime())
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async insertAuthentication(t, at) {
      await db
        .insertInto('account_tokens')
        .values({ token_hash: t.digest, account_id: t.accountId, kind: 'authentication', expires_at: t.expiresAt.getTime(), created_at: at.getTime() })
        .execute();
    },

    async findAuthentication(digest) {
      const r = await db.selectFrom('account_tokens').selectAll().where('token_hash', '=', digest).where('kind', '=', 'authentication').executeTakeFirst();
      return r
        ? { digest, accountId: r.account_id, expiresAt: new Date(Number(r.expires_at)), usedAt: date(r.used_at), revokedAt: date(r.revoked_at) }
        : undefined;
    },

    async insertAuthorization(t, at) {
      await db
        .insertInto('authorization_tokens')
        .values({
          token_hash: t.digest,
          account_id: t.accountId,
          partner_user_id: t.partnerUserId,
          entity_id: t.entityId,
          issued_by_user_id: t.issuedBy,
          expires_at: t.expiresAt.getTime(),
          created_at: at.getTime(),
        })
        .execute();
    },

    async findAuthorization(digest) {
      const r = await db.selectFrom('authorization_tokens').selectAll().where('token_hash', '=', digest).executeTakeFirst();
      return r
        ? {
            digest,
            accountId: r.account_id,
            partnerUserId: r.partner_user_id,
            entityId: r.entity_id,
            expiresAt: new Date(Number(r.expires_at)),
            usedAt: date(r.used_at),
          }
        : undefined;
    },

    async consumeAuthorization(digest, at) {
      const result = await db
        .updateTable('authorization_tokens')
        .set({ used_at: at.getTime() })
        .where('token_hash', '=', digest)
        .where('used_at', 'is', null)
        .where('expires_at', '>', at.getTime())
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async insertCreatingAccount(t, at) {
      await db
        .insertInto('creating_account_tokens')
        .values({
          token_hash: t.digest,
          entity_id: t.entityId,
          quota_mb: t.quotaMb,
          is_ultrasafe: t.isUltraSafe ? 1 : 0,
          issued_by_user_id: t.issuedBy,
          expires_at: t.expiresAt.getTime(),
          created_at: at.getTime(),
        })
        .execute();
    },

    async findCreatingAccount(digest) {
      const r = await db.selectFrom('creating_account_tokens').selectAll().where('token_hash', '=', digest).executeTakeFirst();
      return r
        ? {
            digest,
            entityId: r.entity_id,
            quotaMb: Number(r.quota_mb),
            isUltraSafe: r.is_ultrasafe === 1,
            expiresAt: new Date(Number(r.expires_at)),
            usedAt: date(r.used_at),
          }
        : undefined;
    },

    async consumeCreatingAccount(digest, accountId, at) {
      const result = await db
        .updateTable('creating_account_tokens')
        .set({ used_at: at.getTime(), account_id: accountId })
        .where('token_hash', '=', digest)
        .where('used_at', 'is', null)
        .where('expires_at', '>', at.getTime())
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
