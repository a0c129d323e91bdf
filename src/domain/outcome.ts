/**
 * What a use case answers. The codes are the business outcomes of SERVICE.md §3; the handler
 * layer maps them 1:1 onto the ResultCode catalogue (the compiler checks both directions).
 * `message` is short English for a partner's developer: it names the offending field and never
 * contains a secret.
 */
export type Outcome<T = undefined> = Succeeded<T> | Failure;

/** The use case did its work; `value` is what it answers (undefined for a plain Success). */
export interface Succeeded<T> {
  readonly ok: true;
  readonly code: 'Success';
  readonly message: '';
  readonly value: T;
}

/** The use case refused: the code and the message the partner reads; nothing was changed. */
export interface Failure {
  readonly ok: false;
  readonly code: Exclude<OutcomeCode, 'Success'>;
  readonly message: string;
}

/**
 * The business outcomes and the message each answers with when the use case gives none: the
 * one list of codes on the domain's side. The contract's ResultCode catalogue adds the wire
 * numbers; src/handlers/agreement.ts makes the compiler check both lists name the same codes.
 */
const DEFAULT_MESSAGES = {
  Success: '',
  UnexpectedError: 'An unexpected error occurred; nothing was changed.',
  InvalidInputParameters: 'A parameter is missing or invalid.',
  InvalidSoapCredentials: 'The AuthHeader credentials are missing or wrong.',
  AlreadyExists: 'That user name is already taken.',
  ObjectEntityMismatch: 'The target is outside your entity tree or inactive.',
  AccountNotFound: 'No backup account has that user name.',
  InvalidAccountCredentials: 'The backup account user name or password is wrong.',
  UltraSafeNotSupported: 'Not possible for an UltraSafe account: only its owner can change the password.',
  AccountLocked: 'The account is locked after too many failed sign-ins; try later or have the partner reset the password.',
  InvalidAccountState: "Not allowed in the account's current status.",
  InvalidToken: 'The token is unknown, expired or already used.',
  TooManyRequests: 'Too many requests; slow down and try again.',
} as const satisfies Readonly<Record<string, string>>;

export type OutcomeCode = keyof typeof DEFAULT_MESSAGES;

export function success<T>(value: T): Succeeded<T>;
export function success(): Succeeded<undefined>;
export function success<T>(value?: T): Succeeded<T | undefined> {
  return { ok: true, code: 'Success', message: '', value };
}

export function failure(code: Failure['code'], message?: string): Failure {
  return { ok: false, code, message: message ?? DEFAULT_MESSAGES[code] };
}

export function invalidInput(message: string): Failure {
  return failure('InvalidInputParameters', message);
}

export function isFailure<T>(outcome: Outcome<T>): outcome is Failure {
  return !outcome.ok;
}

/**
 * A step's value or why it cannot go on: the one value-or-failure shape inside the domain, told
 * apart by `ok` so the compiler knows which branch it is in. Use cases answer an Outcome.
 */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: Failure };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function refusal(failure: Failure): Result<never> {
  return { ok: false, failure };
}
