/**
 * Checking a backup account's own password, with the lock-out of SERVICE.md §4: while locked
 * the password is not checked at all (so an attacker gets at most `maxFailures` Argon2 checks
 * per lock period); each failure is counted atomically in the store.
 */
import { failure, type Failure } from '../outcome.js';
import type { Account } from '../ports.js';
import type { AccountDeps } from './deps.js';
import { upgradeLegacyHash } from '../import/upgrade-legacy-hash.js';

/** Longer than any policy allows: certainly wrong, and not worth hashing. */
const MAX_PASSWORD_LENGTH = 1024;

export function isLocked(account: Account, now: Date): boolean {
  return account.lockedUntil !== null && account.lockedUntil.getTime() > now.getTime();
}

/** undefined when the password is right (and the failure count is reset); otherwise why not. */
export async function checkAccountPassword(deps: AccountDeps, account: Account, password: string): Promise<Failure | undefined> {
  if (isLocked(account, deps.clock.now())) return failure('AccountLocked');
  const valid = password.length <= MAX_PASSWORD_LENGTH && (await deps.hasher.verify(account.passwordHash, password));
  if (!valid) {
    await deps.uow.accounts.recordFailedSignIn(account.id, deps.clock.now(), deps.lockout);
    return failure('InvalidAccountCredentials');
  }
  await upgradeLegacyHash(deps, { kind: 'account', id: account.id, username: account.username, entityId: account.entityId, storedHash: account.passwordHash }, password);
  return undefined;
}
