/**
 * Partner licence keys (`ams license-key create`): CreateAccountByPartnerLicenseKey places a
 * new account under the entity that owns the key. The key is random (tokens.ts) and stored
 * only as its SHA-256 digest, so it is shown once, at creation, and never again.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { insertPartnerLicenseKey } from '../store/repositories/license-keys.js';
import { digestToken, generateToken } from '../security/tokens.js';

export type LicenseKeyResult =
  | { readonly ok: true; readonly key: string; readonly entityId: number; readonly entityName: string }
  | { readonly ok: false; readonly message: string };

export async function createPartnerLicenseKey(db: Kysely<Database>, entityId: number, now: Date): Promise<LicenseKeyResult> {
  const key = generateToken('PLK-');
  const stored = await insertPartnerLicenseKey(db, entityId, digestToken(key), now);
  if (!stored) return { ok: false, message: `entity ${entityId} does not exist` };
  return { ok: true, key, ...stored };
}
