import { ChangeAccountSize } from '../contract/operations/change-account-size.js';
import { changeAccountSize } from '../domain/accounts/account-changes.js';
import { outcomeOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(ChangeAccountSize);

export const handleChangeAccountSize: Handler<typeof ChangeAccountSize> = async (args, ctx) =>
  outcomeOutput(
    ChangeAccountSize,
    await changeAccountSize(
      ctx.deps.accounts,
      ctx.caller,
      { username: args.userName, sizeInMb: args.sizeInMB },
      { username: names.userName, sizeInMb: names.sizeInMB },
      ctx.request,
    ),
  );
