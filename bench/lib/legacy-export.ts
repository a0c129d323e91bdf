/**
 * Writes a large legacy export for the import benchmark: a tree of entities, partner users and
 * accounts whose passwords are hashed the SqlMembershipProvider ways (SHA1, SHA256, HMACSHA256),
 * computed here with node:crypto directly (not AMS's code). Streamed to disk, never held whole.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';

export interface LegacySize {
  readonly entities: number;
  readonly partnerUsers: number;
  readonly accounts: number;
  /** Accounts with `clear` passwords (hashed with Argon2id at import). */
  readonly clearAccounts?: number;
}

const FORMATS = ['membership-sha1', 'membership-sha256', 'membership-hmacsha256'] as const;

function membership(format: (typeof FORMATS)[number], password: string, salt: Buffer): string {
  const utf16 = Buffer.from(password, 'utf16le');
  if (format === 'membership-hmacsha256') {
    const key = Buffer.alloc(64);
    for (let at = 0; at < 64; at += salt.length) salt.copy(key, at);
    return createHmac('sha256', key).update(utf16).digest('base64');
  }
  return createHash(format === 'membership-sha1' ? 'sha1' : 'sha256').update(salt).update(utf16).digest('base64');
}

async function writeLines(file: string, header: string, count: number, line: (i: number) => string): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write(`${header}\n`);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${line(i)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export const legacyPassword = (i: number): string => `legacy-pw-${i}`;
export const legacyAccountName = (i: number): string => `legacy.user${i}`;

export async function writeLegacyExport(dir: string, size: LegacySize): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  // Legacy ids from 100001: root, then 99 resellers under it, then customers under the resellers.
  const id = (i: number): number => 100_001 + i;
  await writeLines(path.join(dir, 'entities.csv'), 'id,parent_id,name,customer_type_code,active', size.entities, (i) =>
    i === 0 ? `${id(0)},,Root,,1` : `${id(i)},${i < 100 ? id(0) : id(1 + (i % 99))},Entity ${i},${i % 3 === 0 ? 'SMB' : ''},1`,
  );
  await writeLines(path.join(dir, 'partner-users.csv'), 'entity_id,username,secret_hash,hash_format,salt,active', size.partnerUsers, (i) => {
    const salt = randomBytes(16);
    return `${id(i % size.entities)},partner${i},${membership('membership-hmacsha256', `partner-secret-${i}`, salt)},membership-hmacsha256,${salt.toString('base64')},1`;
  });
  const clear = size.clearAccounts ?? 0;
  await writeLines(
    path.join(dir, 'accounts.csv'),
    'entity_id,username,password_hash,hash_format,salt,full_name,email,quota_mb,ultrasafe,status,backup_server,license_key,locale_code,secret_question,answer_hash,answer_hash_format,answer_salt,emails_disabled,signup_utc,cancel_utc,last_signin_utc,payment_plan_id',
    size.accounts + clear,
    (i) => {
      const password = legacyPassword(i);
      let hash: string;
      let format: string;
      let salt = '';
      if (i >= size.accounts) {
        [hash, format] = [password, 'clear'];
      } else {
        format = FORMATS[i % 3]!;
        const saltBytes = randomBytes(16);
        salt = saltBytes.toString('base64');
        hash = membership(FORMATS[i % 3]!, password, saltBytes);
      }
      return `${id(100 + (i % (size.entities - 100)))},${legacyAccountName(i)},${hash},${format},${salt},User ${i},user${i}@example.com,${1024 + (i % 10) * 1024},${i % 11 === 0 ? 1 : 0},Active,backup-${(i % 4) + 1},LK-${i},en-US,,,,,0,2016-05-0${(i % 9) + 1} 10:00:00.000,,2024-01-01T00:00:00Z,${i % 5}`;
    },
  );
}
