import { CreateAccountBySize } from '../contract/operations/create-account-by-size.js';
import { checkNewAccountFields, createAccount } from '../domain/accounts/create-account.js';
import { invalidInput } from '../domain/outcome.js';
import { checkPositiveSize } from '../domain/validation.js';
import { outcomeOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(CreateAccountBySize);

export const handleCreateAccountBySize: Handler<typeof CreateAccountBySize> = async (args, ctx) => {
  const op = CreateAccountBySize;
  const fields = checkNewAccountFields(
    ctx.deps.accounts,
    { username: args.Username, password: args.Password, fullName: args.FullName, email: args.Email },
    { username: names.Username, password: names.Password, fullName: names.FullName, email: names.Email },
  );
  if (!fields.ok) return outcomeOutput(op, fields.failure);
  const size = checkPositiveSize(names.AccountSizeMB, args.AccountSizeMB);
  if (!size.ok) return outcomeOutput(op, size.failure);
  if (args.TargetEntityId < 0) return outcomeOutput(op, invalidInput('TargetEntityId must not be negative.'));
  const outcome = await createAccount(
    ctx.deps.accounts,
    ctx.caller,
    {
      ...fields.value,
      entityId: args.TargetEntityId,
      entityField: names.TargetEntityId,
      quotaMb: size.value,
      isUltraSafe: args.IsUltrasafe,
      disableEmailNotifications: args.DisableEmailsNotification,
    },
    ctx.request,
  );
  return outcomeOutput(op, outcome);
};
