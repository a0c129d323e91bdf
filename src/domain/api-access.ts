/**
 * What the JSON API (issue 19) needs beyond the SOAP operations: API keys, idempotent POSTs and
 * a keyset-paginated account list. Ports only; implemented in store/ (SQL) and security/ (the
 * key's digest), composed in app/.
 */
import type { AccountListItem, Caller } from './ports.js';

/** An API key as stored: only the SHA-256 digest of the key is ever kept. */
export interface ApiKeyRecord {
  readonly id: number;
  readonly partnerUserId: number;
  /** The first characters of the key (its public prefix), shown by `ams api-key list`. */
  readonly prefix: string;
  readonly readOnly: boolean;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

export interface NewApiKey {
  readonly partnerUserId: number;
  readonly digest: string;
  readonly prefix: string;
  readonly readOnly: boolean;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
}

export interface ApiKeyRepository {
  insert(key: NewApiKey): Promise<{ readonly id: number }>;
  /** The key with this digest, with its user: undefined when none. */
  findByDigest(digest: string): Promise<ApiKeyRecord | undefined>;
  listForUser(partnerUserId: number): Promise<readonly ApiKeyRecord[]>;
  /** Sets revoked_at once; false when no such key or already revoked. */
  revoke(id: number, at: Date): Promise<boolean>;
  /** Best effort, at most once a minute per key: not on the hot path's critical write. */
  touch(id: number, at: Date): Promise<void>;
}

/** A partner user signed in with an API key: a read-only key may only read. */
export interface ApiCaller extends Caller {
  readonly readOnly: boolean;
  /** Present when the caller used an API key rather than its name and secret. */
  readonly apiKeyId?: number;
}

/**
 * Idempotent POSTs: the first request with a key claims it; its answer is stored when done;
 * a retry with the same key and body replays that answer, a different body is refused.
 * Keys are per partner user and kept 24 h, in the shared database (works across instances).
 */
export type IdempotencyClaim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'replay'; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string }
  | { readonly kind: 'mismatch' }
  /** Another request with the same key is still being worked on. */
  | { readonly kind: 'in-progress' };

export interface IdempotencyRepository {
  /** Atomic: exactly one of many concurrent claims of (user, key) gets 'claimed'. Expired keys are claimable again. */
  claim(partnerUserId: number, key: string, requestDigest: string, at: Date, expiresAt: Date): Promise<IdempotencyClaim>;
  /** Stores the answer of a claimed key. */
  complete(partnerUserId: number, key: string, answer: { status: number; headers: Readonly<Record<string, string>>; body: string }): Promise<void>;
  /** Gives a claimed key back (the request failed before any change): a retry may claim it. */
  release(partnerUserId: number, key: string): Promise<void>;
  /** Deletes keys expired before `before`; returns how many. */
  purgeExpired(before: Date): Promise<number>;
}

/** Filters of GET /api/v1/accounts. */
export interface AccountPageQuery {
  /** The entity whose subtree is listed (already checked to be within the caller's tree). */
  readonly entityId: number;
  readonly customerTypeCode: string | null;
  readonly status: string | null;
  /** Keyset cursor: the last user name (lower-cased) of the previous page; null for the first. */
  readonly afterUsername: string | null;
  readonly limit: number;
}

export interface AccountPageItem extends AccountListItem {
  readonly status: string;
  readonly quotaMb: number;
}

export interface AccountPageRepository {
  /**
   * Up to `limit` accounts ordered by lower-cased user name strictly after `afterUsername`.
   * Keyset order is stable while accounts are added or removed: no row twice, none skipped
   * that existed for the whole walk.
   */
  page(query: AccountPageQuery): Promise<readonly AccountPageItem[]>;
}
