/**
 * Checking a backup account's own password, with the lock-out of SERVICE.md §4. The check is
 * reserved in the store BEFORE hashing (one conditional UPDATE), so however many requests
 * arrive at once, on however many instances, at most `maxFailures` checks per window (and
 * `maxChecksPerHour` per hour) reach the hasher; the rest answer AccountLocked unhashed. A
 * failure keeps its reservation (and may lock the account); a success gives it back.
 */
import { failure, ok, refusal, type Result } from '../outcome.js';
import type { Account } from '../ports.js';
import type { AccountDeps } from './deps.js';
import { upgradeLegacyHash } from '../import/upgrade-legacy-hash.js';

/** Longer than any policy allows: certainly wrong, and not worth hashing. */
const MAX_PASSWORD_LENGTH = 1024;

/** SERVICE.md §4: never more than this many password checks per account per hour. */
export const MAX_PASSWORD_CHECKS_PER_HOUR = 100;

export function isLocked(account: Account, now: Date): boolean {
  return account.lockedUntil !== null && account.lockedUntil.getTime() > now.getTime();
}

/** The password was right: the credential generation it was checked against (tokens record it). */
export interface ProvenPassword {
  readonly credentialGeneration: number;
}

export async function checkAccountPassword(deps: AccountDeps, account: Account, password: string): Promise<Result<ProvenPassword>> {
  // Cheap answers first: a lock read with the account costs no write.
  if (isLocked(account, deps.clock.now())) return refusal(failure('AccountLocked'));
  const reservation = await deps.uow.accounts.reserveSignInCheck(account.id, deps.clock.now(), deps.lockout);
  if (!reservation.granted) return refusal(failure('AccountLocked'));
  // The hash read by the reservation itself: the generation reported is the one really checked.
  const valid = password.length <= MAX_PASSWORD_LENGTH && (await deps.hasher.verify(reservation.passwordHash, password));
  if (!valid) {
    await deps.uow.accounts.recordFailedSignIn(account.id, deps.clock.now(), deps.lockout);
    return refusal(failure('InvalidAccountCredentials'));
  }
  await deps.uow.accounts.recordSuccessfulSignIn(account.id, deps.clock.now());
  // Issue 18: a legacy hash (from an import) that just verified is replaced by Argon2id.
  await upgradeLegacyHash(deps, { kind: 'account', id: account.id, username: account.username, entityId: account.entityId, storedHash: reservation.passwordHash }, password);
  return ok({ credentialGeneration: reservation.credentialGeneration });
}
