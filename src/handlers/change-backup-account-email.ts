import { ChangeBackupAccountEmail } from '../contract/operations/change-backup-account-email.js';
import { changeAccountEmail } from '../domain/accounts/account-changes.js';
import { outcomeOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(ChangeBackupAccountEmail);

export const handleChangeBackupAccountEmail: Handler<typeof ChangeBackupAccountEmail> = async (args, ctx) =>
  outcomeOutput(
    ChangeBackupAccountEmail,
    await changeAccountEmail(
      ctx.deps.accounts,
      ctx.caller,
      { username: args.Username, email: args.Email, notify: args.SendEmailToCustomer },
      { username: names.Username, email: names.Email },
      ctx.request,
    ),
  );
