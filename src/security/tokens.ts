/**
 * Tokens and keys: 256 bits from the CSPRNG, URL-safe, stored only as a SHA-256 digest. A slow
 * salted hash (Argon2) is for low-entropy secrets people choose; these are random and looked
 * up by value, so a fast unsalted digest is both sufficient and necessary.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A new random token, optionally with a readable prefix (e.g. `PLK-` for partner licence keys). */
export function generateToken(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function digestToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Longest token we bother to look up; anything longer cannot be ours. */
export const MAX_TOKEN_LENGTH = 128;
