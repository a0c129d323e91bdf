/**
 * ChangeBackupAccountPassword (SERVICE.md §5): a partner resets a customer's password.
 * Refused for UltraSafe accounts (their key is derived from the password, so only the owner
 * may change it) and for cancelled ones; otherwise one transaction stores the new hash,
 * unlocks the account, revokes its authentication tokens, writes the audit record and, when
 * asked, queues the notice — which never contains the password.
 */
import { failure, success, type Outcome } from '../outcome.js';
import type { Account, Caller, RequestContext } from '../ports.js';
import { checkPassword, checkUsername } from '../validation.js';
import type { AccountDeps } from './deps.js';
import { findAccountInTree } from './find-in-tree.js';

export interface ChangeBackupAccountPasswordInput {
  readonly username: string | null;
  readonly newPassword: string | null;
  readonly sendEmailToCustomer: boolean;
}

function refusal(account: Account): Outcome | undefined {
  if (account.isUltraSafe) return failure('UltraSafeNotSupported');
  if (account.status === 'Cancelled') return failure('InvalidAccountState', 'The account is cancelled.');
  return undefined;
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

  // Refuse cheaply before paying for a hash...
  const found = await findAccountInTree(deps.uow, caller, username.value);
  if ('failure' in found) return found.failure;
  const refused = refusal(found.account);
  if (refused) return refused;

  const passwordHash = await deps.hasher.hash(password.value);

  return deps.uow.transaction(async (tx) => {
    // ...and decide again inside the transaction: the account may have changed meanwhile.
    const current = await findAccountInTree(tx, caller, username.value);
    if ('failure' in current) return current.failure;
    const account = current.account;
    const refusedNow = refusal(account);
    if (refusedNow) return refusedNow;

    const now = deps.clock.now();
    await tx.accounts.setPassword(account.id, passwordHash, now);
    const revoked = await tx.tokens.revokeForAccount(account.id, 'authentication', now);
    const notify = input.sendEmailToCustomer && account.email !== '';
    await tx.audit.record({
      at: now,
      context,
      caller,
      accountId: account.id,
      accountUsername: account.username,
      outcome: 'Success',
      detail: { sendEmailToCustomer: input.sendEmailToCustomer, notified: notify, tokensRevoked: revoked },
    });
    if (notify) {
      await tx.outbox.enqueue(
        {
          event: 'password-changed',
          to: account.email,
          username: account.username,
          fullName: account.fullName,
          localeCode: account.localeCode,
        },
        now,
      );
    }
    return success();
  });
}

