/** Records for store-level tests: a plausible NewAccount, and an entity row inserted directly. */
import type { Kysely } from 'kysely';
import type { NewAccount } from '../../src/domain/ports.js';
import type { Database } from '../../src/store/schema.js';

export const STORE_TEST_NOW = new Date('2026-01-15T10:30:00Z');

export function newAccount(username: string, entityId: number, extra: Partial<NewAccount> = {}): NewAccount {
  return {
    username,
    passwordHash: 'hash-1',
    fullName: 'Full Name',
    firstName: 'Full',
    email: `${username}@example.com`,
    entityId,
    quotaMb: 10240,
    isUltraSafe: false,
    backupServer: 'backup-01',
    licenseKey: '',
    localeCode: 'en-US',
    secretQuestion: '',
    secretAnswerHash: '',
    emailNotificationsDisabled: false,
    customerTypeCode: '',
    signupAt: STORE_TEST_NOW,
    ...extra,
  };
}

export async function insertEntity(db: Kysely<Database>, name: string, parentId: number | null): Promise<number> {
  const row = await db
    .insertInto('entities')
    .values({ name, parent_id: parentId, active: 1, customer_type_code: '', created_at: STORE_TEST_NOW.getTime() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
