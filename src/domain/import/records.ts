/**
 * The files of the legacy import format and how one row of each becomes a record
 * (docs/import-format.md). Pure: a row in, a record (with its key and digest) or a RowProblem out.
 */
import { hash as oneShotHash } from 'node:crypto';
import { ACCOUNT_STATUSES } from '../accounts/account.js';
import { checkHashShape, isImportHashFormat, type ImportHashFormat } from './legacy-hash.js';
import type { ImportKind } from './ports.js';
import { bool, integer, oneOf, RowProblem, text, time } from './row-checks.js';

export const IMPORT_FILES = {
  entity: { file: 'entities.csv', columns: ['id', 'parent_id', 'name', 'customer_type_code', 'active'] },
  'partner-user': { file: 'partner-users.csv', columns: ['entity_id', 'username', 'secret_hash', 'hash_format', 'salt', 'active'] },
  'license-key': { file: 'partner-license-keys.csv', columns: ['entity_id', 'license_key'] },
  account: {
    file: 'accounts.csv',
    columns: [
      'entity_id', 'username', 'password_hash', 'hash_format', 'salt', 'full_name', 'email', 'quota_mb', 'ultrasafe', 'status',
      'backup_server', 'license_key', 'locale_code', 'secret_question', 'answer_hash', 'answer_hash_format', 'answer_salt',
      'emails_disabled', 'signup_utc', 'cancel_utc', 'last_signin_utc', 'payment_plan_id',
    ],
  },
} as const satisfies Record<ImportKind, { file: string; columns: readonly string[] }>;

/** The order files are imported in: what a row refers to comes first. */
export const IMPORT_ORDER: readonly ImportKind[] = ['entity', 'partner-user', 'license-key', 'account'];

export type Row = Readonly<Record<string, string>>;

export interface SecretInput {
  readonly format: ImportHashFormat;
  /** For `clear`, the password itself: it never leaves the import except as an Argon2id hash. */
  readonly hash: string;
  readonly salt: string;
}

export interface EntityRecord {
  readonly id: number;
  readonly parentId: number | null;
  readonly name: string;
  readonly customerTypeCode: string;
  readonly active: boolean;
}

export interface PartnerUserRecord {
  readonly entityId: number;
  readonly username: string;
  readonly secret: SecretInput;
  readonly active: boolean;
}

export interface LicenseKeyRecord {
  readonly entityId: number;
  readonly digest: string;
}

export interface AccountRecord {
  readonly entityId: number;
  readonly username: string;
  readonly password: SecretInput;
  readonly fullName: string;
  readonly email: string;
  readonly quotaMb: number;
  readonly isUltraSafe: boolean;
  readonly status: (typeof ACCOUNT_STATUSES)[number];
  readonly backupServer: string;
  readonly licenseKey: string;
  readonly localeCode: string;
  readonly secretQuestion: string;
  readonly answer: SecretInput | null;
  readonly emailNotificationsDisabled: boolean;
  readonly signupAt: number | null;
  readonly cancelledAt: number | null;
  readonly lastSignInAt: number | null;
  readonly paymentPlanId: number;
}

export interface ImportRecords {
  readonly entity: EntityRecord;
  readonly 'partner-user': PartnerUserRecord;
  readonly 'license-key': LicenseKeyRecord;
  readonly account: AccountRecord;
}

export interface ParsedRow<R> {
  readonly key: string;
  readonly record: R;
  /**
   * Digest of the row as read, `REST:SECRET`: the password or partner secret apart, so that a
   * delta that leaves it alone keeps the Argon2id hash a sign-in put in its place. A clear
   * password is left out (the ledger never holds anything cheaply derived from it).
   */
  readonly sourceDigest: string;
  readonly warnings: readonly string[];
}

// One-shot crypto.hash: a million rows each take two digests.
export const digestOf = (value: unknown): string => oneShotHash('sha256', JSON.stringify(value), 'base64');

/** User names are unique regardless of case, as AMS looks them up. */
export const nameKey = (username: string): string => username.toLowerCase();

const MAX_ID = 2_147_483_647;
const MAX_USERNAME = 256;

function secret(row: Row, hashColumn: string, formatColumn: string, saltColumn: string): SecretInput {
  const format = row[formatColumn] ?? '';
  if (!isImportHashFormat(format)) throw new RowProblem(`${formatColumn} ${JSON.stringify(format)} is not a known format (see docs/import-format.md)`);
  const hash = row[hashColumn] ?? '';
  const salt = row[saltColumn] ?? '';
  const problem = checkHashShape(format, hash, salt);
  if (problem !== undefined) throw new RowProblem(`${hashColumn}: ${problem}`);
  return { format, hash, salt };
}

/** The part of a source digest that stands for the password or secret. */
export const secretPartOf = (sourceDigest: string): string => sourceDigest.slice(sourceDigest.indexOf(':') + 1);

/** What a secret contributes to the source digest: a clear password only by being clear. */
const secretDigestPart = (s: SecretInput | null): unknown => (s === null ? null : s.format === 'clear' ? ['clear'] : [s.format, s.hash, s.salt]);

const LICENSE_DIGEST = /^sha256:([0-9a-f]{64})$/;
/** The digest of a partner licence key; `sha256:HEX` is a digest already (what `ams export` writes). */
export type KeyDigester = (key: string) => string;

export function parseEntity(row: Row): ParsedRow<EntityRecord> {
  const id = integer(row, 'id', { min: 1, max: MAX_ID });
  const parentId = (row.parent_id ?? '') === '' ? null : integer(row, 'parent_id', { min: 1, max: MAX_ID });
  if (parentId === id) throw new RowProblem('parent_id is the entity itself');
  const record = { id, parentId, name: text(row, 'name', 200, { required: true }), customerTypeCode: text(row, 'customer_type_code', 50), active: bool(row, 'active', true) };
  return { key: String(id), record, sourceDigest: digestOf(record), warnings: [] };
}

function username(row: Row): string {
  const name = text(row, 'username', MAX_USERNAME, { required: true });
  if (name.trim() === '') throw new RowProblem('username is blank');
  return name;
}

export function parsePartnerUser(row: Row): ParsedRow<PartnerUserRecord> {
  const record = {
    entityId: integer(row, 'entity_id', { min: 1, max: MAX_ID }),
    username: username(row),
    secret: secret(row, 'secret_hash', 'hash_format', 'salt'),
    active: bool(row, 'active', true),
  };
  const sourceDigest = `${digestOf([record.entityId, record.username, record.active])}:${digestOf(secretDigestPart(record.secret))}`;
  return { key: nameKey(record.username), record, sourceDigest, warnings: [] };
}

export function parseLicenseKey(row: Row, digestKey: KeyDigester): ParsedRow<LicenseKeyRecord> {
  const entityId = integer(row, 'entity_id', { min: 1, max: MAX_ID });
  const key = text(row, 'license_key', 256, { required: true });
  const digest = LICENSE_DIGEST.exec(key)?.[1] ?? digestKey(key);
  const record = { entityId, digest };
  return { key: digest, record, sourceDigest: digestOf(record), warnings: [] };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseAccount(row: Row): ParsedRow<AccountRecord> {
  const hasAnswer = (row.answer_hash ?? '') !== '' || (row.answer_hash_format ?? '') !== '';
  const record: AccountRecord = {
    entityId: integer(row, 'entity_id', { min: 1, max: MAX_ID }),
    username: username(row),
    password: secret(row, 'password_hash', 'hash_format', 'salt'),
    fullName: text(row, 'full_name', 500),
    email: text(row, 'email', 320),
    quotaMb: integer(row, 'quota_mb', { min: 0, max: Number.MAX_SAFE_INTEGER }),
    isUltraSafe: bool(row, 'ultrasafe', false),
    status: oneOf(row, 'status', ACCOUNT_STATUSES, 'Active'),
    backupServer: text(row, 'backup_server', 200, { required: true }),
    licenseKey: text(row, 'license_key', 256),
    localeCode: text(row, 'locale_code', 20),
    secretQuestion: text(row, 'secret_question', 500),
    answer: hasAnswer ? secret(row, 'answer_hash', 'answer_hash_format', 'answer_salt') : null,
    emailNotificationsDisabled: bool(row, 'emails_disabled', false),
    signupAt: time(row, 'signup_utc'),
    cancelledAt: time(row, 'cancel_utc'),
    lastSignInAt: time(row, 'last_signin_utc'),
    paymentPlanId: integer(row, 'payment_plan_id', { min: 0, max: MAX_ID, absent: 0 }),
  };
  const warnings = record.email !== '' && !EMAIL.test(record.email) ? [`email ${JSON.stringify(record.email)} does not look like an e-mail address (imported as it is)`] : [];
  const sourceDigest = `${digestOf({ ...record, password: null, answer: secretDigestPart(record.answer) })}:${digestOf(secretDigestPart(record.password))}`;
  return { key: nameKey(record.username), record, sourceDigest, warnings };
}
