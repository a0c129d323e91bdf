import { GetAccountInfo } from '../contract/operations/get-account-info.js';
import { resultInfo } from '../contract/common-types.js';
import { getAccountInfo } from '../domain/accounts/get-account-info.js';
import { effectiveStatus } from '../domain/accounts/account.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(GetAccountInfo);

export const handleGetAccountInfo: Handler<typeof GetAccountInfo> = async (args, ctx) => {
  const outcome = await getAccountInfo(ctx.deps.accounts, ctx.caller, { username: args.userName }, names.userName);
  if (!outcome.ok) return failureOutput(GetAccountInfo, outcome.code, outcome.message);
  const account = outcome.value;
  return {
    GetAccountInfoResult: resultInfo('Success'),
    accountInfo: {
      UserName: account.username,
      FullName: account.fullName,
      Email: account.email,
      EntityId: account.entityId,
      Status: effectiveStatus(account, ctx.deps.accounts.clock.now()),
      IsUltraSafe: account.isUltraSafe,
      AccountSizeMB: BigInt(account.quotaMb),
      UsedSpaceKB: BigInt(account.usedSpaceKb),
      BackupServerName: account.backupServer,
      LicenseKey: account.licenseKey,
      LocaleCode: account.localeCode,
      SignupDateUtc: account.signupAt,
      CancelDateUtc: account.cancelledAt,
      LastSignInUtc: account.lastSignInAt,
      EmailNotificationsDisabled: account.emailNotificationsDisabled,
    },
  };
};
