/**
 * The lists the domain and the contract each declare for themselves (neither may import the
 * other), checked by the compiler to name the same values in both directions: a code or status
 * added on one side only fails the build here.
 */
import type { AccountStatusValue } from '../contract/common-types.js';
import type { ResultCodeName } from '../contract/result-codes.js';
import type { AccountStatus } from '../domain/accounts/account.js';
import type { OutcomeCode } from '../domain/outcome.js';

/** `true` only when A and B are the same set of values. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const RESULT_CODES_AGREE: Same<OutcomeCode, ResultCodeName> = true;
export const ACCOUNT_STATUSES_AGREE: Same<AccountStatus, AccountStatusValue> = true;
