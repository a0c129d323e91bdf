/** Account facts that are rules, not storage. */
export const ACCOUNT_STATUSES = ['Active', 'Cancelled', 'Expired', 'Inactive', 'Locked', 'Suspended'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export function isAccountStatus(value: string): value is AccountStatus {
  return (ACCOUNT_STATUSES as readonly string[]).includes(value);
}

/**
 * The status a client sees: a sign-in lock shows as `Locked` while it lasts and disappears by
 * itself when it expires; the stored status underneath is untouched.
 */
export function effectiveStatus(account: { status: AccountStatus; lockedUntil: Date | null }, now: Date): AccountStatus {
  return account.lockedUntil !== null && account.lockedUntil.getTime() > now.getTime() ? 'Locked' : account.status;
}
