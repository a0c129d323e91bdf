/**
 * ChangeBackupAccountPassword (SERVICE.md §5): a partner resets a customer's password.
 * Refused for UltraSafe accounts (their key is derived from the password, so only the owner
 * may change it) and for cancelled ones; otherwise one transaction stores the new hash,
 * unlocks the account, revokes its authentication tokens, writes the audit record and, when
 * asked, queues the notice — which never contains the password.
 */
import { failure, ok, type Failure, type Outcome } from '../outcome.js';
import type { Account, Caller, RequestContext } from '../ports.js';
import { checkPassword, checkUsername } from '../validation.js';
import { changeAccount, noticeTo, revokeAllTokens } from './change-account.js';
import type { AccountDeps } from './deps.js';

export interface ChangeBackupAccountPasswordInput {
  readonly username: string | null;
  readonly newPassword: string | null;
  readonly sendEmailToCustomer: boolean;
}

export function refuseCancelled(account: Account): Failure | undefined {
  return account.status === 'Cancelled' ? failure('InvalidAccountState', 'The account is cancelled.') : undefined;
}

export async function changeBackupAccountPassword(
  deps: AccountDeps,
  caller: Caller,
  input: ChangeBackupAccountPasswordInput,
  context: RequestContext,
): Promise<Outcome> {
  const username = checkUsername('Username', input.username);
  if (!username.ok) return username.failure;
  const password = checkPassword('NewPassword', input.newPassword, deps.passwordPolicy);
  if (!password.ok) return password.failure;

  return changeAccount(deps, caller, username.value, context, {
    refuse: (account) => (account.isUltraSafe ? failure('UltraSafeNotSupported') : refuseCancelled(account)),
    prepare: async () => ok(await deps.hasher.hash(password.value)),
    async apply(tx, account, passwordHash, now) {
      await tx.accounts.setPassword(account.id, passwordHash, now);
      const revoked = await revokeAllTokens(tx, account.id, now);
      const notify = input.sendEmailToCustomer && account.email !== '';
      return ok({
        detail: { sendEmailToCustomer: input.sendEmailToCustomer, notified: notify, tokensRevoked: revoked },
        notifications: notify ? noticeTo(account, 'password-changed') : [],
      });
    },
  });
}
