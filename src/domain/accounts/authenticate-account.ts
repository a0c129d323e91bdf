/**
 * Authenticate (SERVICE.md §4, §5): checks a backup account's password with the per-account
 * lock-out, and reports the account's status whatever it is: the backup client decides.
 */
import { failure, success, type Outcome } from '../outcome.js';
import type { Caller } from '../ports.js';
import { checkUsername } from '../validation.js';
import { effectiveStatus, type AccountStatus } from './account.js';
import type { AccountDeps } from './deps.js';
import { findAccountInTree } from './find-in-tree.js';
import { checkAccountPassword } from './account-password.js';

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

export async function authenticateAccount(
  deps: AccountDeps,
  caller: Caller,
  input: AuthenticateAccountInput,
  fields: { readonly username: string; readonly password: string },
): Promise<AuthenticateOutcome> {
  const username = checkUsername(fields.username, input.username);
  if (!username.ok) return username.failure;
  if (input.password === null || input.password === '') return failure('InvalidInputParameters', `${fields.password} is required.`);

  const found = await findAccountInTree(deps.uow, caller, username.value, { signIn: true });
  if (!found.ok) return found.failure;
  const account = found.value;
  const now = deps.clock.now();
  const checked = await checkAccountPassword(deps, account, input.password);
  if (!checked.ok && checked.failure.code === 'AccountLocked') return { ...checked.failure, report: { status: 'Locked', backupServer: account.backupServer } };
  if (!checked.ok) return checked.failure;
  const report = { status: effectiveStatus(account, now), backupServer: account.backupServer };
  return { ...success(report), report };
}
