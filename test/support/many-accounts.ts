/**
 * Many accounts in one entity, inserted in multi-row statements (no password hashing: these
 * accounts are listed, never signed in). Names mix case and sort apart from their insertion
 * order; every tenth full name carries characters the encoder must escape, and some non-ASCII.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

export function manyAccountName(prefix: string, i: number): string {
  // A scrambled number, so the listing order (by lower-cased name) is not the insertion order.
  const scrambled = (i * 7919) % 1_000_003;
  return `${i % 3 === 0 ? prefix.toUpperCase() : prefix}${String(scrambled).padStart(7, '0')}-${i}`;
}

export async function addManyAccounts(db: Kysely<Database>, entityId: number, count: number, prefix = 'user', rowsPerStatement = 500): Promise<void> {
  const signup = Date.UTC(2024, 2, 3, 4, 5, 6);
  for (let start = 0; start < count; start += rowsPerStatement) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + rowsPerStatement); i++) {
      const username = manyAccountName(prefix, i);
      rows.push({
        username,
        username_key: username.toLowerCase(),
        password_hash: 'not-a-hash',
        full_name: i % 10 === 0 ? `Müller & <Söhne> "${i}" 'GmbH'` : `Customer ${i}`,
        first_name: 'Listed',
        email: `${username.toLowerCase()}@example.com`,
        entity_id: entityId,
        quota_mb: 1024,
        used_space_kb: 0,
        is_ultrasafe: 0,
        status: 'Active',
        backup_server: 'backup-01',
        license_key: '',
        locale_code: 'en-US',
        signup_at: signup + i * 1000,
        cancelled_at: null,
        updated_at: signup,
        customer_type_code: i % 2 === 0 ? 'SMB' : 'HOME',
        secret_question: '',
        secret_answer_hash: '',
        email_notifications_disabled: 0,
        payment_plan_id: i % 5,
        failed_sign_ins: 0,
      });
    }
    await db.insertInto('accounts').values(rows).execute();
  }
}
