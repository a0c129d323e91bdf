import { failure, ok, refusal, type Result } from '../outcome.js';
import type { Account, Caller, Repositories } from '../ports.js';

/**
 * The account a caller may act on, or why not: `AccountNotFound` when no account has the
 * name, `ObjectEntityMismatch` when it belongs outside the caller's tree or to an inactive
 * entity (one disabled itself or below a disabled one).
 *
 * `signIn`: the account's own sign-in (Authenticate, its tokens) keeps working under a disabled
 * entity (issue 17): customers are not punished for their reseller; an operator who wants that
 * cancels the accounts.
 *
 * `firstRead`: this is the call's first read of the account and `repos` is no transaction's,
 * so the account read with the partner check (`caller.readAhead`) may answer it: the same
 * committed state this read would have found (ports.ts, `AccountReadAhead`).
 */
export async function findAccountInTree(
  repos: Repositories,
  caller: Caller,
  username: string,
  { signIn = false, firstRead = false }: { readonly signIn?: boolean; readonly firstRead?: boolean } = {},
): Promise<Result<Account>> {
  const ahead = caller.readAhead;
  const found = firstRead && ahead !== undefined && ahead.username === username ? ahead.found : await repos.accounts.findInTree(username, caller.entityId);
  if (!found) return refusal(failure('AccountNotFound'));
  if (!found.inTree) return refusal(failure('ObjectEntityMismatch', 'The account belongs to an entity outside your tree.'));
  if (!found.entityActive && !signIn) return refusal(failure('ObjectEntityMismatch', "The account's entity is inactive."));
  return ok(found.account);
}
