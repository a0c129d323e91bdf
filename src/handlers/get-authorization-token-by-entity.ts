import { GetAuthorizationTokenByEntity } from '../contract/operations/get-authorization-token-by-entity.js';
import { resultInfo } from '../contract/common-types.js';
import { issueAuthorizationTokenByEntity } from '../domain/tokens/account-tokens.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(GetAuthorizationTokenByEntity);

export const handleGetAuthorizationTokenByEntity: Handler<typeof GetAuthorizationTokenByEntity> = async (args, ctx) => {
  const outcome = await issueAuthorizationTokenByEntity(ctx.deps.accounts, ctx.caller, { username: args.Username, isAppUser: args.IsAppUser }, names.Username);
  if (!outcome.ok) return failureOutput(GetAuthorizationTokenByEntity, outcome.code, outcome.message);
  return { AuthToken: outcome.value.token, Result: resultInfo('Success') };
};
