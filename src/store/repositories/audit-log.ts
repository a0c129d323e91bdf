/**
 * The audit records of one account, for `ams audit list --account NAME` (formatted by
 * cli/audit-report.ts): who changed what, when and from where, newest first.
 * The audit_log columns are returned as recorded; those hold no secret by construction (the domain writes facts such as `notified=true`, never a password, token or answer), which
 * test/hardening/secrets.test.ts checks over a full scenario.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

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
