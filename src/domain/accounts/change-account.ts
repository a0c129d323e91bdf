/**
 * The shape every change to an existing account takes: find it in the caller's tree, refuse
 * what its state forbids, do any slow preparation (password checks, hashing) outside the
 * transaction, then — after checking again inside the transaction, since the account may have
 * changed meanwhile — apply the change together with its audit record and notifications.
 */
import { success, type Failure, type Outcome, type Result } from '../outcome.js';
import type { Account, Caller, Notification, Repositories, RequestContext } from '../ports.js';
import type { AccountDeps } from './deps.js';
import { findAccountInTree } from './find-in-tree.js';

export interface ChangeEffects {
  /** Facts for the audit record; never a secret. */
  readonly detail: Readonly<Record<string, string | number | boolean>>;
  readonly notifications?: readonly Notification[];
}

export interface AccountChange<P> {
  /** A state that forbids the change (UltraSafe, Cancelled…), checked before and inside the transaction. */
  refuse?(account: Account): Failure | undefined;
  /** Slow work outside the transaction; a Failure stops the change. */
  prepare(account: Account): Promise<Result<P>>;
  /**
   * The writes. A Failure (returned before anything was written, e.g. a compare-and-set that
   * found the account changed) ends the change with no audit record.
   */
  apply(tx: Repositories, account: Account, prepared: P, now: Date): Promise<Result<ChangeEffects>>;
}

export async function changeAccount<P>(
  deps: AccountDeps,
  caller: Caller,
  username: string,
  context: RequestContext,
  change: AccountChange<P>,
): Promise<Outcome> {
  // The first read may be the one made with the partner check (the operation's
  // accountArgument): it only decides early refusals and feeds `prepare`; the transaction
  // below reads the account again and decides.
  const found = await findAccountInTree(deps.uow, caller, username, { firstRead: true });
  if (!found.ok) return found.failure;
  const refused = change.refuse?.(found.value);
  if (refused) return refused;
  const prepared = await change.prepare(found.value);
  if (!prepared.ok) return prepared.failure;

  return deps.uow.transaction(async (tx) => {
    const current = await findAccountInTree(tx, caller, username);
    if (!current.ok) return current.failure;
    const refusedNow = change.refuse?.(current.value);
    if (refusedNow) return refusedNow;
    const now = deps.clock.now();
    const applied = await change.apply(tx, current.value, prepared.value, now);
    if (!applied.ok) return applied.failure;
    const effects = applied.value;
    await tx.audit.record({
      at: now,
      context,
      caller,
      accountId: current.value.id,
      accountUsername: current.value.username,
      outcome: 'Success',
      detail: effects.detail,
    });
    for (const n of effects.notifications ?? []) await tx.outbox.enqueue(n, now);
    return success();
  });
}

/** The notice of an event, addressed to `to` (default: the account's address), if there is one. */
export function noticeTo(account: Account, event: Notification['event'], to: string = account.email): Notification[] {
  return to === '' ? [] : [{ event, entityId: account.entityId, to, username: account.username, fullName: account.fullName, localeCode: account.localeCode }];
}

/** A password change or a cancellation ends every session the old state allowed. */
export async function revokeAllTokens(tx: Repositories, accountId: number, now: Date): Promise<number> {
  return (await tx.tokens.revokeForAccount(accountId, 'authentication', now)) + (await tx.tokens.revokeForAccount(accountId, 'authorization', now));
}
