import { GenerateCreatingAccountToken } from '../contract/operations/generate-creating-account-token.js';
import { resultInfo } from '../contract/common-types.js';
import { generateCreatingAccountToken } from '../domain/tokens/creating-account-tokens.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(GenerateCreatingAccountToken);

export const handleGenerateCreatingAccountToken: Handler<typeof GenerateCreatingAccountToken> = async (args, ctx) => {
  const outcome = await generateCreatingAccountToken(
    ctx.deps.accounts,
    ctx.caller,
    { targetEntityId: args.TargetEntityId, accountSizeMb: args.AccountSizeMB, isUltraSafe: args.IsUltrasafe, validForHours: args.ValidForHours },
    { targetEntityId: names.TargetEntityId, accountSizeMb: names.AccountSizeMB, validForHours: names.ValidForHours },
  );
  if (!outcome.ok) return failureOutput(GenerateCreatingAccountToken, outcome.code, outcome.message);
  return { Result: resultInfo('Success'), Token: outcome.value.token, ExpiresUtc: outcome.value.expiresAt };
};
