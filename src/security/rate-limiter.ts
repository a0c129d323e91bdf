/**
 * The per-partner request rate (issues 6 and 14, SERVICE.md §3 code 106): one token bucket per
 * partner API user, refilled continuously at `perMinute / 60` tokens per second up to `burst`,
 * kept in the database every instance shares (partner_rate_buckets), so N instances give a
 * partner one rate, not N. A call takes one token; with none left it is answered TooManyRequests.
 *
 * The hot path touches no SQL: a process leases tokens in small batches (`leaseSize`, about a
 * tenth of a second of the rate) and hands them out from memory; only when its lease is spent
 * does it take the next one, in one atomic UPDATE … RETURNING. Calls arriving meanwhile wait
 * for that one lease instead of each starting their own. Every token comes out of the shared
 * bucket, so the cluster never exceeds the rate plus the burst; tokens a process holds unused
 * act as at most `leaseSize - 1` extra burst per process.
 *
 * Issue 19: the JSON API shows the limit on every answer (RateLimit-Limit, -Remaining, -Reset,
 * and Retry-After on a refusal). `report` computes that from what this process already knows —
 * its unspent lease and what the shared bucket held after its last lease, refilled to now — so
 * showing it costs no SQL either; `takeWithState` is `take` followed by `report`. The estimate
 * can only be high by what other instances took since this process's last lease; every refusal
 * follows a fresh lease, so a 429's Retry-After is read from the shared bucket itself.
 */
import type { RequestLease, SharedLimitStore } from '../domain/partners/shared-limits.js';

export interface RateLimiterOptions {
  /** Sustained calls per minute per key; 0 turns the limit off. */
  readonly perMinute: number;
  /** Calls a key may make at once on top of the sustained rate (the bucket's size). */
  readonly burst: number;
  /** Bound of this process's table of leases. */
  readonly maxKeys: number;
  /** With `leaseRequestsWithState`, each lease also tells what the shared bucket holds (for `report`). */
  readonly store: Pick<SharedLimitStore, 'leaseRequests'> & Partial<Pick<SharedLimitStore, 'leaseRequestsWithState'>>;
  /** Tokens taken per lease; default 0.1 s of the rate (`defaultLeaseSize`). */
  readonly leaseSize?: number;
  /** Epoch milliseconds, shared by every instance; `Date.now` unless a test steers time. */
  readonly now?: () => number;
}

interface Lease {
  tokens: number;
  /** The lease being taken from the database, which calls without a token wait for. */
  pending: Promise<number> | undefined;
  /** What the shared bucket held after this process's last lease, and when. */
  shared: { tokens: number; atMs: number } | undefined;
}

/** What the JSON API's RateLimit-* headers report for one partner user (issue 19). */
export interface RateLimitState {
  /** The bucket's size: calls that may be made at once (RateLimit-Limit). */
  readonly limit: number;
  /** Whole tokens left now, this process's unspent lease included (RateLimit-Remaining). */
  readonly remaining: number;
  /** Seconds until the bucket is full again, the whole limit available (RateLimit-Reset); 0 when full. */
  readonly resetSeconds: number;
  /** Seconds until the next token is back: 0 while one is left, else at least 1 (Retry-After of a 429). */
  readonly retryAfterSeconds: number;
  /** The sustained rate the bucket refills at. */
  readonly perMinute: number;
}

export interface RateTake {
  readonly allowed: boolean;
  /** null when the limit is off (AMS_PARTNER_REQUESTS_PER_MINUTE=0): nothing to report. */
  readonly state: RateLimitState | null;
}

/**
 * Default lease size: a tenth of a second of the rate, at least 1, at most the burst. A lease is
 * a write (on SQLite a durable commit, ~3 ms on a busy disk, bench/README.md), so at high rates
 * it must be rare; tokens a process holds unused are at most that tenth of a second.
 */
export function defaultLeaseSize(perMinute: number, burst: number): number {
  return Math.max(1, Math.min(burst, Math.floor(perMinute / 600)));
}

export class RateLimiter {
  private readonly leases = new Map<number, Lease>();
  private readonly perMs: number;
  private readonly leaseSize: number;
  private readonly now: () => number;
  /** Leases taken from the database, for tests and the bench (SQL per call). */
  leasesTaken = 0;

  constructor(private readonly options: RateLimiterOptions) {
    if (options.perMinute > 0 && options.burst < 1) throw new Error('a rate limit needs a burst of at least 1');
    this.perMs = options.perMinute / 60_000;
    this.leaseSize = options.leaseSize ?? defaultLeaseSize(options.perMinute, options.burst);
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.perMinute > 0;
  }

  /**
   * Takes a token for `key`: synchronously true when this process holds one (the common case),
   * else a promise of the next lease's answer; false when the shared bucket is empty.
   */
  take(key: number): boolean | Promise<boolean> {
    if (this.options.perMinute <= 0) return true;
    let lease = this.leases.get(key);
    if (lease === undefined) {
      if (this.leases.size >= this.options.maxKeys) {
        const oldest = this.leases.keys().next();
        if (!oldest.done) this.leases.delete(oldest.value);
      }
      lease = { tokens: 0, pending: undefined, shared: undefined };
      this.leases.set(key, lease);
    }
    if (lease.tokens >= 1) {
      lease.tokens -= 1;
      return true;
    }
    return this.takeLeased(key, lease);
  }

  private async takeLeased(key: number, lease: Lease): Promise<boolean> {
    // Bounded: each round either finds a token, or waits for a lease that granted some (which
    // others may have spent first), or ends on a lease that granted none.
    for (let round = 0; round < 100; round++) {
      if (lease.tokens >= 1) {
        lease.tokens -= 1;
        return true;
      }
      if (lease.pending === undefined) {
        lease.pending = this.lease(key, lease);
        this.leasesTaken += 1;
        void lease.pending.then(
          (granted) => {
            lease.tokens += granted;
            lease.pending = undefined;
          },
          () => (lease.pending = undefined),
        );
      }
      const granted = await lease.pending;
      if (granted === 0) return false;
    }
    return false;
  }

  /** One lease from the shared bucket; with the store's state, remembered for `report`. */
  private lease(key: number, lease: Lease): Promise<number> {
    const { store, burst } = this.options;
    const nowMs = this.now();
    if (store.leaseRequestsWithState === undefined) return store.leaseRequests(key, this.leaseSize, this.perMs, burst, nowMs);
    return store.leaseRequestsWithState(key, this.leaseSize, this.perMs, burst, nowMs).then((taken: RequestLease) => {
      lease.shared = { tokens: taken.tokensLeft, atMs: nowMs };
      return taken.granted;
    });
  }

  /**
   * The limit, the tokens left and when they come back for `key`, from this process's memory
   * (no SQL); null when the limit is off. A key this process has not leased for yet is
   * reported as a full bucket.
   */
  report(key: number): RateLimitState | null {
    const { perMinute, burst } = this.options;
    if (perMinute <= 0) return null;
    const lease = this.leases.get(key);
    const nowMs = this.now();
    const shared = lease?.shared === undefined ? burst : Math.min(burst, lease.shared.tokens + Math.max(0, nowMs - lease.shared.atMs) * this.perMs);
    const available = Math.min(burst, (lease?.tokens ?? 0) + shared);
    const remaining = Math.floor(available);
    // Less a hair, so that float noise (3.0000000001 s) does not add a second.
    const secondsFor = (tokens: number) => Math.ceil(tokens / this.perMs / 1000 - 1e-9);
    return {
      limit: burst,
      remaining,
      resetSeconds: available >= burst ? 0 : secondsFor(burst - available),
      retryAfterSeconds: remaining >= 1 ? 0 : Math.max(1, secondsFor(1 - available)),
      perMinute,
    };
  }

  /** `take`, then `report`: what a JSON answer needs, as cheap as `take` when this process holds a token. */
  takeWithState(key: number): RateTake | Promise<RateTake> {
    const taken = this.take(key);
    if (typeof taken === 'boolean') return { allowed: taken, state: this.report(key) };
    return taken.then((allowed) => ({ allowed, state: this.report(key) }));
  }

  get size(): number {
    return this.leases.size;
  }
}
