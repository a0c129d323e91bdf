import { Authenticate } from '../contract/operations/authenticate.js';
import { resultInfo } from '../contract/common-types.js';
import { authenticateAccount } from '../domain/accounts/authenticate-account.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(Authenticate);

export const handleAuthenticate: Handler<typeof Authenticate> = async (args, ctx) => {
  const outcome = await authenticateAccount(
    ctx.deps.accounts,
    ctx.caller,
    { username: args.userName, password: args.password },
    { username: names.userName, password: names.password },
  );
  if (!outcome.report) return failureOutput(Authenticate, outcome.code, outcome.message);
  return {
    AuthenticateResult: resultInfo(outcome.code, outcome.message),
    accountStatus: outcome.report.status,
    backupServerName: outcome.report.backupServer,
  };
};
