import { GetAccountUsedSpaceBySystem } from '../contract/operations/get-account-used-space-by-system.js';
import { resultInfo } from '../contract/common-types.js';
import { usageBySystem } from '../domain/accounts/reports.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(GetAccountUsedSpaceBySystem);

export const handleGetAccountUsedSpaceBySystem: Handler<typeof GetAccountUsedSpaceBySystem> = async (args, ctx) => {
  const outcome = await usageBySystem(ctx.deps.accounts, ctx.caller, args.Username, names.Username);
  if (!outcome.ok) return failureOutput(GetAccountUsedSpaceBySystem, outcome.code, outcome.message);
  const { account, systems } = outcome.value;
  return {
    Result: resultInfo('Success'),
    AccountSpaces: systems.map((s) => ({ Username: account.username, UsedSpaceKB: BigInt(s.usedKb), SystemName: s.systemName, DeviceType: s.deviceType })),
  };
};
