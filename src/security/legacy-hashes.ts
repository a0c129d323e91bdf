/**
 * Verifying the password hashes of the legacy service (issue 18), byte for byte as ASP.NET
 * computes them:
 *
 * - Identity v2/v3 (Microsoft.AspNet.Identity / AspNetCore.Identity `PasswordHasher`):
 *   PBKDF2 over the UTF-8 password. v2 = 0x00 ‖ salt(16) ‖ subkey(32), HMAC-SHA1, 1000
 *   iterations. v3 = 0x01 ‖ PRF ‖ iterations ‖ salt length (uint32 big-endian each) ‖ salt ‖
 *   subkey, the subkey being the rest (at least 16 bytes, as VerifyHashedPasswordV3 demands).
 * - SqlMembershipProvider.EncodePassword, PasswordFormat Hashed: the password as UTF-16LE
 *   ("Encoding.Unicode"). Plain hashes run over salt ‖ password; a keyed hash (HMACSHA256)
 *   takes the salt as its key, copied whole when it has the key's length (64 bytes), cut when
 *   longer and repeated to fill when shorter — and hashes the password alone.
 *
 * Every comparison is crypto.timingSafeEqual over equal-length buffers. PBKDF2 and bcrypt run
 * asynchronously (libuv pool / bcryptjs's chunked loop), never blocking the event loop for
 * their whole cost.
 */
import { createHash, createHmac, pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { decodeLegacyHash, type LegacyHash } from '../domain/import/legacy-hash.js';
import type { PasswordHasher } from '../domain/ports.js';

const pbkdf2Async = promisify(pbkdf2);

const V3_PRF = ['sha1', 'sha256', 'sha512'] as const;
const HMAC_KEY_BYTES = 64;

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

async function verifyIdentityV2(decoded: Buffer, password: string): Promise<boolean> {
  if (decoded.length !== 49 || decoded[0] !== 0x00) return false;
  const salt = decoded.subarray(1, 17);
  const expected = decoded.subarray(17);
  return equal(await pbkdf2Async(Buffer.from(password, 'utf8'), salt, 1000, 32, 'sha1'), expected);
}

async function verifyIdentityV3(decoded: Buffer, password: string): Promise<boolean> {
  if (decoded.length < 13 || decoded[0] !== 0x01) return false;
  const prf = V3_PRF[decoded.readUInt32BE(1)];
  const iterations = decoded.readUInt32BE(5);
  const saltLength = decoded.readUInt32BE(9);
  if (prf === undefined || iterations < 1 || iterations > 10_000_000 || saltLength < 16 || 13 + saltLength + 16 > decoded.length) return false;
  const salt = decoded.subarray(13, 13 + saltLength);
  const expected = decoded.subarray(13 + saltLength);
  return equal(await pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, expected.length, prf), expected);
}

/** The HMAC key SqlMembershipProvider derives from the salt. */
export function membershipHmacKey(salt: Buffer): Buffer {
  if (salt.length === 0) return Buffer.alloc(HMAC_KEY_BYTES);
  if (salt.length >= HMAC_KEY_BYTES) return Buffer.from(salt.subarray(0, HMAC_KEY_BYTES));
  const key = Buffer.alloc(HMAC_KEY_BYTES);
  for (let at = 0; at < HMAC_KEY_BYTES; at += salt.length) salt.copy(key, at, 0, Math.min(salt.length, HMAC_KEY_BYTES - at));
  return key;
}

function membershipDigest(legacy: LegacyHash, password: string): Buffer | undefined {
  const salt = Buffer.from(legacy.salt, 'base64');
  const utf16 = Buffer.from(password, 'utf16le');
  switch (legacy.format) {
    case 'membership-sha1':
      return createHash('sha1').update(salt).update(utf16).digest();
    case 'membership-sha256':
      return createHash('sha256').update(salt).update(utf16).digest();
    case 'membership-hmacsha256':
      return createHmac('sha256', membershipHmacKey(salt)).update(utf16).digest();
    default:
      return undefined;
  }
}

/** Whether `password` matches a `$legacy-…` stored hash; false for anything malformed. */
export async function verifyLegacyHash(stored: string, password: string): Promise<boolean> {
  const legacy = decodeLegacyHash(stored);
  if (!legacy) return false;
  try {
    switch (legacy.format) {
      case 'none':
        return false;
      case 'bcrypt':
        return await bcrypt.compare(password, legacy.hash);
      case 'aspnet-identity-v2':
        return await verifyIdentityV2(Buffer.from(legacy.hash, 'base64'), password);
      case 'aspnet-identity-v3':
        return await verifyIdentityV3(Buffer.from(legacy.hash, 'base64'), password);
      default: {
        const digest = membershipDigest(legacy, password);
        return digest !== undefined && equal(digest, Buffer.from(legacy.hash, 'base64'));
      }
    }
  } catch {
    return false; // a malformed stored hash verifies nothing
  }
}

/**
 * The service's hasher, able to verify legacy hashes as well: new hashes are Argon2id; a
 * stored `$legacy-…` value is checked by its own format, everything else by `argon2`.
 */
export function withLegacyHashes(argon2: PasswordHasher): PasswordHasher {
  return {
    hash: (secret) => argon2.hash(secret),
    verify: (stored, secret) => (decodeLegacyHash(stored) ? verifyLegacyHash(stored, secret) : argon2.verify(stored, secret)),
  };
}
