/**
 * Legacy hash verification against hashes written by an independent program (Python's
 * hashlib/hmac and libxcrypt's bcrypt, test/import/legacy-export.py): each format verifies its
 * own password and refuses a wrong one, and the import's shape checks accept every one of them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { checkHashShape, encodeLegacyHash, isImportHashFormat, legacyFormatOf, type LegacyHashFormat } from '../../src/domain/import/legacy-hash.js';
import { membershipHmacKey, verifyLegacyHash, withLegacyHashes } from '../../src/security/legacy-hashes.js';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';

interface Facts {
  accounts: { username: string; password: string; format: string }[];
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-legacy-hashes-'));
const facts = JSON.parse(execFileSync('python3', [path.join(import.meta.dirname, 'legacy-export.py'), dir, '24', '7'], { encoding: 'utf8' })) as Facts;
const rows = parse(fs.readFileSync(path.join(dir, 'accounts.csv')), { columns: true, bom: true }) as Record<string, string>[];
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('every legacy format verifies the password the independent generator hashed, and only that one', async () => {
  const seen = new Set<string>();
  for (const [i, row] of rows.entries()) {
    const format = row.hash_format ?? '';
    assert.ok(isImportHashFormat(format), format);
    assert.equal(checkHashShape(format, row.password_hash ?? '', row.salt ?? ''), undefined, `${format} row ${i}`);
    if (format === 'clear') continue;
    const stored = encodeLegacyHash({ format: format as LegacyHashFormat, salt: row.salt ?? '', hash: row.password_hash ?? '' });
    assert.equal(legacyFormatOf(stored), format);
    const password = facts.accounts[i]!.password;
    assert.equal(await verifyLegacyHash(stored, password), format !== 'none', `${format} right password`);
    assert.equal(await verifyLegacyHash(stored, `${password}x`), false, `${format} wrong password`);
    assert.equal(await verifyLegacyHash(stored, password.toUpperCase()), false, `${format} case matters`);
    seen.add(format);
  }
  assert.deepEqual([...seen].sort(), ['aspnet-identity-v2', 'aspnet-identity-v3', 'bcrypt', 'membership-hmacsha256', 'membership-sha1', 'membership-sha256', 'none']);
});

test('the service hasher dispatches: legacy strings by format, anything else by Argon2id', async () => {
  const hasher = withLegacyHashes(argon2Hasher);
  const argon = await hasher.hash('correct horse');
  assert.match(argon, /^\$argon2id\$/);
  assert.equal(await hasher.verify(argon, 'correct horse'), true);
  assert.equal(await hasher.verify(argon, 'wrong'), false);
  const row = rows.find((r) => r.hash_format === 'membership-sha256')!;
  const stored = encodeLegacyHash({ format: 'membership-sha256', salt: row.salt!, hash: row.password_hash! });
  assert.equal(await hasher.verify(stored, facts.accounts[rows.indexOf(row)]!.password), true);
  assert.equal(await hasher.verify('$legacy-membership-sha256$broken', 'x'), false);
});

test('the HMAC key is the salt repeated or cut to 64 bytes, as SqlMembershipProvider builds it', () => {
  const salt = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  const key = membershipHmacKey(salt);
  assert.equal(key.length, 64);
  assert.deepEqual(key.subarray(48), salt);
  const long = Buffer.alloc(80, 9);
  long[63] = 1;
  long[64] = 2;
  assert.deepEqual(membershipHmacKey(long), long.subarray(0, 64));
});

test('malformed hashes are refused at import with a reason', () => {
  assert.match(checkHashShape('aspnet-identity-v2', 'AAAA', '') ?? '', /Identity v2/);
  assert.match(checkHashShape('bcrypt', '$2x$10$abc', '') ?? '', /bcrypt/);
  assert.match(checkHashShape('membership-sha1', Buffer.alloc(20).toString('base64'), '') ?? '', /salt/);
  assert.match(checkHashShape('none', 'x', '') ?? '', /empty/);
  assert.match(checkHashShape('clear', '', '') ?? '', /empty/);
  const v3 = Buffer.alloc(13 + 16 + 32);
  v3[0] = 1;
  v3.writeUInt32BE(7, 1);
  assert.match(checkHashShape('aspnet-identity-v3', v3.toString('base64'), '') ?? '', /PRF/);
});
