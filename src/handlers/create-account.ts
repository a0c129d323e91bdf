import { CreateAccount } from '../contract/operations/create-account.js';
import { createAccount } from '../domain/accounts/create-account.js';
import { checkLegacyAccountFields } from './legacy-account-fields.js';
import { outcomeOutput, type Handler } from './handler.js';

/** The obsolete call: a regular account in the caller's own entity, with the default quota. */
export const handleCreateAccount: Handler<typeof CreateAccount> = async (args, ctx) => {
  const fields = checkLegacyAccountFields(ctx, args);
  if (!fields.ok) return outcomeOutput(CreateAccount, fields.failure);
  const outcome = await createAccount(
    ctx.deps.accounts,
    ctx.caller,
    { ...fields.value, entityId: 0, quotaMb: ctx.deps.accounts.defaultQuotaMb, isUltraSafe: false, disableEmailNotifications: false },
    ctx.request,
  );
  return outcomeOutput(CreateAccount, outcome);
};
