import { RedeemAuthorizationToken } from '../contract/operations/redeem-authorization-token.js';
import { resultInfo } from '../contract/common-types.js';
import { redeemAuthorizationToken } from '../domain/tokens/account-tokens.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(RedeemAuthorizationToken);

export const handleRedeemAuthorizationToken: Handler<typeof RedeemAuthorizationToken> = async (args, ctx) => {
  const outcome = await redeemAuthorizationToken(ctx.deps.accounts, ctx.caller, { token: args.Token }, names.Token);
  if (!outcome.ok) return failureOutput(RedeemAuthorizationToken, outcome.code, outcome.message);
  return { Result: resultInfo('Success'), Username: outcome.value.username, EntityId: outcome.value.entityId, IsAppUser: outcome.value.isAppUser };
};
