/**
 * Idempotency-Key claims (issue 19) in SQL that runs unchanged on SQLite and PostgreSQL.
 *
 * The claim is one statement: an INSERT that, on conflict with a row that has expired, replaces
 * it (ON CONFLICT … DO UPDATE … WHERE expired), and otherwise does nothing. The unique primary
 * key makes it atomic across connections and instances: of many concurrent claims exactly one
 * inserts (or replaces) and sees its row returned; every other one then reads the row that won
 * and learns whether to replay, wait or refuse.
 */
import { sql, type Kysely } from 'kysely';
import type { IdempotencyClaim, IdempotencyRepository } from '../../domain/api-access.js';
import type { Database } from '../schema.js';

/** The longest Idempotency-Key kept (the table's check says the same). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const big = (n: number) => sql`CAST(${Math.trunc(n)} AS bigint)`;

/** A stored header set, read back defensively: only string values survive. */
function headersFrom(text: string | null): Record<string, string> {
  if (text === null) return {};
  const parsed: unknown = JSON.parse(text);
  const out: Record<string, string> = {};
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') out[name] = value;
  }
  return out;
}

function checkKey(key: string): void {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) throw new RangeError(`an idempotency key has 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, not ${key.length}`);
}

export function idempotencyRepository(db: Kysely<Database>): IdempotencyRepository {
  /** Inserts the claim, or replaces an expired row: true when this call now holds the key. */
  const tryClaim = async (partnerUserId: number, key: string, requestDigest: string, at: Date, expiresAt: Date): Promise<boolean> => {
    const { rows } = await sql<{ state: string }>`
      INSERT INTO idempotency_keys (partner_user_id, "key", request_digest, state, status, headers, body, created_at, expires_at)
      VALUES (${partnerUserId}, ${key}, ${requestDigest}, 'claimed', NULL, NULL, NULL, ${big(at.getTime())}, ${big(expiresAt.getTime())})
      ON CONFLICT (partner_user_id, "key") DO UPDATE SET
        request_digest = excluded.request_digest, state = 'claimed', status = NULL, headers = NULL, body = NULL,
        created_at = excluded.created_at, expires_at = excluded.expires_at
      WHERE idempotency_keys.expires_at <= excluded.created_at
      RETURNING state`.execute(db);
    return rows.length === 1;
  };

  return {
    async claim(partnerUserId, key, requestDigest, at, expiresAt): Promise<IdempotencyClaim> {
      checkKey(key);
      // Bounded: a row read as gone was released between the two statements; claim again.
      for (let round = 0; round < 3; round++) {
        if (await tryClaim(partnerUserId, key, requestDigest, at, expiresAt)) return { kind: 'claimed' };
        const row = await db
          .selectFrom('idempotency_keys')
          .select(['request_digest', 'state', 'status', 'headers', 'body', 'expires_at'])
          .where('partner_user_id', '=', partnerUserId)
          .where('key', '=', key)
          .executeTakeFirst();
        if (row === undefined) continue;
        if (row.request_digest !== requestDigest) return { kind: 'mismatch' }; // not timing-sensitive: HMACs of the same partner user's own requests, no secret
        if (row.state !== 'done' || row.status === null) return { kind: 'in-progress' };
        return { kind: 'replay', status: Number(row.status), headers: headersFrom(row.headers), body: row.body ?? '' };
      }
      return { kind: 'in-progress' };
    },

    async complete(partnerUserId, key, answer) {
      checkKey(key);
      await db
        .updateTable('idempotency_keys')
        .set({ state: 'done', status: answer.status, headers: JSON.stringify(answer.headers), body: answer.body })
        .where('partner_user_id', '=', partnerUserId)
        .where('key', '=', key)
        .where('state', '=', 'claimed')
        .execute();
    },

    async release(partnerUserId, key) {
      checkKey(key);
      await db.deleteFrom('idempotency_keys').where('partner_user_id', '=', partnerUserId).where('key', '=', key).where('state', '=', 'claimed').execute();
    },

    async purgeExpired(before) {
      const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<', before.getTime()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
