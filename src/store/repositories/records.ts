import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AuditRepository, OutboxRepository } from '../../domain/ports.js';
import type { Database } from '../schema.js';
import { compileOnce, runChange } from '../prepared-query.js';

/** The audit record every change writes, compiled once per store (see statements.ts). */
export function auditStatements(db: Kysely<Database>) {
  return {
    insert: compileOnce<never, [number, string, number, string, number, string, string, number | null, string | null, string, string], Database>(
      db,
      11,
      (at, requestId, actorUserId, actorUsername, actorEntityId, sourceAddress, operation, accountId, accountUsername, outcome, detail) =>
        db.insertInto('audit_log').values({
          at: sql<number>`${at}`,
          request_id: requestId,
          actor_user_id: sql<number>`${actorUserId}`,
          actor_username: actorUsername,
          actor_entity_id: sql<number>`${actorEntityId}`,
          source_address: sourceAddress,
          operation,
          account_id: sql<number | null>`${accountId}`,
          account_username: accountUsername,
          outcome,
          detail,
        }),
    ),
  };
}

export type AuditStatements = ReturnType<typeof auditStatements>;

export function auditRepository(db: Kysely<Database>, statements: AuditStatements): AuditRepository {
  return {
    async record(entry) {
      await runChange(
        db,
        statements.insert(
          entry.at.getTime(),
          entry.context.requestId,
          entry.caller.userId,
          entry.caller.username,
          entry.caller.entityId,
          entry.context.sourceAddress,
          entry.context.operation,
          entry.accountId,
          entry.accountUsername,
          entry.outcome,
          JSON.stringify(entry.detail),
        ),
      );
    },
  };
}

/** The domain of generated Message-IDs; stable per message so a resend is recognisable. */
export const MESSAGE_ID_DOMAIN = 'ams.invalid';

export function outboxRepository(db: Kysely<Database>): OutboxRepository {
  return {
    async enqueue(n, at) {
      await db
        .insertInto('outbox')
        .values({
          message_id: `<${randomUUID()}@${MESSAGE_ID_DOMAIN}>`,
          event: n.event,
          entity_id: n.entityId,
          recipient: n.to,
          payload: JSON.stringify({ username: n.username, fullName: n.fullName, localeCode: n.localeCode }),
          state: 'pending',
          attempts: 0,
          next_attempt_at: at.getTime(),
          created_at: at.getTime(),
        })
        .execute();
    },
  };
}
