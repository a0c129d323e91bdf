/** Read-only questions about accounts: used space (total and per system), payments, the tree listing. */
import { invalidInput, success, type Outcome } from '../outcome.js';
import type { Account, AccountListItem, Caller, Payment, SystemUsage } from '../ports.js';
import { checkOptionalText, checkUsername } from '../validation.js';
import type { AccountDeps } from './deps.js';
import { findAccountInTree } from './find-in-tree.js';

/** The account named by `field`, if the caller may see it. */
export async function readAccount(deps: Pick<AccountDeps, 'uow'>, caller: Caller, username: string | null, field: string): Promise<Outcome<Account>> {
  const checked = checkUsername(field, username);
  if (!checked.ok) return checked.failure;
  const found = await findAccountInTree(deps.uow, caller, checked.value, { firstRead: true });
  return !found.ok ? found.failure : success(found.value);
}

export async function usageBySystem(
  deps: Pick<AccountDeps, 'uow'>,
  caller: Caller,
  username: string | null,
  field: string,
): Promise<Outcome<{ account: Account; systems: readonly SystemUsage[] }>> {
  const read = await readAccount(deps, caller, username, field);
  if (!read.ok) return read;
  return success({ account: read.value, systems: await deps.uow.accounts.usageBySystem(read.value.id) });
}

export async function accountPayments(
  deps: Pick<AccountDeps, 'uow'>,
  caller: Caller,
  username: string | null,
  field: string,
): Promise<Outcome<readonly Payment[]>> {
  const read = await readAccount(deps, caller, username, field);
  if (!read.ok) return read;
  return success(await deps.uow.accounts.payments(read.value.id));
}

/**
 * GetAllAccounts: every account in the caller's tree, by user name, in batches of `batchSize`
 * read as the caller asks for them; an empty or missing code means no filter.
 */
export function allAccounts(
  deps: Pick<AccountDeps, 'uow'>,
  caller: Caller,
  customerTypeCode: string | null,
  field: string,
  batchSize: number,
): Outcome<AsyncIterable<readonly AccountListItem[]>> {
  const code = checkOptionalText(field, customerTypeCode, 50);
  if (!code.ok) return code.failure;
  if (/[^A-Za-z0-9_.-]/.test(code.value)) return invalidInput(`${field} may contain only letters, digits and . _ -.`);
  return success(deps.uow.accounts.listInTreeBatches(caller.entityId, code.value === '' ? null : code.value, batchSize));
}
