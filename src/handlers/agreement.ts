/**
 * The lists and shapes the domain and the contract each declare for themselves (neither may
 * import the other), checked by the compiler to agree in both directions: a code, status or
 * field added on one side only fails the build here.
 */
import type { CapturedMail as ContractCapturedMail, CapturedMailSummary as ContractCapturedMailSummary } from '../contract/captured-mail.js';
import type { AccountStatusValue } from '../contract/common-types.js';
import type { ResultCodeName } from '../contract/result-codes.js';
import type { AccountStatus } from '../domain/accounts/account.js';
import type { OutcomeCode } from '../domain/outcome.js';
import type { CapturedMail, CapturedMailSummary } from '../domain/sandbox/ports.js';

/** `true` only when A and B are the same set of values. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * `true` only when A and B have the same fields, each of the same type and as optional. Same alone
 * would let one side gain an optional field: both would still accept the other.
 */
type SameFields<A, B> = Same<keyof A, keyof B> extends true ? Same<A, B> : false;

export const RESULT_CODES_AGREE: Same<OutcomeCode, ResultCodeName> = true;
export const ACCOUNT_STATUSES_AGREE: Same<AccountStatus, AccountStatusValue> = true;
export const CAPTURED_MAIL_AGREES: SameFields<CapturedMailSummary, ContractCapturedMailSummary> & SameFields<CapturedMail, ContractCapturedMail> = true;
