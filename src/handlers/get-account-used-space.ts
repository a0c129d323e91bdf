import { GetAccountUsedSpace } from '../contract/operations/get-account-used-space.js';
import { resultInfo } from '../contract/common-types.js';
import { readAccount } from '../domain/accounts/reports.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(GetAccountUsedSpace);

export const handleGetAccountUsedSpace: Handler<typeof GetAccountUsedSpace> = async (args, ctx) => {
  const outcome = await readAccount(ctx.deps.accounts, ctx.caller, args.userName, names.userName);
  if (!outcome.ok) return failureOutput(GetAccountUsedSpace, outcome.code, outcome.message);
  return { GetAccountUsedSpaceResult: resultInfo('Success'), usedSpaceInKB: BigInt(outcome.value.usedSpaceKb) };
};
