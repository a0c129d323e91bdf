/**
 * Creating-account tokens: a partner pre-authorises one account under one of its entities with
 * a fixed quota and UltraSafe flag; the customer redeems it once with CreateAccountByToken. The
 * token is consumed in the same transaction that creates the account, so a failed creation
 * (e.g. a taken user name) leaves it usable, and two racing redemptions cannot both succeed.
 */
import { failure, invalidInput, success, type Outcome } from '../outcome.js';
import type { Caller, RequestContext } from '../ports.js';
import { checkPositiveSize } from '../validation.js';
import { checkNewAccountFields, createAccount } from '../accounts/create-account.js';
import type { AccountDeps } from '../accounts/deps.js';
import { MAX_TOKEN_LENGTH, mintToken, type IssuedToken } from './account-tokens.js';

export async function generateCreatingAccountToken(
  deps: AccountDeps,
  caller: Caller,
  input: { targetEntityId: number; accountSizeMb: bigint; isUltraSafe: boolean; validForHours: number },
  names: { targetEntityId: string; accountSizeMb: string; validForHours: string },
): Promise<Outcome<IssuedToken>> {
  if (input.targetEntityId < 0) return invalidInput(`${names.targetEntityId} must not be negative.`);
  const size = checkPositiveSize(names.accountSizeMb, input.accountSizeMb);
  if (!size.ok) return size.failure;
  const hours = input.validForHours === 0 ? deps.tokens.defaultCreatingAccountHours : input.validForHours;
  if (hours < 1 || hours > deps.tokens.maxCreatingAccountHours) {
    return invalidInput(`${names.validForHours} must be between 1 and ${deps.tokens.maxCreatingAccountHours} (0 means ${deps.tokens.defaultCreatingAccountHours}).`);
  }
  const entityId = input.targetEntityId === 0 ? caller.entityId : input.targetEntityId;
  const entity = await deps.uow.entities.findById(entityId);
  if (!entity || !entity.active || !(await deps.uow.entities.isWithinTree(caller.entityId, entityId))) {
    return failure('ObjectEntityMismatch', `${names.targetEntityId} is not an active entity in your tree.`);
  }
  const { token, digest, now, expiresAt } = mintToken(deps, hours * 3_600_000);
  await deps.uow.tokens.insertCreatingAccount(
    { digest, entityId, quotaMb: size.value, isUltraSafe: input.isUltraSafe, issuedBy: caller.userId, expiresAt },
    now,
  );
  return success({ token, expiresAt });
}

export async function createAccountByToken(
  deps: AccountDeps,
  caller: Caller,
  input: { token: string | null; username: string | null; password: string | null; fullName: string | null; email: string | null },
  /** The edge's names of the fields, for the messages (the domain knows no wire names). */
  names: { token: string; username: string; password: string; fullName: string; email: string },
  context: RequestContext,
): Promise<Outcome> {
  if (!input.token) return invalidInput(`${names.token} is required.`);
  const fields = checkNewAccountFields(deps, input, names);
  if (!fields.ok) return fields.failure;
  if (input.token.length > MAX_TOKEN_LENGTH) return failure('InvalidToken');
  const digest = deps.tokenCodec.digest(input.token);
  const stored = await deps.uow.tokens.findCreatingAccount(digest);
  const now = deps.clock.now();
  if (!stored || stored.usedAt !== null || stored.expiresAt.getTime() <= now.getTime()) return failure('InvalidToken');
  if (!(await deps.uow.entities.isWithinTree(caller.entityId, stored.entityId))) return failure('InvalidToken');
  const created = await createAccount(
    deps,
    caller,
    {
      ...fields.value,
      entityId: stored.entityId,
      quotaMb: stored.quotaMb,
      isUltraSafe: stored.isUltraSafe,
      disableEmailNotifications: false,
      alsoInTransaction: async (tx, accountId, at) =>
        (await tx.tokens.consumeCreatingAccount(digest, accountId, at)) ? undefined : failure('InvalidToken'),
    },
    context,
  );
  return created.ok ? success() : created;
}
