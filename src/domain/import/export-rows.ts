/**
 * `ams export` (issue 18): AMS records as rows of the import format, so that `ams import` of an
 * export reproduces the installation (on another engine). Hashes go out as they are stored:
 * Argon2id as `argon2id`, a legacy hash nobody has signed in with yet in its own format.
 * Licence keys are held only as SHA-256 digests, so they go out as `sha256:HEX`, which
 * `ams import` takes as a digest rather than a key.
 */
import { decodeLegacyHash } from './legacy-hash.js';
import type { AccountState, EntityState, LicenseKeyState, PartnerUserState } from './ports.js';
import { IMPORT_FILES } from './records.js';

export const EXPORT_FILES = IMPORT_FILES;

/** [hash, format, salt] columns of a stored hash ('' when there is none). */
export function secretColumns(stored: string): [string, string, string] {
  if (stored === '') return ['', '', ''];
  const legacy = decodeLegacyHash(stored);
  if (legacy) return legacy.format === 'none' ? ['', 'none', ''] : [legacy.hash, legacy.format, legacy.salt];
  return [stored, 'argon2id', ''];
}

const flag = (value: boolean): string => (value ? '1' : '0');
const utc = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '' : new Date(ms).toISOString().replace('.000Z', 'Z'));

export const entityRow = (id: number, s: EntityState): string[] => [String(id), s.parentId === null ? '' : String(s.parentId), s.name, s.customerTypeCode, flag(s.active)];

export function partnerUserRow(s: PartnerUserState, secretHash: string): string[] {
  const [hash, format, salt] = secretColumns(secretHash);
  return [String(s.entityId), s.username, hash, format, salt, flag(s.active)];
}

export const licenseKeyRow = (digest: string, s: LicenseKeyState): string[] => [String(s.entityId), `sha256:${digest}`];

export function accountRow(s: AccountState, passwordHash: string, lastSignInAt: number | null): string[] {
  const [hash, format, salt] = secretColumns(passwordHash);
  const [answerHash, answerFormat, answerSalt] = secretColumns(s.secretAnswerHash);
  return [
    String(s.entityId), s.username, hash, format, salt, s.fullName, s.email, String(s.quotaMb), flag(s.isUltraSafe), s.status,
    s.backupServer, s.licenseKey, s.localeCode, s.secretQuestion, answerHash, answerFormat, answerSalt,
    flag(s.emailNotificationsDisabled), utc(s.signupAt), utc(s.cancelledAt), utc(lastSignInAt), String(s.paymentPlanId),
  ];
}
