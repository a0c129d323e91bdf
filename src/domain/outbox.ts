/** What the delivery worker and the operator need from the outbox table; implemented in store/. */
export type OutboxState = 'pending' | 'sent' | 'dead';

export const OUTBOX_STATES: readonly OutboxState[] = ['pending', 'sent', 'dead'];

export interface ClaimedMessage {
  readonly id: number;
  readonly messageId: string;
  readonly event: string;
  readonly recipient: string;
  readonly payload: string;
  /** Attempts including this one. */
  readonly attempts: number;
  /** When it was queued (epoch ms), for the delivery-latency metric. */
  readonly createdAt?: number;
}

export interface OutboxQueue {
  /** Pending, due and not leased (or the lease ran out): leased until `now + leaseMs`, attempts + 1. */
  claimDue(now: number, leaseMs: number, limit: number): Promise<ClaimedMessage[]>;
  markSent(id: number, now: number): Promise<void>;
  /** `retryAt` null: give up (dead letter). */
  markFailed(id: number, error: string, retryAt: number | null): Promise<void>;
  /**
   * The send failed because the server could not be reached, not because of this message: the
   * claim is undone (lease dropped, the attempt given back), due as before, with the error noted.
   */
  release(id: number, error: string): Promise<void>;
  /** When the worker should look again: the earliest due time or lease end of a pending message. */
  nextWakeAt(): Promise<number | null>;
}

/** One row as the operator sees it: never the payload. */
export interface OutboxEntry {
  readonly id: number;
  readonly messageId: string;
  readonly event: string;
  readonly recipient: string;
  readonly state: string;
  readonly attempts: number;
  readonly nextAttemptAt: number | null;
  readonly leaseUntil: number | null;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly sentAt: number | null;
}

export type RetryOutcome =
  | { readonly ok: true; readonly entry: OutboxEntry }
  | { readonly ok: false; readonly reason: 'not-found' | 'already-sent' | 'in-flight' };

export interface OutboxAdmin {
  list(filter: { readonly state?: OutboxState; readonly limit: number }): Promise<{ readonly entries: OutboxEntry[]; readonly total: number }>;
  /**
   * A dead (or waiting) message becomes pending, due now, with its attempts reset; `to`
   * replaces the recipient. A sent message is refused (a resend would be a duplicate), and so
   * is one a worker holds right now.
   */
  retry(id: number, now: number, to?: string): Promise<RetryOutcome>;
  /** Every dead message → pending, due now; returns how many. */
  retryAllDead(now: number): Promise<number>;
}

export interface OutboxBacklog {
  readonly pending: number;
  readonly dead: number;
  /** When the oldest pending message was queued (epoch ms), or null. */
  readonly oldestPendingSince: number | null;
}
