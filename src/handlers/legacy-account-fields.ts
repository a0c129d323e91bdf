import type { OperationArgs } from '../contract/operation.js';
import type { CreateAccount } from '../contract/operations/create-account.js';
import { CreateUltraSafeAccount } from '../contract/operations/create-ultra-safe-account.js';
import { checkNewAccountFields, type NewAccountFields } from '../domain/accounts/create-account.js';
import type { Result } from '../domain/outcome.js';
import { requestNames, type HandlerContext } from './handler.js';

/**
 * The camelCase fields the flat creating operations share [legacy], as their contracts declare
 * them: CreateAccount's six, plus the secret question and answer of CreateUltraSafeAccount and
 * CreateAccountByPartnerLicenseKey (each handler passes its own arguments, so the compiler checks
 * that every one of the three declares these fields with these types).
 */
export type LegacyAccountArgs = OperationArgs<typeof CreateAccount> & Partial<Pick<OperationArgs<typeof CreateUltraSafeAccount>, 'secretQuestion' | 'answer'>>;

/** The wire name of each field, from the contract of the operation that has all eight. */
const names = requestNames(CreateUltraSafeAccount);

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
      firstName: names.firstName,
      username: names.userName,
      password: names.password,
      email: names.email,
      licenseKey: names.licenseKey,
      localeCode: names.localeCode,
      secretQuestion: names.secretQuestion,
      secretAnswer: names.answer,
    },
  );
}
