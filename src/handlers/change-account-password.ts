import { ChangeAccountPassword } from '../contract/operations/change-account-password.js';
import { changeAccountPassword } from '../domain/accounts/account-changes.js';
import { outcomeOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(ChangeAccountPassword);

export const handleChangeAccountPassword: Handler<typeof ChangeAccountPassword> = async (args, ctx) =>
  outcomeOutput(
    ChangeAccountPassword,
    await changeAccountPassword(
      ctx.deps.accounts,
      ctx.caller,
      { username: args.userName, password: args.password, newPassword: args.newPassword },
      { username: names.userName, password: names.password, newPassword: names.newPassword },
      ctx.request,
    ),
  );
