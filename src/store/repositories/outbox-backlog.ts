/**
 * The outbox figures worth watching, read cheaply: pending and dead only. Sent rows are kept
 * for the record and may number millions, so they are never counted per probe or scrape; the
 * (state, next_attempt_at) index makes both queries range scans over the few unsent rows.
 */
import type { Kysely } from 'kysely';
import type { OutboxBacklog } from '../../domain/outbox.js';
import type { Database } from '../schema.js';

/** Pending and dead counts; exported so that a test can check the plan uses the index. */
export function backlogCountQuery(db: Kysely<Database>) {
  return db
    .selectFrom('outbox')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ['pending', 'dead'])
    .groupBy('state');
}

export function outboxBacklogReader(db: Kysely<Database>): () => Promise<OutboxBacklog> {
  return async () => {
    const rows = await backlogCountQuery(db).execute();
    const oldest = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .where('state', '=', 'pending')
      .executeTakeFirst();
    const n = (state: string): number => Number(rows.find((r) => r.state === state)?.n ?? 0);
    const at = oldest?.at;
    return { pending: n('pending'), dead: n('dead'), oldestPendingSince: at === null || at === undefined ? null : Number(at) };
  };
}
