/**
 * How a password hash brought over from the legacy service is kept until its owner's first
 * sign-in: a self-describing string in the ordinary hash column, `$legacy-FORMAT$SALT$HASH`,
 * so that verification dispatches on the stored value alone and an Argon2id PHC string
 * (`$argon2id$…`) can never be mistaken for one. SALT is the legacy `salt` column as exported
 * (base64, empty when the format embeds it); HASH is the legacy hash text, which may itself
 * contain `$` (bcrypt), so it is everything after the second separator.
 *
 * This module is only the notation and the shape checks an import applies to each row; the
 * cryptography lives in security/legacy-hashes.ts.
 */

export const LEGACY_HASH_FORMATS = [
  'bcrypt',
  'aspnet-identity-v2',
  'aspnet-identity-v3',
  'membership-sha1',
  'membership-sha256',
  'membership-hmacsha256',
  'none',
] as const;
export type LegacyHashFormat = (typeof LEGACY_HASH_FORMATS)[number];

/** Every value `hash_format` may take in an import file. */
export const IMPORT_HASH_FORMATS = ['argon2id', 'clear', ...LEGACY_HASH_FORMATS] as const;
export type ImportHashFormat = (typeof IMPORT_HASH_FORMATS)[number];

export const isImportHashFormat = (value: string): value is ImportHashFormat => (IMPORT_HASH_FORMATS as readonly string[]).includes(value);

const PREFIX = '$legacy-';

export interface LegacyHash {
  readonly format: LegacyHashFormat;
  readonly salt: string;
  readonly hash: string;
}

export function encodeLegacyHash(value: LegacyHash): string {
  return `${PREFIX}${value.format}$${value.salt}$${value.hash}`;
}

export function decodeLegacyHash(stored: string): LegacyHash | undefined {
  if (!stored.startsWith(PREFIX)) return undefined;
  const formatEnd = stored.indexOf('$', PREFIX.length);
  if (formatEnd === -1) return undefined;
  const format = stored.slice(PREFIX.length, formatEnd);
  if (!(LEGACY_HASH_FORMATS as readonly string[]).includes(format)) return undefined;
  const saltEnd = stored.indexOf('$', formatEnd + 1);
  if (saltEnd === -1) return undefined;
  return { format: format as LegacyHashFormat, salt: stored.slice(formatEnd + 1, saltEnd), hash: stored.slice(saltEnd + 1) };
}

/** The legacy format of a stored hash, or undefined for an Argon2id (or any other) hash. */
export const legacyFormatOf = (stored: string): LegacyHashFormat | undefined => decodeLegacyHash(stored)?.format;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function base64Bytes(text: string): number | undefined {
  if (text === '' || !BASE64.test(text)) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/** Reads the big-endian uint32 at byte `offset` of a base64 text (small texts only). */
function uint32At(text: string, offset: number): number {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

const MAX_HASH_TEXT = 1024;

/**
 * Why a hash of `format` (with its `salt` column) cannot be right, or undefined when its shape
 * is that of the format. A wrong shape is refused at import: it could never verify, and the
 * account would be locked out without anyone noticing.
 */
export function checkHashShape(format: ImportHashFormat, hash: string, salt: string): string | undefined {
  if (hash.length > MAX_HASH_TEXT || salt.length > MAX_HASH_TEXT) return 'the hash or salt is longer than 1024 characters';
  const saltUnused = (): string | undefined => (salt === '' ? undefined : `a ${format} hash carries its own salt; the salt column must be empty`);
  switch (format) {
    case 'argon2id':
      return /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(hash) ? saltUnused() : 'not an Argon2id PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash)';
    case 'bcrypt':
      return /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/.test(hash) ? saltUnused() : 'not a bcrypt hash ($2a$/$2b$/$2y$, cost 04-31, 53 characters)';
    case 'aspnet-identity-v2':
      if (base64Bytes(hash) !== 49 || !hash.startsWith('A')) return 'not an ASP.NET Identity v2 hash (base64 of 49 bytes starting with 0x00)';
      return saltUnused();
    case 'aspnet-identity-v3': {
      const n = base64Bytes(hash);
      if (n === undefined || n < 13 + 16 || !hash.startsWith('A')) return 'not an ASP.NET Identity v3 hash (base64 starting with 0x01)';
      const bytes = atob(hash);
      if (bytes.charCodeAt(0) !== 1) return 'not an ASP.NET Identity v3 hash (base64 starting with 0x01)';
      const prf = uint32At(hash, 1);
      const iterations = uint32At(hash, 5);
      const saltLength = uint32At(hash, 9);
      if (prf > 2) return `ASP.NET Identity v3 hash with an unknown PRF ${prf}`;
      if (iterations < 1 || iterations > 10_000_000) return 'ASP.NET Identity v3 hash with an iteration count outside 1-10,000,000';
      if (saltLength < 16 || 13 + saltLength + 16 > n) return 'ASP.NET Identity v3 hash with an inconsistent salt length';
      return saltUnused();
    }
    case 'membership-sha1':
    case 'membership-sha256':
    case 'membership-hmacsha256': {
      const expected = format === 'membership-sha1' ? 20 : 32;
      if (base64Bytes(hash) !== expected) return `not a ${format} hash (base64 of ${expected} bytes)`;
      if (base64Bytes(salt) === undefined) return `${format} needs the salt column (base64)`;
      return undefined;
    }
    case 'clear':
      if (hash === '') return 'a clear password is empty';
      return salt === '' ? undefined : 'a clear password has no salt';
    case 'none':
      return hash === '' && salt === '' ? undefined : 'hash_format none takes an empty hash and salt';
  }
}
