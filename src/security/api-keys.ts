/**
 * API keys of the JSON API (issue 19): `Authorization: Bearer ams_<public id>_<secret>`.
 *
 * - 256 bits from the CSPRNG in the secret part, base64url; the `ams_` prefix and an 8-hex-digit
 *   public id make a key recognisable (secret scanners, grep over logs or repositories) and let
 *   `ams api-key list` show which key is which without showing the key.
 * - Stored only as its SHA-256 digest. Argon2 is for secrets people choose: low entropy, so each
 *   guess must be made expensive. A key of 256 random bits cannot be guessed whatever the digest
 *   costs, and a fast unsalted digest is what lets the key be found by value through a unique
 *   index on every call: a salted slow hash would need a scan, or a per-call Argon2 (tens of ms
 *   of CPU) for no gain in safety.
 * - Checked without comparing plaintext: the presented key is digested and the digest looked up,
 *   so no comparison stops early on a matching prefix of the secret.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiCaller, ApiKeyRepository } from '../domain/api-access.js';
import type { PartnerUserRepository } from '../domain/ports.js';

export const API_KEY_PREFIX = 'ams_';
/** The whole key: prefix, public id, underscore, 43 base64url characters (32 bytes). */
const API_KEY_SHAPE = /^ams_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/;
/** `ams_` and the public id: what is stored and listed besides the digest. */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 8;

export interface GeneratedApiKey {
  /** The key itself: shown to the operator once, never stored. */
  readonly key: string;
  /** `ams_` and the public id, e.g. `ams_1f2e3d4c`. */
  readonly prefix: string;
  readonly digest: string;
}

export function digestApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Whether `text` has the shape of an API key (says nothing about whether it is one). */
export function looksLikeApiKey(text: string): boolean {
  return API_KEY_SHAPE.test(text);
}

export function generateApiKey(): GeneratedApiKey {
  const key = `${API_KEY_PREFIX}${randomBytes(4).toString('hex')}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, SHOWN_LENGTH), digest: digestApiKey(key) };
}

export interface ApiKeyAuthenticatorDeps {
  readonly apiKeys: Pick<ApiKeyRepository, 'findByDigest' | 'touch'>;
  /** Reads the user with its entity's in-force flag, as the AuthHeader check does. */
  readonly partnerUsers: Pick<PartnerUserRepository, 'findById'>;
  /** Recording the time of last use failed: the call goes on (the time is for operators only). */
  readonly onTouchError?: (err: unknown) => void;
}

/** The caller a Bearer key stands for, or undefined for an unknown, revoked or expired key or a disabled user or entity. */
export type AuthenticateApiKey = (key: string, now: Date) => Promise<ApiCaller | undefined>;

/** `last_used_at` is written at most this often per key (the repository's condition says the same across instances). */
const TOUCH_EVERY_MS = 60_000;

export function apiKeyAuthenticator(deps: ApiKeyAuthenticatorDeps): AuthenticateApiKey {
  return async (key, now) => {
    // A text that cannot be a key is refused without a look-up: its shape is no secret.
    if (!looksLikeApiKey(key)) return undefined;
    const record = await deps.apiKeys.findByDigest(digestApiKey(key));
    if (record === undefined || record.revokedAt !== null) return undefined;
    if (record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime()) return undefined;
    const user = await deps.partnerUsers.findById(record.partnerUserId);
    // The same two flags as the AuthHeader check: the user itself, and its entity with every entity above it.
    if (user === undefined || !user.active || !user.entityActive) return undefined;
    if (record.lastUsedAt === null || now.getTime() - record.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
      await deps.apiKeys.touch(record.id, now).catch((err: unknown) => deps.onTouchError?.(err));
    }
    return { userId: user.id, username: user.username, entityId: user.entityId, readOnly: record.readOnly, apiKeyId: record.id };
  };
}

export interface ApiKeyIssue {
  readonly partnerUserId: number;
  readonly readOnly: boolean;
  /** Days until the key stops working; null for a key that does not expire. */
  readonly expiresInDays: number | null;
}

export interface IssuedApiKey {
  readonly id: number;
  /** Shown once. */
  readonly key: string;
  readonly prefix: string;
  readonly expiresAt: Date | null;
}

/** Makes a key, stores its digest, and returns the key to show once. */
export async function issueApiKey(apiKeys: Pick<ApiKeyRepository, 'insert'>, issue: ApiKeyIssue, now: Date): Promise<IssuedApiKey> {
  const generated = generateApiKey();
  const expiresAt = issue.expiresInDays === null ? null : new Date(now.getTime() + issue.expiresInDays * 86_400_000);
  const { id } = await apiKeys.insert({ partnerUserId: issue.partnerUserId, digest: generated.digest, prefix: generated.prefix, readOnly: issue.readOnly, createdAt: now, expiresAt });
  return { id, key: generated.key, prefix: generated.prefix, expiresAt };
}
