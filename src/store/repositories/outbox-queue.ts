/**
 * The delivery side of the outbox: claim due messages under a lease, then mark them sent or
 * failed. A message whose lease ran out (its worker died mid-send) is due again.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { OutboxQueue } from '../../mail/queue.js';

export function outboxQueue(db: Kysely<Database>): OutboxQueue {
  return {
    async claimDue(now, leaseMs, limit) {
      return db.transaction().execute(async (trx) => {
        const due = await trx
          .selectFrom('outbox')
          .select('id')
          .where('state', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
          .orderBy('next_attempt_at')
          .limit(limit)
          .execute();
        if (due.length === 0) return [];
        const rows = await trx
          .updateTable('outbox')
          .set((eb) => ({ lease_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
          .where(
            'id',
            'in',
            due.map((d) => d.id),
          )
          .returning(['id', 'message_id', 'event', 'recipient', 'payload', 'attempts'])
          .execute();
        return rows.map((r) => ({
          id: r.id,
          messageId: r.message_id,
          event: r.event,
          recipient: r.recipient,
          payload: r.payload,
          attempts: r.attempts,
        }));
      });
    },
    async markSent(id, now) {
      await db.updateTable('outbox').set({ state: 'sent', sent_at: now, lease_until: null, last_error: null }).where('id', '=', id).execute();
    },
    async markFailed(id, error, retryAt) {
      await db
        .updateTable('outbox')
        .set(
          retryAt === null
            ? { state: 'dead', lease_until: null, last_error: error }
            : { next_attempt_at: retryAt, lease_until: null, last_error: error },
        )
        .where('id', '=', id)
        .execute();
    },
    async counts() {
      const rows = await db.selectFrom('outbox').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
  };
}
