/**
 * From an imported record to what AMS stores: its state (the AMS-owned fields), the hash to
 * keep, and the digests the ledger compares on the next run.
 */
import type { PasswordHasher } from '../ports.js';
import { encodeLegacyHash } from './legacy-hash.js';
import type { AccountState, EntityState, ImportKind, ImportStates, LicenseKeyState, PartnerUserState } from './ports.js';
import { digestOf, type AccountRecord, type EntityRecord, type ImportRecords, type LicenseKeyRecord, type PartnerUserRecord, type SecretInput } from './records.js';

/** The stored form of an imported secret. `clear` is hashed here (Argon2id, on the hasher's pool of one thread per core). */
export async function storedSecret(hasher: PasswordHasher, secret: SecretInput, normalise: (clear: string) => string = (s) => s): Promise<string> {
  switch (secret.format) {
    case 'argon2id':
      return secret.hash;
    case 'clear':
      return hasher.hash(normalise(secret.hash));
    default:
      return encodeLegacyHash({ format: secret.format, salt: secret.salt, hash: secret.hash });
  }
}

/** Secret answers are compared trimmed and case-folded, as CreateAccount stores them. */
export const normaliseAnswer = (answer: string): string => answer.trim().toLowerCase();

export function stateDigest<K extends ImportKind>(kind: K, state: ImportStates[K]): string {
  switch (kind) {
    case 'entity': {
      const s = state as EntityState;
      return digestOf([s.parentId, s.name, s.customerTypeCode, s.active]);
    }
    case 'partner-user': {
      const s = state as PartnerUserState;
      return digestOf([s.entityId, s.username, s.active]);
    }
    case 'license-key': {
      const s = state as LicenseKeyState;
      return digestOf([s.entityId, s.revoked]);
    }
    default: {
      const s = state as AccountState;
      return digestOf([
        s.username, s.fullName, s.email, s.entityId, s.quotaMb, s.isUltraSafe, s.status, s.backupServer, s.licenseKey, s.localeCode,
        s.secretQuestion, s.secretAnswerHash, s.emailNotificationsDisabled, s.paymentPlanId, s.signupAt, s.cancelledAt,
      ]);
    }
  }
}

export interface StoredForm<S> {
  readonly state: S;
  readonly secretHash: string;
  readonly lastSignInAt?: number | null;
}

/** The record as AMS will hold it. `current` (when it exists) supplies what the file does not decide. */
export async function storedForm<K extends ImportKind>(
  kind: K,
  record: ImportRecords[K],
  hasher: PasswordHasher,
  now: Date,
  current?: { readonly lastSignInAt?: number | null },
): Promise<StoredForm<ImportStates[K]>> {
  type Out = StoredForm<ImportStates[K]>;
  switch (kind) {
    case 'entity': {
      const r = record as EntityRecord;
      return { state: { parentId: r.parentId, name: r.name, customerTypeCode: r.customerTypeCode, active: r.active }, secretHash: '' } as Out;
    }
    case 'partner-user': {
      const r = record as PartnerUserRecord;
      return { state: { entityId: r.entityId, username: r.username, active: r.active }, secretHash: await storedSecret(hasher, r.secret) } as Out;
    }
    case 'license-key': {
      const r = record as LicenseKeyRecord;
      return { state: { entityId: r.entityId, revoked: false }, secretHash: '' } as Out;
    }
    default: {
      const r = record as AccountRecord;
      const [secretHash, answerHash] = await Promise.all([
        storedSecret(hasher, r.password),
        r.answer === null ? Promise.resolve('') : storedSecret(hasher, r.answer, normaliseAnswer),
      ]);
      const state: AccountState = {
        username: r.username,
        fullName: r.fullName,
        email: r.email,
        entityId: r.entityId,
        quotaMb: r.quotaMb,
        isUltraSafe: r.isUltraSafe,
        status: r.status,
        backupServer: r.backupServer,
        licenseKey: r.licenseKey,
        localeCode: r.localeCode,
        secretQuestion: r.secretQuestion,
        secretAnswerHash: answerHash,
        emailNotificationsDisabled: r.emailNotificationsDisabled,
        paymentPlanId: r.paymentPlanId,
        signupAt: r.signupAt ?? now.getTime(),
        cancelledAt: r.cancelledAt,
      };
      // A sign-in recorded by AMS since the last run is newer than anything the legacy side knows.
      const lastSignInAt = Math.max(r.lastSignInAt ?? 0, current?.lastSignInAt ?? 0) || null;
      return { state, secretHash, lastSignInAt } as Out;
    }
  }
}
