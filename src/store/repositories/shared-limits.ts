/**
 * The shared limits of issue 14 (domain/partners/shared-limits.ts) in SQL that runs unchanged
 * on SQLite (3.35+: UPSERT with RETURNING) and PostgreSQL. Every numeric parameter is cast,
 * because PostgreSQL cannot infer a parameter's type from `bigint * $1`.
 */
import { sql, type Kysely } from 'kysely';
import type { FailureBudget, RequestLease, ReservedFailure, SharedLimitStore } from '../../domain/partners/shared-limits.js';
import type { Database } from '../schema.js';
import type { UnflushedWrites } from '../unflushed-writes.js';

const big = (n: number) => sql`CAST(${Math.trunc(n)} AS bigint)`;
const real = (n: number) => sql`CAST(${n} AS double precision)`;

interface WindowRow {
  window_start: number | string;
  failures: number | string;
}

/** Gives reserved attempts back; a window that has started again since is left alone. */
async function giveBack(db: Kysely<Database>, given: readonly ReservedFailure[]): Promise<void> {
  if (given.length === 0) return;
  const which = sql.join(given.map((r) => sql`(throttle_key = ${r.key} AND window_start = ${big(r.windowStart)})`), sql` OR `);
  await sql`UPDATE auth_failure_windows SET failures = failures - 1 WHERE failures > 0 AND (${which})`.execute(db);
}

/** One upsert: a window that expired starts again; `limit` null counts past any limit. */
function countFailure(db: Kysely<Database>, key: string, limit: number | null, windowMs: number, nowMs: number) {
  const expired = big(nowMs - windowMs);
  const guard = limit === null ? sql`` : sql`WHERE auth_failure_windows.window_start <= ${expired} OR auth_failure_windows.failures < ${big(limit)}`;
  return sql<WindowRow>`
    INSERT INTO auth_failure_windows (throttle_key, window_start, failures) VALUES (${key}, ${big(nowMs)}, 1)
    ON CONFLICT (throttle_key) DO UPDATE SET
      window_start = CASE WHEN auth_failure_windows.window_start <= ${expired} THEN excluded.window_start ELSE auth_failure_windows.window_start END,
      failures = CASE WHEN auth_failure_windows.window_start <= ${expired} THEN 1 ELSE auth_failure_windows.failures + 1 END
    ${guard}
    RETURNING window_start, failures`.execute(db);
}

const reserved = (key: string, row: WindowRow): ReservedFailure => ({ key, windowStart: Number(row.window_start), failures: Number(row.failures) });

export function sharedLimitStore(db: Kysely<Database>, unflushedWrites: Pick<UnflushedWrites, 'block'>): SharedLimitStore {
  /** Runs `work` so that its commits do not wait for the disk (the counts are harmless to lose). */
  const lightly = <T>(work: (conn: Kysely<Database>) => Promise<T>): Promise<T> => unflushedWrites.block(work);
  /** One UPDATE … RETURNING takes the tokens and reads what is left: the state costs no extra statement. */
  const lease = (partnerUserId: number, want: number, perMs: number, burst: number, nowMs: number): Promise<RequestLease> => {
    // The bucket refilled to now, from the row's old values (SET sees the row before the update).
    const refilled = sql`(tokens + (${big(nowMs)} - refilled_at) * ${real(perMs)})`;
    const available = sql`(CASE WHEN ${refilled} > ${real(burst)} THEN ${real(burst)} ELSE ${refilled} END)`;
    const granted = sql`(CASE WHEN ${available} >= ${big(want)} THEN ${big(want)} WHEN ${available} >= 1 THEN 1 ELSE 0 END)`;
    return lightly(async (conn) => {
      const update = () =>
        sql<{ last_grant: number | string; tokens: number | string }>`
          UPDATE partner_rate_buckets SET tokens = ${available} - ${granted}, last_grant = ${granted}, refilled_at = ${big(nowMs)}
          WHERE partner_user_id = ${partnerUserId}
          RETURNING last_grant, tokens`.execute(conn);
      let { rows } = await update();
      if (rows[0] === undefined) {
        await sql`
          INSERT INTO partner_rate_buckets (partner_user_id, tokens, refilled_at, last_grant) VALUES (${partnerUserId}, ${real(burst)}, ${big(nowMs)}, 0)
          ON CONFLICT (partner_user_id) DO NOTHING`.execute(conn);
        ({ rows } = await update());
      }
      return { granted: Number(rows[0]?.last_grant ?? 0), tokensLeft: Number(rows[0]?.tokens ?? 0) };
    });
  };
  return {
    async reserveFailures(budgets: readonly FailureBudget[], windowMs: number, nowMs: number) {
      if (budgets.length === 0) return [];
      // A full window is refused by a plain read: a flood of refused attempts takes no row
      // lock, writes nothing and holds no connection for long.
      const limitOf = new Map(budgets.map((b) => [b.key, b.limit]));
      const { rows: current } = await sql<WindowRow & { throttle_key: string }>`
        SELECT throttle_key, window_start, failures FROM auth_failure_windows
        WHERE throttle_key IN (${sql.join(budgets.map((b) => b.key))})`.execute(db);
      for (const row of current) {
        if (Number(row.window_start) > nowMs - windowMs && Number(row.failures) >= (limitOf.get(row.throttle_key) ?? Infinity)) return undefined;
      }
      // Then one conditional upsert per window, each atomic on its own: a window that filled
      // meanwhile answers nothing, and what this attempt took in the windows before is given
      // back, so a refused attempt leaves every count as it was. (A transaction around both
      // held a connection per attempt while they queued on the row lock: 200 at once
      // exhausted the pool.)
      return lightly(async (conn) => {
        const out: ReservedFailure[] = [];
        for (const budget of budgets) {
          const { rows } = await countFailure(conn, budget.key, budget.limit, windowMs, nowMs);
          if (rows[0] === undefined) {
            await giveBack(conn, out);
            return undefined;
          }
          out.push(reserved(budget.key, rows[0]));
        }
        return out;
      });
    },

    recordFailures(keys, windowMs, nowMs) {
      return lightly(async (conn) => {
        const out: ReservedFailure[] = [];
        for (const key of keys) {
          const { rows } = await countFailure(conn, key, null, windowMs, nowMs);
          if (rows[0] !== undefined) out.push(reserved(key, rows[0]));
        }
        return out;
      });
    },

    async releaseFailures(given) {
      if (given.length > 0) await lightly((conn) => giveBack(conn, given));
    },

    async isKnownSource(pairDigest, sinceMs) {
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one FROM auth_known_sources WHERE pair_digest = ${pairDigest} AND seen_at >= ${big(sinceMs)}`.execute(db);
      return rows.length > 0;
    },

    async rememberSource(pairDigest, nowMs) {
      await lightly((conn) =>
        sql`
          INSERT INTO auth_known_sources (pair_digest, seen_at) VALUES (${pairDigest}, ${big(nowMs)})
          ON CONFLICT (pair_digest) DO UPDATE SET seen_at = excluded.seen_at`.execute(conn),
      );
    },

    async leaseRequests(partnerUserId, want, perMs, burst, nowMs) {
      return (await lease(partnerUserId, want, perMs, burst, nowMs)).granted;
    },

    leaseRequestsWithState: (partnerUserId, want, perMs, burst, nowMs) => lease(partnerUserId, want, perMs, burst, nowMs),

    async prune(windowsBeforeMs, sourcesBeforeMs) {
      await sql`DELETE FROM auth_failure_windows WHERE window_start < ${big(windowsBeforeMs)}`.execute(db);
      await sql`DELETE FROM auth_known_sources WHERE seen_at < ${big(sourcesBeforeMs)}`.execute(db);
    },
  };
}

/** A random key made once per database by migration 004 (see there). */
export async function serviceKey(db: Kysely<Database>, name: string): Promise<string> {
  const row = await db.selectFrom('service_keys').select('value').where('name', '=', name).executeTakeFirst();
  if (row === undefined) throw new Error(`service key ${name} is missing: has migration 004 run?`);
  return row.value;
}
