/**
 * What the database keeps of an Idempotency-Key (issue 19), so that a copy of it gives away no
 * secret. A POST's body may carry a password (a new account, a password change, a sign-in) and
 * its answer a live token (authentication, authorization and creating-account tokens), which
 * everywhere else are stored only as digests. So, for 24 hours:
 * - the key itself is kept only as its SHA-256 (the row is found by it, like a token);
 * - the request is kept as an HMAC keyed with the raw key, not a bare SHA-256: a bare digest
 *   of a body holding a password could be brute-forced from a copy of the database;
 * - the answer is kept sealed with AES-256-GCM under a key derived (HKDF) from the raw key.
 * Only the client that holds the Idempotency-Key can have its answer replayed; the database
 * alone holds nothing to replay, guess from or log. Clients should use random keys (UUIDs).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const SEAL_VERSION = 'v1';
const HKDF_SALT = 'ams idempotency answer';

export interface SealedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The key as stored and looked up: its SHA-256 (hex, 64 characters). */
export function storedIdempotencyKey(rawKey: string): string {
  return createHash('sha256').update(rawKey, 'utf8').digest('hex');
}

/** The request's fingerprint as stored: an HMAC of the edge's request digest under the raw key. */
export function storedRequestDigest(rawKey: string, requestDigest: string): string {
  return createHmac('sha256', rawKey).update(requestDigest, 'utf8').digest('hex');
}

function answerKey(rawKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(rawKey, 'utf8'), HKDF_SALT, 'answer', 32));
}

/** The answer's headers and body, encrypted: `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function sealAnswer(rawKey: string, answer: SealedAnswer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', answerKey(rawKey), iv);
  const plain = Buffer.from(JSON.stringify({ headers: answer.headers, body: answer.body }), 'utf8');
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [SEAL_VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join('.');
}

/** The headers and body back; throws when the stored text was not sealed under this key (tampering). */
export function openAnswer(rawKey: string, status: number, stored: string): SealedAnswer {
  const [version, iv, tag, sealed] = stored.split('.');
  if (version !== SEAL_VERSION || iv === undefined || tag === undefined || sealed === undefined) throw new Error('a stored idempotent answer is not sealed');
  const decipher = createDecipheriv('aes-256-gcm', answerKey(rawKey), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const plain = Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
  const parsed = JSON.parse(plain) as { headers: Record<string, string>; body: string };
  return { status, headers: parsed.headers, body: parsed.body };
}
