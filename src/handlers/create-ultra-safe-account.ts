import { CreateUltraSafeAccount } from '../contract/operations/create-ultra-safe-account.js';
import { checkNewAccountFields, createAccount } from '../domain/accounts/create-account.js';
import { outcomeOutput, type Handler } from './handler.js';

/** The obsolete call: an UltraSafe account in the caller's own entity, with the default quota. */
export const handleCreateUltraSafeAccount: Handler<typeof CreateUltraSafeAccount> = async (args, ctx) => {
  const fields = checkNewAccountFields(
    ctx.deps.accounts,
    {
      firstName: args.firstName,
      username: args.userName,
      password: args.password,
      email: args.email,
      licenseKey: args.licenseKey,
      localeCode: args.localeCode,
      secretQuestion: args.secretQuestion,
      secretAnswer: args.answer,
    },
    {
      firstName: 'firstName',
      username: 'userName',
      password: 'password',
      email: 'email',
      licenseKey: 'licenseKey',
      localeCode: 'localeCode',
      secretQuestion: 'secretQuestion',
      secretAnswer: 'answer',
    },
  );
  if ('code' in fields) return outcomeOutput(CreateUltraSafeAccount, fields);
  const outcome = await createAccount(
    ctx.deps.accounts,
    ctx.caller,
    { ...fields, entityId: 0, quotaMb: ctx.deps.accounts.defaultQuotaMb, isUltraSafe: true, disableEmailNotifications: false },
    ctx.request,
  );
  return outcomeOutput(CreateUltraSafeAccount, outcome);
};
