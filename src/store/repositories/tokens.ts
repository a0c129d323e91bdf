/**
 * Token storage. Values are never stored, only their digests; consumption is one conditional
 * UPDATE. A token for a backup account carries the account's credential generation: it is
 * stored only while that generation is current (INSERT … SELECT … WHERE) and consumed only
 * while it still is, so a password change that has committed leaves no usable token behind.
 */
import { sql, type Kysely } from 'kysely';
import type { TokenRepository } from '../../domain/ports.js';
import type { Database } from '../schema.js';
import { compileOnce, runChange } from '../prepared-query.js';

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(Number(ms)));

// Parameters in the select list of an INSERT … SELECT have no column to take a type from on
// PostgreSQL (they would be text): each says what it is.
const asText = (value: string) => sql<string>`CAST(${value} AS text)`;
const asBigInt = (value: number) => sql<number>`CAST(${value} AS bigint)`;
const asInteger = (value: number) => sql<number>`CAST(${value} AS integer)`;

/**
 * The revocations every password change and cancellation makes, compiled once per store (see
 * statements.ts) and run on whichever connection asks.
 */
export function tokenStatements(db: Kysely<Database>) {
  return {
    // One-time tokens are revoked by using them up.
    useUpAuthorizations: compileOnce<never, [number, number], Database>(db, 2, (accountId, at) =>
      db
        .updateTable('authorization_tokens')
        .set({ used_at: sql<number>`${at}` })
        .where(sql<boolean>`account_id = ${accountId}`)
        .where('used_at', 'is', null)
        .where(sql<boolean>`expires_at > ${at}`),
    ),
    revokeAccountTokens: compileOnce<never, [number, string, number], Database>(db, 3, (accountId, kind, at) =>
      db
        .updateTable('account_tokens')
        .set({ revoked_at: sql<number>`${at}` })
        .where(sql<boolean>`account_id = ${accountId}`)
        .where(sql<boolean>`kind = ${kind}`)
        .where('revoked_at', 'is', null)
        .where(sql<boolean>`expires_at > ${at}`),
    ),
  };
}

export type TokenStatements = ReturnType<typeof tokenStatements>;

export function tokenRepository(db: Kysely<Database>, statements: TokenStatements): TokenRepository {
  return {
    async revokeForAccount(accountId, kind, at) {
      return runChange(
        db,
        kind === 'authorization' ? statements.useUpAuthorizations(accountId, at.getTime()) : statements.revokeAccountTokens(accountId, kind, at.getTime()),
      );
    },

    async insertAuthentication(t, at) {
      const result = await db
        .insertInto('account_tokens')
        .columns(['token_hash', 'account_id', 'kind', 'expires_at', 'created_at', 'credential_generation'])
        .expression(
          db
            .selectFrom('accounts')
            .select([
              asText(t.digest).as('token_hash'),
              'id',
              asText('authentication').as('kind'),
              asBigInt(t.expiresAt.getTime()).as('expires_at'),
              asBigInt(at.getTime()).as('created_at'),
              'credential_generation',
            ])
            .where('id', '=', t.accountId)
            .where('credential_generation', '=', t.credentialGeneration),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async findAuthentication(digest) {
      const r = await db.selectFrom('account_tokens').selectAll().where('token_hash', '=', digest).where('kind', '=', 'authentication').executeTakeFirst();
      return r
        ? {
            digest,
            accountId: r.account_id,
            expiresAt: new Date(Number(r.expires_at)),
            usedAt: date(r.used_at),
            revokedAt: date(r.revoked_at),
            credentialGeneration: Number(r.credential_generation),
          }
        : undefined;
    },

    async insertAuthorization(t, at) {
      if (t.accountId === null) {
        await db
          .insertInto('authorization_tokens')
          .values({
            token_hash: t.digest,
            account_id: null,
            partner_user_id: t.partnerUserId,
            entity_id: t.entityId,
            issued_by_user_id: t.issuedBy,
            expires_at: t.expiresAt.getTime(),
            created_at: at.getTime(),
          })
          .execute();
        return true;
      }
      const result = await db
        .insertInto('authorization_tokens')
        .columns(['token_hash', 'account_id', 'entity_id', 'issued_by_user_id', 'expires_at', 'created_at', 'credential_generation'])
        .expression(
          db
            .selectFrom('accounts')
            .select([
              asText(t.digest).as('token_hash'),
              'id',
              asInteger(t.entityId).as('entity_id'),
              asInteger(t.issuedBy).as('issued_by_user_id'),
              asBigInt(t.expiresAt.getTime()).as('expires_at'),
              asBigInt(at.getTime()).as('created_at'),
              'credential_generation',
            ])
            .where('id', '=', t.accountId)
            .where('credential_generation', '=', t.credentialGeneration),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
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
            credentialGeneration: Number(r.credential_generation),
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
        .where((eb) =>
          eb.or([
            eb('authorization_tokens.account_id', 'is', null),
            eb(
              'authorization_tokens.credential_generation',
              '=',
              eb.selectFrom('accounts').select('accounts.credential_generation').whereRef('accounts.id', '=', 'authorization_tokens.account_id'),
            ),
          ]),
        )
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
