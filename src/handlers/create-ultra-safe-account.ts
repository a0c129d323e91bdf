import { CreateUltraSafeAccount } from '../contract/operations/create-ultra-safe-account.js';
import { createAccount } from '../domain/accounts/create-account.js';
import { checkLegacyAccountFields } from './legacy-account-fields.js';
import { outcomeOutput, type Handler } from './handler.js';

/** The obsolete call: an UltraSafe account in the caller's own entity, with the default quota. */
export const handleCreateUltraSafeAccount: Handler<typeof CreateUltraSafeAccount> = async (args, ctx) => {
  const fields = checkLegacyAccountFields(ctx, args);
  if (!fields.ok) return outcomeOutput(CreateUltraSafeAccount, fields.failure);
  const outcome = await createAccount(
    ctx.deps.accounts,
    ctx.caller,
    { ...fields.value, entityId: 0, quotaMb: ctx.deps.accounts.defaultQuotaMb, isUltraSafe: true, disableEmailNotifications: false },
    ctx.request,
  );
  return outcomeOutput(CreateUltraSafeAccount, outcome);
};
