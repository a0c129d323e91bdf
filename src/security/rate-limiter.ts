/**
 * The per-partner request rate (issue 6, SERVICE.md §3 code 106): a token bucket per partner
 * API user id, refilled continuously at `perMinute / 60` tokens per second up to `burst`.
 * A call takes one token; with none left it is answered TooManyRequests.
 *
 * O(1) per call and bounded memory: at most `maxKeys` buckets are kept, the least recently
 * used one is dropped first (it would have refilled to a full bucket anyway unless it was in
 * use, and only authenticated user ids are keys, so no outsider can churn the table).
 * The buckets live in this process: with N instances behind a balancer a partner may make up
 * to N times the configured rate in total.
 */

export interface RateLimiterOptions {
  /** Sustained calls per minute per key; 0 turns the limit off. */
  readonly perMinute: number;
  /** Calls a key may make at once on top of the sustained rate (the bucket's size). */
  readonly burst: number;
  readonly maxKeys: number;
  /** Monotonic milliseconds; `performance.now` unless a test steers time. */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
  /** When the bucket was last moved to the Map's most recently used end. */
  movedAt: number;
}

/**
 * A bucket in use moves to the most recently used end at most this often. Moving it on every
 * call (a delete and a set) made V8 rebuild the Map's table every few calls under load, and
 * those tables outlived young-generation collections (bench/README.md). Eviction order is
 * then right to within a second, which is all it needs: it only matters once `maxKeys`
 * partner users have called.
 */
const MOVE_INTERVAL_MS = 1000;

export class RateLimiter {
  private readonly buckets = new Map<number | string, Bucket>();
  private readonly perMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RateLimiterOptions) {
    if (options.perMinute > 0 && options.burst < 1) throw new Error('a rate limit needs a burst of at least 1');
    this.perMs = options.perMinute / 60_000;
    this.now = options.now ?? (() => performance.now());
  }

  get enabled(): boolean {
    return this.options.perMinute > 0;
  }

  /** Takes a token for `key`; false when its bucket is empty (the call is over the rate). */
  take(key: number | string): boolean {
    if (this.options.perMinute <= 0) return true;
    const now = this.now();
    const bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.options.maxKeys) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
      this.buckets.set(key, { tokens: this.options.burst - 1, at: now, movedAt: now });
      return true;
    }
    // Most recently used last: re-inserting keeps the Map in LRU order for eviction.
    if (now - bucket.movedAt >= MOVE_INTERVAL_MS) {
      this.buckets.delete(key);
      this.buckets.set(key, bucket);
      bucket.movedAt = now;
    }
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.perMs);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }
}
