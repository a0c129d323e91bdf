import { ValidateAuthenticationToken } from '../contract/operations/validate-authentication-token.js';
import { resultInfo } from '../contract/common-types.js';
import { validateAuthenticationToken } from '../domain/tokens/account-tokens.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(ValidateAuthenticationToken);

export const handleValidateAuthenticationToken: Handler<typeof ValidateAuthenticationToken> = async (args, ctx) => {
  const outcome = await validateAuthenticationToken(ctx.deps.accounts, ctx.caller, { token: args.Token }, names.Token);
  if (!outcome.ok) return failureOutput(ValidateAuthenticationToken, outcome.code, outcome.message);
  const facts = outcome.value;
  return {
    Result: resultInfo('Success'),
    Username: facts.username,
    AccountStatus: facts.status,
    BackupServerName: facts.backupServer,
    ExpiresUtc: facts.expiresAt,
  };
};
