import { ChangeBackupAccountPassword } from '../contract/operations/change-backup-account-password.js';
import { changeBackupAccountPassword } from '../domain/accounts/change-backup-account-password.js';
import { outcomeOutput, type Handler } from './handler.js';

export const handleChangeBackupAccountPassword: Handler<typeof ChangeBackupAccountPassword> = async (args, ctx) =>
  outcomeOutput(
    ChangeBackupAccountPassword,
    await changeBackupAccountPassword(
      ctx.deps.accounts,
      ctx.caller,
      { username: args.Username, newPassword: args.NewPassword, sendEmailToCustomer: args.SendEmailToCustomer },
      ctx.request,
    ),
  );
