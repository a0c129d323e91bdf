import { success, type Outcome } from '../outcome.js';
import type { Account, Caller } from '../ports.js';
import { checkUsername } from '../validation.js';
import type { AccountDeps } from './deps.js';
import { findAccountInTree } from './find-in-tree.js';

export async function getAccountInfo(
  deps: Pick<AccountDeps, 'uow'>,
  caller: Caller,
  input: { readonly username: string | null },
  field: string,
): Promise<Outcome<Account>> {
  const username = checkUsername(field, input.username);
  if (!username.ok) return username.failure;
  const found = await findAccountInTree(deps.uow, caller, username.value, { firstRead: true });
  if (!found.ok) return found.failure;
  return success(found.value);
}
