/**
 * Authenticate (SERVICE.md §4, §5): checks a backup account's password with the per-account
 * lock-out. While locked, the password is not checked at all, which also bounds the Argon2 work
 * an attacker can cause per account (at most maxFailures checks per lock period).
 */
import { failure, success, type Outcome } from '../outcome.js';
import type { Caller } from '../ports.js';
import { checkUsername } from '../validation.js';
import { effectiveStatus, type AccountStatus } from './account.js';
import type { AccountDeps } from './deps.js';
import { findAccountInTree } from './find-in-tree.js';

export interface SignInReport {
  readonly status: AccountStatus;
  readonly backupServer: string;
}

export interface AuthenticateAccountInput {
  readonly username: string | null;
  readonly password: string | null;
}

/** Outcome with the account's status even on failure where the status is known (AccountLocked). */
export type AuthenticateOutcome = Outcome<SignInReport> & { readonly report?: SignInReport };

const MAX_PASSWORD_LENGTH = 1024; // far above the policy; longer is certainly wrong and not worth hashing

export async function authenticateAccount(
  deps: AccountDeps,
  caller: Caller,
  input: AuthenticateAccountInput,
  fields: { readonly username: string; readonly password: string },
): Promise<AuthenticateOutcome> {
  const username = checkUsername(fields.username, input.username);
  if (!username.ok) return username.failure;
  if (input.password === null || input.password === '') return failure('InvalidInputParameters', `${fields.password} is required.`);

  const found = await findAccountInTree(deps.uow, caller, username.value);
  if ('failure' in found) return found.failure;
  const account = found.account;
  const now = deps.clock.now();
  if (account.lockedUntil !== null && account.lockedUntil > now) {
    return { ...failure('AccountLocked'), report: { status: 'Locked', backupServer: account.backupServer } };
  }

  const valid = input.password.length <= MAX_PASSWORD_LENGTH && (await deps.hasher.verify(account.passwordHash, input.password));
  if (!valid) {
    await deps.uow.accounts.recordFailedSignIn(account.id, deps.clock.now(), deps.lockout);
    return failure('InvalidAccountCredentials');
  }
  await deps.uow.accounts.recordSuccessfulSignIn(account.id, deps.clock.now());
  const report = { status: effectiveStatus(account, now), backupServer: account.backupServer };
  return { ...success(report), report };
}
