/**
 * Throttling of failed AuthHeader checks (issue 6), the implementation of the domain's
 * `PartnerAuthThrottle`. Two counters, each a fixed window that opens with its first failure:
 *
 * - per source (IPv4 address or IPv6 /64): after `perAddress` failures in the window, checks
 *   from there are refused until the window closes — a right secret too, so that the refusal
 *   tells nothing; a success never resets the count;
 * - per presented user name (known or not, so the answer says nothing about existence): after
 *   `perUser` failures, checks for that name are refused the same way.
 *
 * Neither block applies to a (user, source) pair that signed in successfully in the last 24
 * hours: strangers failing on a partner's name, or a partner's own misconfigured job failing
 * beside its working one, cannot shut the partner out where it works from. Guesses at any other
 * name from that source stay blocked.
 *
 * A refused check costs no Argon2 and no database read; `idle()` makes it take about as long
 * as a real verification, so a throttled client cannot tell it is throttled. Every table is
 * bounded (`maxKeys`, least recently touched dropped first) and every operation is O(1).
 */
import type { PartnerAuthThrottle } from '../domain/partners/authenticate-partner.js';
import type { PasswordHasher } from '../domain/ports.js';
import { throttleKeyOf } from './source-address.js';

export interface AuthThrottleOptions {
  /** Failures per user name in a window before further checks are refused; 0: no limit. */
  readonly perUser: number;
  /** Failures per source in a window; 0: no limit. */
  readonly perAddress: number;
  readonly windowMs: number;
  readonly maxKeys: number;
  readonly now?: () => number;
  /** Told once per window when a source or a user name becomes blocked (for the log). */
  readonly onBlock?: (what: 'source' | 'user name', key: string) => void;
}

/** How long a successful (user, source) pair lets that source past a user-name block. */
export const KNOWN_SOURCE_MS = 24 * 60 * 60_000;
/** What a refused check waits before the first real verification has been timed. */
const DEFAULT_VERIFY_MS = 50;
/** A refused check never waits longer than this, whatever a flood did to real verifications. */
const MAX_IDLE_MS = 2_000;

interface Window {
  count: number;
  start: number;
}

/** Failure counts per key in fixed windows, at most `maxKeys` keys. */
export class FailureWindows {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  blocked(key: string, now: number): boolean {
    if (this.limit <= 0) return false;
    const w = this.windows.get(key);
    return w !== undefined && w.count >= this.limit && now - w.start < this.windowMs;
  }

  /** Counts a failure; true when this one reached the limit (the key is blocked from now on). */
  record(key: string, now: number): boolean {
    if (this.limit <= 0) return false;
    let w = this.windows.get(key);
    if (w !== undefined) this.windows.delete(key);
    else if (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
    if (w === undefined || now - w.start >= this.windowMs) w = { count: 0, start: now };
    w.count += 1;
    this.windows.set(key, w);
    return w.count === this.limit;
  }

  get size(): number {
    return this.windows.size;
  }
}

export class AuthThrottle implements PartnerAuthThrottle {
  private readonly byUser: FailureWindows;
  private readonly byAddress: FailureWindows;
  /** `user\0source` → when the pair last succeeded. */
  private readonly knownSources = new Map<string, number>();
  private readonly now: () => number;
  private verifyMs = DEFAULT_VERIFY_MS;
  /** The last source and its key: one request asks twice (allows, then failed or succeeded). */
  private lastSource = '';
  private lastKey = '';

  constructor(private readonly options: AuthThrottleOptions) {
    this.byUser = new FailureWindows(options.perUser, options.windowMs, options.maxKeys);
    this.byAddress = new FailureWindows(options.perAddress, options.windowMs, options.maxKeys);
    this.now = options.now ?? (() => performance.now());
  }

  allows(username: string, sourceAddress: string): boolean {
    const now = this.now();
    const source = this.keyOf(sourceAddress);
    const user = username.toLowerCase();
    if (!this.byAddress.blocked(source, now) && !this.byUser.blocked(user, now)) return true;
    const known = this.knownSources.get(`${user}\u0000${source}`);
    return known !== undefined && now - known < KNOWN_SOURCE_MS;
  }

  failed(username: string, sourceAddress: string): void {
    const now = this.now();
    const source = this.keyOf(sourceAddress);
    if (this.byAddress.record(source, now)) this.options.onBlock?.('source', source);
    const user = username.toLowerCase();
    if (this.byUser.record(user, now)) this.options.onBlock?.('user name', user);
  }

  succeeded(username: string, sourceAddress: string): void {
    if (this.options.perUser <= 0 && this.options.perAddress <= 0) return;
    const key = `${username.toLowerCase()}\u0000${this.keyOf(sourceAddress)}`;
    const now = this.now();
    const seen = this.knownSources.get(key);
    // Steady traffic refreshes the entry once a minute, not on every call.
    if (seen !== undefined && now - seen < 60_000) return;
    this.knownSources.delete(key);
    if (this.knownSources.size >= this.options.maxKeys) {
      const oldest = this.knownSources.keys().next();
      if (!oldest.done) this.knownSources.delete(oldest.value);
    }
    this.knownSources.set(key, now);
  }

  private keyOf(sourceAddress: string): string {
    if (sourceAddress !== this.lastSource) {
      this.lastSource = sourceAddress;
      this.lastKey = throttleKeyOf(sourceAddress);
    }
    return this.lastKey;
  }

  idle(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.min(MAX_IDLE_MS, this.verifyMs)));
  }

  /** The hasher the authenticator should use: the same, with its verifications timed for `idle`. */
  timed(hasher: PasswordHasher): PasswordHasher {
    return {
      hash: (secret) => hasher.hash(secret),
      verify: async (stored, secret) => {
        const started = performance.now();
        try {
          return await hasher.verify(stored, secret);
        } finally {
          // An exponential moving average: follows load changes within a few dozen checks.
          this.verifyMs += (performance.now() - started - this.verifyMs) / 16;
        }
      },
    };
  }

  /** Tracked keys, for tests and metrics. */
  get sizes(): { readonly users: number; readonly addresses: number; readonly knownSources: number } {
    return { users: this.byUser.size, addresses: this.byAddress.size, knownSources: this.knownSources.size };
  }
}
