import { ChangeAccountEmail } from '../contract/operations/change-account-email.js';
import { changeAccountEmail } from '../domain/accounts/account-changes.js';
import { outcomeOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(ChangeAccountEmail);

/** The obsolete form: proves the account password and always notifies the new address. */
export const handleChangeAccountEmail: Handler<typeof ChangeAccountEmail> = async (args, ctx) =>
  outcomeOutput(
    ChangeAccountEmail,
    await changeAccountEmail(
      ctx.deps.accounts,
      ctx.caller,
      { username: args.userName, password: args.password, email: args.email, notify: true },
      { username: names.userName, password: names.password, email: names.email },
      ctx.request,
    ),
  );
