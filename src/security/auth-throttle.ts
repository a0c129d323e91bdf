/**
 * Throttling of failed AuthHeader checks (issues 6 and 14), the implementation of the domain's
 * `PartnerAuthThrottle`. Two budgets, each a fixed window that opens with its first failure,
 * kept in the database every instance shares (store/repositories/shared-limits.ts):
 *
 * - per source (IPv4 address or IPv6 /64): `perAddress` failures per window, whatever names;
 * - per presented user name (known or not, so the answer says nothing about existence),
 *   stored as a keyed digest: `perUser` failures per window.
 *
 * An attempt is reserved in both windows, atomically, before its secret is hashed, and given
 * back only when it succeeds: attempts in flight count, on every process, so a burst of 200
 * concurrent guesses gets no more hashes than the same guesses one after another. A refused
 * attempt is answered like any failure, after `pace()`: the queueing and verification time
 * of a real check, without its Argon2 work (argon2-hasher.ts).
 *
 * Neither block applies to a (user, source) pair that signed in successfully in the last 24
 * hours: strangers failing on a partner's name, or a partner's own misconfigured job failing
 * beside its working one, cannot shut the partner out where it works from. Such a pair's
 * failures still count. A pair this process has seen succeed, presenting a secret the
 * credential memo remembers, is let through without touching the database: the happy path.
 */
import { createHmac } from 'node:crypto';
import type { AttemptReservation, PartnerAuthThrottle } from '../domain/partners/authenticate-partner.js';
import type { FailureBudget, SharedLimitStore } from '../domain/partners/shared-limits.js';
import { throttleKeyOf } from './source-address.js';

export interface AuthThrottleOptions {
  /** Failures per user name in a window before further checks are refused; 0: no limit. */
  readonly perUser: number;
  /** Failures per source in a window; 0: no limit. */
  readonly perAddress: number;
  readonly windowMs: number;
  /** Bound of this process's own tables (pairs seen succeeding, blocks already told). */
  readonly maxKeys: number;
  readonly store: SharedLimitStore;
  /** The keyed digest of user names (name-digest.ts), the same on every instance. */
  readonly digest: (text: string) => string;
  /** What a refused check waits: a real check's queueing and verification time. */
  readonly pace: () => Promise<void>;
  /** Epoch milliseconds, shared by every instance; `Date.now` unless a test steers time. */
  readonly now?: () => number;
  /** Told once per window and process when a source or a user name becomes blocked (for the log). */
  readonly onBlock?: (what: 'source' | 'user name', shown: string) => void;
}

/** How long a successful (user, source) pair lets that source past a user-name block. */
export const KNOWN_SOURCE_MS = 24 * 60 * 60_000;
/** A pair in steady use is written to the database again at most this often. */
const KNOWN_SOURCE_REFRESH_MS = 60_000;

/** A Map used as a bounded LRU: the least recently set key goes first. */
function setBounded<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

export class AuthThrottle implements PartnerAuthThrottle {
  /** Pair key → when this process last saw it succeed (and wrote it to the database). */
  private readonly knownHere = new Map<string, number>();
  /** `key@windowStart` of blocks already told, so a block is logged once per window. */
  private readonly told = new Map<string, true>();
  private readonly now: () => number;
  private readonly enabled: boolean;
  private lastSource = '';
  private lastKey = '';

  constructor(private readonly options: AuthThrottleOptions) {
    this.now = options.now ?? Date.now;
    this.enabled = options.perUser > 0 || options.perAddress > 0;
  }

  /** The database key of a user name's window: the name never leaves the process as such. */
  userKey(username: string): string {
    return `u:${this.options.digest(username.toLowerCase())}`;
  }

  sourceKey(sourceAddress: string): string {
    return `s:${this.throttleKey(sourceAddress)}`;
  }

  /** A source's throttle key, remembered for the last source: steady traffic comes from few. */
  private throttleKey(sourceAddress: string): string {
    if (sourceAddress !== this.lastSource) {
      this.lastSource = sourceAddress;
      this.lastKey = throttleKeyOf(sourceAddress);
    }
    return this.lastKey;
  }

  /** The pair in this process's memory: plain text, it never leaves the process. */
  private localPair(username: string, sourceAddress: string): string {
    return `${username.toLowerCase()}\u0000${this.throttleKey(sourceAddress)}`;
  }

  /** The pair in the database: a keyed digest. */
  private storedPair(username: string, sourceAddress: string): string {
    return this.options.digest(this.localPair(username, sourceAddress));
  }

  /** On every call with a remembered secret: a Map look-up, no digest, no SQL. */
  knowsLocally(username: string, sourceAddress: string): boolean {
    if (!this.enabled) return true;
    const seen = this.knownHere.get(this.localPair(username, sourceAddress));
    return seen !== undefined && this.now() - seen < KNOWN_SOURCE_MS;
  }

  async reserve(username: string, sourceAddress: string): Promise<AttemptReservation | undefined> {
    const sourceKey = this.sourceKey(sourceAddress);
    const userKey = this.userKey(username);
    if (!this.enabled) return { sourceKey, userKey, reserved: [], pastBlock: false };
    const { perUser, perAddress, windowMs, store } = this.options;
    const now = this.now();
    // Always source first, then user name: the order every transaction locks rows in.
    const budgets: FailureBudget[] = [];
    if (perAddress > 0) budgets.push({ key: sourceKey, limit: perAddress });
    if (perUser > 0) budgets.push({ key: userKey, limit: perUser });
    const reserved = await store.reserveFailures(budgets, windowMs, now);
    if (reserved !== undefined) return { sourceKey, userKey, reserved, pastBlock: false };
    if (await store.isKnownSource(this.storedPair(username, sourceAddress), now - KNOWN_SOURCE_MS)) {
      return { sourceKey, userKey, reserved: [], pastBlock: true };
    }
    return undefined;
  }

  async failed(a: AttemptReservation): Promise<void> {
    if (!this.enabled) return;
    let counted = a.reserved;
    if (a.pastBlock) {
      const keys = [...(this.options.perAddress > 0 ? [a.sourceKey] : []), ...(this.options.perUser > 0 ? [a.userKey] : [])];
      counted = await this.options.store.recordFailures(keys, this.options.windowMs, this.now());
    }
    for (const r of counted) {
      const isSource = r.key.startsWith('s:');
      const limit = isSource ? this.options.perAddress : this.options.perUser;
      if (r.failures < limit) continue;
      const toldKey = `${r.key}@${r.windowStart}`;
      if (this.told.has(toldKey)) continue;
      setBounded(this.told, toldKey, true, this.options.maxKeys);
      // The source address as such; a user name only as the short digest the log shows.
      this.options.onBlock?.(isSource ? 'source' : 'user name', r.key.slice(2, isSource ? undefined : 14));
    }
  }

  async succeeded(a: AttemptReservation, username: string, sourceAddress: string): Promise<void> {
    if (!this.enabled) return;
    await this.options.store.releaseFailures(a.reserved);
    const pair = this.localPair(username, sourceAddress);
    const now = this.now();
    const seen = this.knownHere.get(pair);
    if (seen !== undefined && now - seen < KNOWN_SOURCE_REFRESH_MS) return;
    setBounded(this.knownHere, pair, now, this.options.maxKeys);
    await this.options.store.rememberSource(this.storedPair(username, sourceAddress), now);
  }

  idle(): Promise<void> {
    return this.options.pace();
  }

  /** Deletes windows and pairs too old to matter; the composition root runs it now and then. */
  prune(): Promise<void> {
    const now = this.now();
    return this.options.store.prune(now - this.options.windowMs, now - KNOWN_SOURCE_MS);
  }

  /** Tracked keys in this process, for tests and metrics. */
  get sizes(): { readonly knownSources: number; readonly told: number } {
    return { knownSources: this.knownHere.size, told: this.told.size };
  }
}

/** The keyed digest of a name (hex), under the database's `name-digest` key. */
export function nameDigester(key: string): (text: string) => string {
  return (text) => createHmac('sha256', key).update(text).digest('hex').slice(0, 32);
}
