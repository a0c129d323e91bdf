/**
 * `ams account show` (formatted by cli/account-details.ts): what an operator needs to know about
 * one account. The columns are
 * listed one by one — never selectAll — so the password hash and the secret answer hash
 * cannot reach a terminal, a log or a support ticket by accident.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface AccountDetails {
  readonly username: string;
  readonly fullName: string;
  readonly email: string;
  readonly entityId: number;
  readonly entityName: string;
  readonly status: string;
  readonly lockedUntil: number | null;
  readonly isUltraSafe: boolean;
  readonly quotaMb: number;
  readonly usedSpaceKb: number;
  readonly backupServer: string;
  readonly licenseKey: string;
  readonly localeCode: string;
  readonly signupAt: number;
  readonly cancelledAt: number | null;
  readonly lastSignInAt: number | null;
  readonly failedSignIns: number;
  readonly emailNotificationsDisabled: boolean;
  readonly customerTypeCode: string;
  readonly paymentPlanId: number;
  readonly systems: readonly { readonly systemName: string; readonly deviceType: string; readonly usedKb: number; readonly updatedAt: number }[];
  readonly payments: number;
}

/** The account named (case-insensitively), or undefined. */
export async function loadAccountDetails(db: Kysely<Database>, username: string): Promise<AccountDetails | undefined> {
  const a = await db
    .selectFrom('accounts')
    .innerJoin('entities', 'entities.id', 'accounts.entity_id')
    .select([
      'accounts.id',
      'accounts.username',
      'accounts.full_name',
      'accounts.email',
      'accounts.entity_id',
      'entities.name as entity_name',
      'accounts.status',
      'accounts.locked_until',
      'accounts.is_ultrasafe',
      'accounts.quota_mb',
      'accounts.used_space_kb',
      'accounts.backup_server',
      'accounts.license_key',
      'accounts.locale_code',
      'accounts.signup_at',
      'accounts.cancelled_at',
      'accounts.last_sign_in_at',
      'accounts.failed_sign_ins',
      'accounts.email_notifications_disabled',
      'accounts.customer_type_code',
      'accounts.payment_plan_id',
    ])
    .where('accounts.username_key', '=', username.toLowerCase())
    .executeTakeFirst();
  if (!a) return undefined;
  const systems = await db
    .selectFrom('account_usage')
    .select(['system_name', 'device_type', 'used_kb', 'updated_at'])
    .where('account_id', '=', a.id)
    .orderBy('system_name')
    .execute();
  const payments = await db.selectFrom('account_payments').select((eb) => eb.fn.countAll<number | string>().as('n')).where('account_id', '=', a.id).executeTakeFirst();
  // Numbers through Number(): PostgreSQL returns bigint and count() as text.
  const ms = (v: number | null): number | null => (v === null ? null : Number(v));
  return {
    username: a.username,
    fullName: a.full_name,
    email: a.email,
    entityId: a.entity_id,
    entityName: a.entity_name,
    status: a.status,
    lockedUntil: ms(a.locked_until),
    isUltraSafe: a.is_ultrasafe === 1,
    quotaMb: Number(a.quota_mb),
    usedSpaceKb: Number(a.used_space_kb),
    backupServer: a.backup_server,
    licenseKey: a.license_key,
    localeCode: a.locale_code,
    signupAt: Number(a.signup_at),
    cancelledAt: ms(a.cancelled_at),
    lastSignInAt: ms(a.last_sign_in_at),
    failedSignIns: Number(a.failed_sign_ins),
    emailNotificationsDisabled: a.email_notifications_disabled === 1,
    customerTypeCode: a.customer_type_code,
    paymentPlanId: Number(a.payment_plan_id),
    systems: systems.map((s) => ({ systemName: s.system_name, deviceType: s.device_type, usedKb: Number(s.used_kb), updatedAt: Number(s.updated_at) })),
    payments: Number(payments?.n ?? 0),
  };
}
