/**
 * The delivery side of the outbox: claim due messages under a lease, then mark them sent or
 * failed. A message whose lease ran out (its worker died mid-send) is due again. Also the
 * operator's view: list, retry, counts.
 */
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Database, OutboxTable } from '../schema.js';
import type { EngineTraits } from '../dialect.js';
import type { OutboxAdmin, OutboxEntry, OutboxQueue } from '../../domain/outbox.js';

/** Pending, due, and nobody holds it (or its holder's lease ran out). */
function claimable(eb: ExpressionBuilder<Database, 'outbox'>, now: number) {
  return eb.and([
    eb('state', '=', 'pending'),
    eb('next_attempt_at', '<=', now),
    eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]),
  ]);
}

function entry(r: Selectable<OutboxTable>): OutboxEntry {
  return {
    id: r.id,
    messageId: r.message_id,
    event: r.event,
    recipient: r.recipient,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.state === 'pending' ? r.next_attempt_at : null,
    leaseUntil: r.lease_until,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

export function outboxQueue(db: Kysely<Database>, traits: Pick<EngineTraits, 'skipLocked'> = { skipLocked: false }): OutboxQueue & OutboxAdmin {
  return {
    async claimDue(now, leaseMs, limit) {
      return db.transaction().execute(async (trx) => {
        const due = await trx
          .selectFrom('outbox')
          .select('id')
          .where((eb) => claimable(eb, now))
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(limit)
          // Where the engine can, lock the rows taken and pass over those another worker holds.
          .$if(traits.skipLocked, (qb) => qb.forUpdate().skipLocked())
          .execute();
        if (due.length === 0) return [];
        // The UPDATE repeats the condition: on PostgreSQL two workers may select the same rows,
        // but only one UPDATE still finds them claimable (it re-reads a row another committed).
        const rows = await trx
          .updateTable('outbox')
          .set((eb) => ({ lease_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
          .where(
            'id',
            'in',
            due.map((d) => d.id),
          )
          .where((eb) => claimable(eb, now))
          .returning(['id', 'message_id', 'event', 'recipient', 'payload', 'attempts', 'created_at'])
          .execute();
        return rows
          .map((r) => ({ id: r.id, messageId: r.message_id, event: r.event, recipient: r.recipient, payload: r.payload, attempts: r.attempts, createdAt: r.created_at }))
          .sort((a, b) => a.id - b.id);
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

    async release(id, error) {
      await db
        .updateTable('outbox')
        .set((eb) => ({ lease_until: null, last_error: error, attempts: eb.case().when('attempts', '>', 0).then(eb('attempts', '-', 1)).else(0).end() }))
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .execute();
    },

    async nextWakeAt() {
      const rows = await db
        .selectFrom('outbox')
        .select(['next_attempt_at', 'lease_until'])
        .where('state', '=', 'pending')
        .orderBy('next_attempt_at')
        .limit(64)
        .execute();
      // A leased message falls due again only when its lease runs out.
      const times = rows.map((r) => Math.max(r.next_attempt_at, r.lease_until === null ? 0 : r.lease_until + 1));
      return times.length === 0 ? null : Math.min(...times);
    },

    async list({ state, limit }) {
      let query = db.selectFrom('outbox');
      if (state !== undefined) query = query.where('state', '=', state);
      const rows = await query.selectAll().orderBy('id', 'desc').limit(limit).execute();
      const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { entries: rows.map(entry), total: Number(total.n) };
    },

    async retry(id, now, to) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) return { ok: false, reason: 'not-found' } as const;
        if (row.state === 'sent') return { ok: false, reason: 'already-sent' } as const;
        if (row.state === 'pending' && row.lease_until !== null && row.lease_until >= now) return { ok: false, reason: 'in-flight' } as const;
        const updated = await trx
          .updateTable('outbox')
          .set({ state: 'pending', attempts: 0, next_attempt_at: now, lease_until: null, ...(to === undefined ? {} : { recipient: to }) })
          .where('id', '=', id)
          .where('state', '=', row.state)
          .returningAll()
          .executeTakeFirst();
        // Changed under us (the worker finished it meanwhile): report what it is now.
        if (!updated) return { ok: false, reason: 'in-flight' } as const;
        return { ok: true, entry: entry(updated) } as const;
      });
    },

    async retryAllDead(now) {
      const result = await db
        .updateTable('outbox')
        .set({ state: 'pending', attempts: 0, next_attempt_at: now, lease_until: null })
        .where('state', '=', 'dead')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
