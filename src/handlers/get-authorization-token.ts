import { GetAuthorizationToken } from '../contract/operations/get-authorization-token.js';
import { resultInfo } from '../contract/common-types.js';
import { issueAuthorizationToken } from '../domain/tokens/account-tokens.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(GetAuthorizationToken);

export const handleGetAuthorizationToken: Handler<typeof GetAuthorizationToken> = async (args, ctx) => {
  const outcome = await issueAuthorizationToken(
    ctx.deps.accounts,
    ctx.caller,
    { username: args.Username, password: args.Password },
    { username: names.Username, password: names.Password },
  );
  if (!outcome.ok) return failureOutput(GetAuthorizationToken, outcome.code, outcome.message);
  return { AuthToken: outcome.value.token, Result: resultInfo('Success') };
};
