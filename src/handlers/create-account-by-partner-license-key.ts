import { CreateAccountByPartnerLicenseKey } from '../contract/operations/create-account-by-partner-license-key.js';
import { createAccount } from '../domain/accounts/create-account.js';
import { checkLegacyAccountFields } from './legacy-account-fields.js';
import { failure, invalidInput } from '../domain/outcome.js';
import { outcomeOutput, type Handler } from './handler.js';

/** The partner licence key names the entity; an unknown or revoked key is answered like an entity outside the tree. */
export const handleCreateAccountByPartnerLicenseKey: Handler<typeof CreateAccountByPartnerLicenseKey> = async (args, ctx) => {
  const op = CreateAccountByPartnerLicenseKey;
  const fields = checkLegacyAccountFields(ctx, args);
  if (!fields.ok) return outcomeOutput(op, fields.failure);
  if (!args.partnerLicenseKey) return outcomeOutput(op, invalidInput('partnerLicenseKey is required.'));
  const entityId =
    args.partnerLicenseKey.length <= 128 ? await ctx.deps.accounts.uow.licenseKeys.entityOf(ctx.deps.accounts.tokenCodec.digest(args.partnerLicenseKey)) : undefined;
  if (entityId === undefined) return outcomeOutput(op, failure('ObjectEntityMismatch', 'partnerLicenseKey does not belong to your tree.'));
  const outcome = await createAccount(
    ctx.deps.accounts,
    ctx.caller,
    { ...fields.value, entityId, quotaMb: ctx.deps.accounts.defaultQuotaMb, isUltraSafe: args.isUltraSafe, disableEmailNotifications: false },
    ctx.request,
  );
  return outcomeOutput(op, outcome.code === 'ObjectEntityMismatch' ? failure('ObjectEntityMismatch', 'partnerLicenseKey does not belong to your tree.') : outcome);
};
