import type { ResultCodeName } from '../result-codes.js';

/** Codes every operation on an existing account can answer with. */
export const ACCOUNT_LOOKUP_CODES: readonly ResultCodeName[] = [
  'Success',
  'UnexpectedError',
  'InvalidInputParameters',
  'InvalidSoapCredentials',
  'ObjectEntityMismatch',
  'AccountNotFound',
  'TooManyRequests',
];

/** ...and those that check the account's own password. */
export const ACCOUNT_PASSWORD_CODES: readonly ResultCodeName[] = [...ACCOUNT_LOOKUP_CODES, 'InvalidAccountCredentials', 'AccountLocked'];

/** Codes of the operations that create an account. */
export const CREATE_ACCOUNT_CODES: readonly ResultCodeName[] = [
  'Success',
  'UnexpectedError',
  'InvalidInputParameters',
  'InvalidSoapCredentials',
  'AlreadyExists',
  'ObjectEntityMismatch',
  'TooManyRequests',
];

/**
 * The obsolete creating calls place the account in the caller's own entity, which is active
 * whenever the caller could authenticate: ObjectEntityMismatch cannot happen there.
 */
export const CREATE_OWN_ACCOUNT_CODES: readonly ResultCodeName[] = CREATE_ACCOUNT_CODES.filter((c) => c !== 'ObjectEntityMismatch');
