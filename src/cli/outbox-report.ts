/**
 * What `ams outbox list` and `ams outbox retry` print. The operator sees the envelope and the
 * delivery history of each message, never its content (which, by construction, holds no secret
 * anyway).
 */
import { OUTBOX_STATES, type OutboxEntry, type OutboxState, type RetryOutcome } from '../app/operator.js';

export function parseOutboxState(value: string): OutboxState | null {
  return (OUTBOX_STATES as readonly string[]).includes(value) ? (value as OutboxState) : null;
}

function when(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function nextAttempt(e: OutboxEntry, now: number): string {
  if (e.state !== 'pending' || e.nextAttemptAt === null) return '-';
  if (e.leaseUntil !== null && e.leaseUntil >= now) return 'sending now';
  return e.nextAttemptAt <= now ? 'due now' : when(e.nextAttemptAt);
}

/** One line per message, columns aligned, the last error last (it may be long). */
export function formatOutboxList(listing: { readonly entries: readonly OutboxEntry[]; readonly total: number }, now: number): string {
  if (listing.entries.length === 0) return 'no messages\n';
  const header = ['ID', 'EVENT', 'RECIPIENT', 'STATE', 'ATTEMPTS', 'NEXT ATTEMPT', 'LAST ERROR'];
  const rows = listing.entries.map((e) => [
    String(e.id),
    e.event,
    e.recipient,
    e.state,
    String(e.attempts),
    nextAttempt(e, now),
    (e.lastError ?? '').replace(/\s+/g, ' ').trim(),
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const lines = all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
  const shown = listing.entries.length < listing.total ? [`(${listing.entries.length} of ${listing.total}, newest first; --limit N shows more)`] : [];
  return `${[...lines, ...shown].join('\n')}\n`;
}

export function describeRetry(id: number, outcome: RetryOutcome): { readonly ok: boolean; readonly text: string } {
  if (outcome.ok) {
    return { ok: true, text: `message ${id} (${outcome.entry.event}) to ${outcome.entry.recipient} queued again, due now` };
  }
  switch (outcome.reason) {
    case 'not-found':
      return { ok: false, text: `no outbox message ${id}` };
    case 'already-sent':
      return { ok: false, text: `message ${id} was already sent; sending it again would deliver it twice` };
    case 'in-flight':
      return { ok: false, text: `message ${id} is being sent right now; look again in a moment` };
  }
}
