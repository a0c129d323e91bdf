import { checkNewAccountFields, type NewAccountFields } from '../domain/accounts/create-account.js';
import type { Result } from '../domain/outcome.js';
import type { HandlerContext } from './handler.js';

/** The camelCase fields the flat creating operations share [legacy]. */
export interface LegacyAccountArgs {
  readonly firstName: string | null;
  readonly userName: string | null;
  readonly password: string | null;
  readonly email: string | null;
  readonly licenseKey: string | null;
  readonly localeCode: string | null;
  readonly secretQuestion?: string | null;
  readonly answer?: string | null;
}

/** Validates them, naming each field as the partner sent it. */
export function checkLegacyAccountFields(ctx: HandlerContext, args: LegacyAccountArgs): Result<NewAccountFields> {
  return checkNewAccountFields(
    ctx.deps.accounts,
    {
      firstName: args.firstName,
      username: args.userName,
      password: args.password,
      email: args.email,
      licenseKey: args.licenseKey,
      localeCode: args.localeCode,
      secretQuestion: args.secretQuestion ?? null,
      secretAnswer: args.answer ?? null,
    },
    {
      firstName: 'firstName',
      username: 'userName',
      password: 'password',
      email: 'email',
      licenseKey: 'licenseKey',
      localeCode: 'localeCode',
      secretQuestion: 'secretQuestion',
      secretAnswer: 'answer',
    },
  );
}
