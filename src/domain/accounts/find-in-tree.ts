import { failure, type Failure } from '../outcome.js';
import type { Account, Caller, Repositories } from '../ports.js';

/**
 * The account a caller may act on, or why not: `AccountNotFound` when no account has the
 * name, `ObjectEntityMismatch` when it belongs outside the caller's tree or to an inactive
 * entity.
 */
export async function findAccountInTree(
  repos: Repositories,
  caller: Caller,
  username: string,
): Promise<{ readonly account: Account } | { readonly failure: Failure }> {
  const account = await repos.accounts.findByUsername(username);
  if (!account) return { failure: failure('AccountNotFound') };
  if (!(await repos.entities.isWithinTree(caller.entityId, account.entityId))) {
    return { failure: failure('ObjectEntityMismatch', 'The account belongs to an entity outside your tree.') };
  }
  const entity = await repos.entities.findById(account.entityId);
  if (!entity || !entity.active) return { failure: failure('ObjectEntityMismatch', "The account's entity is inactive.") };
  return { account };
}
