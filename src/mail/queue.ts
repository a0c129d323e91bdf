/** What the delivery worker needs from the outbox table; implemented in store/. */
export interface ClaimedMessage {
  readonly id: number;
  readonly messageId: string;
  readonly event: string;
  readonly recipient: string;
  readonly payload: string;
  /** Attempts including this one. */
  readonly attempts: number;
}

export interface OutboxQueue {
  claimDue(now: number, leaseMs: number, limit: number): Promise<ClaimedMessage[]>;
  markSent(id: number, now: number): Promise<void>;
  /** `retryAt` null: give up (dead letter). */
  markFailed(id: number, error: string, retryAt: number | null): Promise<void>;
  counts(): Promise<Readonly<Record<string, number>>>;
}

