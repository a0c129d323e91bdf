import { CreateAccountBySize } from '../contract/operations/create-account-by-size.js';
import { createAccount } from '../domain/accounts/create-account.js';
import { checkOptionalEmail, checkOptionalText, checkPassword, checkPositiveSize, checkUsername } from '../domain/validation.js';
import { outcomeOutput, type Handler } from './handler.js';

export const handleCreateAccountBySize: Handler<typeof CreateAccountBySize> = async (args, ctx) => {
  const op = CreateAccountBySize;
  const username = checkUsername('Username', args.Username);
  if (!username.ok) return outcomeOutput(op, username.failure);
  const password = checkPassword('Password', args.Password, ctx.deps.accounts.passwordPolicy);
  if (!password.ok) return outcomeOutput(op, password.failure);
  const size = checkPositiveSize('AccountSizeMB', args.AccountSizeMB);
  if (!size.ok) return outcomeOutput(op, size.failure);
  const fullName = checkOptionalText('FullName', args.FullName, 200);
  if (!fullName.ok) return outcomeOutput(op, fullName.failure);
  const email = checkOptionalEmail('Email', args.Email);
  if (!email.ok) return outcomeOutput(op, email.failure);
  if (args.TargetEntityId < 0) return outcomeOutput(op, { code: 'InvalidInputParameters', message: 'TargetEntityId must not be negative.' });

  const outcome = await createAccount(
    ctx.deps.accounts,
    ctx.caller,
    {
      username: username.value,
      password: password.value,
      targetEntityId: args.TargetEntityId,
      quotaMb: size.value,
      fullName: fullName.value,
      firstName: fullName.value.split(' ')[0] ?? '',
      email: email.value,
      isUltraSafe: args.IsUltrasafe,
      disableEmailNotifications: args.DisableEmailsNotification,
      licenseKey: '',
      localeCode: '',
    },
    ctx.request,
  );
  return outcomeOutput(op, outcome);
};
