/**
 * `ams audit list --account NAME`: who changed what on an account, when and from where, newest
 * first. It prints the audit_log columns as recorded; those hold no secret by construction
 * (the domain writes facts such as `notified=true`, never a password, token or answer), which
 * test/hardening/secrets.test.ts checks over a full scenario.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface AuditEntry {
  readonly at: number;
  readonly requestId: string;
  readonly actorUsername: string;
  readonly actorEntityId: number | null;
  readonly sourceAddress: string;
  readonly operation: string;
  readonly accountUsername: string;
  readonly outcome: string;
  readonly detail: string;
}

export interface AuditListing {
  readonly entries: readonly AuditEntry[];
  readonly total: number;
}

/** The audit records of one account (its user name in any case), newest first. */
export async function listAudit(db: Kysely<Database>, account: string, limit: number): Promise<AuditListing> {
  const found = await db.selectFrom('accounts').select('username').where('username_key', '=', account.toLowerCase()).executeTakeFirst();
  const names = [...new Set([found?.username ?? account, account])];
  const rows = await db
    .selectFrom('audit_log')
    .select(['at', 'request_id', 'actor_username', 'actor_entity_id', 'source_address', 'operation', 'account_username', 'outcome', 'detail'])
    .where('account_username', 'in', names)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const counted = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_username', 'in', names)
    .executeTakeFirstOrThrow();
  return {
    total: Number(counted.n),
    entries: rows.map((r) => ({
      at: Number(r.at),
      requestId: r.request_id,
      actorUsername: r.actor_username,
      actorEntityId: r.actor_entity_id === null ? null : Number(r.actor_entity_id),
      sourceAddress: r.source_address,
      operation: r.operation,
      accountUsername: r.account_username,
      outcome: r.outcome,
      detail: r.detail,
    })),
  };
}

/** `{"notified":true,"tokensRevoked":0}` → `notified=true tokensRevoked=0`. */
function formatDetail(detail: string): string {
  try {
    const parsed = JSON.parse(detail) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.entries(parsed as Record<string, unknown>)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
    }
  } catch {
    // not JSON: shown as stored
  }
  return detail.replace(/\s+/g, ' ').trim();
}

export function formatAuditList(account: string, listing: AuditListing): string {
  if (listing.entries.length === 0) return `no audit records for ${account}\n`;
  const header = ['AT', 'OPERATION', 'OUTCOME', 'BY', 'ENTITY', 'FROM', 'REQUEST ID', 'DETAIL'];
  const rows = listing.entries.map((e) => [
    new Date(e.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    e.operation,
    e.outcome,
    e.actorUsername,
    e.actorEntityId === null ? '-' : String(e.actorEntityId),
    e.sourceAddress === '' ? '-' : e.sourceAddress,
    e.requestId,
    formatDetail(e.detail),
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const lines = all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
  const shown = listing.entries.length < listing.total ? [`(${listing.entries.length} of ${listing.total}, newest first; --limit N shows more)`] : [];
  return `${[...lines, ...shown].join('\n')}\n`;
}
