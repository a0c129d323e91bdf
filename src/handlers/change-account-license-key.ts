import { ChangeAccountLicenseKey } from '../contract/operations/change-account-license-key.js';
import { changeAccountLicenseKey } from '../domain/accounts/account-changes.js';
import { outcomeOutput, type Handler } from './handler.js';

export const handleChangeAccountLicenseKey: Handler<typeof ChangeAccountLicenseKey> = async (args, ctx) =>
  outcomeOutput(
    ChangeAccountLicenseKey,
    await changeAccountLicenseKey(
      ctx.deps.accounts,
      ctx.caller,
      { username: args.userName, licenseKey: args.licenseKey },
      { username: 'userName', licenseKey: 'licenseKey' },
      ctx.request,
    ),
  );
