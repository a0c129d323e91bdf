import { CancelAccount } from '../contract/operations/cancel-account.js';
import { cancelAccount } from '../domain/accounts/account-changes.js';
import { outcomeOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(CancelAccount);

export const handleCancelAccount: Handler<typeof CancelAccount> = async (args, ctx) =>
  outcomeOutput(CancelAccount, await cancelAccount(ctx.deps.accounts, ctx.caller, { username: args.userName }, { username: names.userName }, ctx.request));
