import { GetAuthenticationToken } from '../contract/operations/get-authentication-token.js';
import { resultInfo } from '../contract/common-types.js';
import { issueAuthenticationToken } from '../domain/tokens/account-tokens.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(GetAuthenticationToken);

export const handleGetAuthenticationToken: Handler<typeof GetAuthenticationToken> = async (args, ctx) => {
  const outcome = await issueAuthenticationToken(
    ctx.deps.accounts,
    ctx.caller,
    { username: args.Username, password: args.Password },
    { username: names.Username, password: names.Password },
  );
  if (!outcome.ok) return failureOutput(GetAuthenticationToken, outcome.code, outcome.message);
  return { Result: resultInfo('Success'), Token: outcome.value.token };
};
