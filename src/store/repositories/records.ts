import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditRepository, OutboxRepository } from '../../domain/ports.js';
import type { Database } from '../schema.js';

export function auditRepository(db: Kysely<Database>): AuditRepository {
  return {
    async record(entry) {
      await db
        .insertInto('audit_log')
        .values({
          at: entry.at.getTime(),
          request_id: entry.context.requestId,
          actor_user_id: entry.caller.userId,
          actor_username: entry.caller.username,
          actor_entity_id: entry.caller.entityId,
          source_address: entry.context.sourceAddress,
          operation: entry.context.operation,
          account_id: entry.accountId,
          account_username: entry.accountUsername,
          outcome: entry.outcome,
          detail: JSON.stringify(entry.detail),
        })
        .execute();
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
