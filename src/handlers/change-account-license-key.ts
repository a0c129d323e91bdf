import { ChangeAccountLicenseKey } from '../contract/operations/change-account-license-key.js';
import { changeAccountLicenseKey } from '../domain/accounts/account-changes.js';
import { outcomeOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(ChangeAccountLicenseKey);

export const handleChangeAccountLicenseKey: Handler<typeof ChangeAccountLicenseKey> = async (args, ctx) =>
  outcomeOutput(
    ChangeAccountLicenseKey,
    await changeAccountLicenseKey(
      ctx.deps.accounts,
      ctx.caller,
      { username: args.userName, licenseKey: args.licenseKey },
      { username: names.userName, licenseKey: names.licenseKey },
      ctx.request,
    ),
  );
