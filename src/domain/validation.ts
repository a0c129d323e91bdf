/**
 * Input rules of SERVICE.md §4. Each check returns the value or a Failure whose message names
 * the field as the partner sent it (`Username`, `NewPassword`, `userName`, …).
 */
import { invalidInput, ok, refusal, type Result } from './outcome.js';

export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9@._-]{3,50}$/;
// Printable: no control characters, no unpaired surrogates, no non-characters.
const UNPRINTABLE = /[\p{Cc}\p{Cs}\uFFFE\uFFFF]/u;
/**
 * What a stored text field (names, question, answer, licence key…) may not hold: control
 * characters (C0 with TAB, DEL, C1 with U+0085 NEL and U+009B CSI: they reach e-mails, logs and
 * an operator's terminal), line and paragraph separators, unpaired surrogates, non-characters,
 * and the invisible format characters that make text read otherwise than it is — bidi
 * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C), zero-width
 * space, word joiner, BOM, soft hyphen, tags (all of \p{Cf})… except ZWNJ and ZWJ (U+200C,
 * U+200D): Persian and Indic names are spelt with them and emoji sequences joined by them, and
 * neither reorders nor hides text.
 */
const FOOLING_TEXT = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\uFFFE\uFFFF]|(?![\u200C\u200D])\p{Cf}/u;
/** An address has no use for ZWNJ/ZWJ either: every format character is refused there. */
const FOOLING_EMAIL = /[\p{Cc}\p{Cs}\p{Cf}\p{Zl}\p{Zp}\uFFFE\uFFFF]/u;

/** `U+0085`: names the offending character without echoing it (it may be invisible or a terminal control). */
const codePoint = (c: string): string => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

function refuseFooling(field: string, value: string, pattern: RegExp): Result<never> | undefined {
  const found = pattern.exec(value);
  return found ? bad(`${field} contains a control or invisible formatting character (${codePoint(found[0])}).`) : undefined;
}
// Deliberately simple: one @, no spaces, a dot in the domain; the mail server is the real judge.
const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

const bad = (message: string): Result<never> => refusal(invalidInput(message));

/** The longest user name AMS stores: legacy names (issue 18) are kept as they were. */
export const MAX_STORED_USERNAME = 256;

/**
 * A user name that names an existing account. Legacy imports (issue 18) keep names the
 * creation rules refuse (longer, spaces, apostrophes, accents), and partners' code holds them,
 * so a look-up accepts anything that could be stored; only `checkNewUsername` applies §4's rules.
 */
export function checkUsername(field: string, value: string | null): Result<string> {
  if (value === null || value === '') return bad(`${field} is required.`);
  if ([...value].length > MAX_STORED_USERNAME || UNPRINTABLE.test(value)) {
    return bad(`${field} must be at most ${MAX_STORED_USERNAME} characters, none of them a control character.`);
  }
  return ok(value);
}

/** A user name for a new account (SERVICE.md §4). */
export function checkNewUsername(field: string, value: string | null): Result<string> {
  if (value === null || value === '') return bad(`${field} is required.`);
  if (!USERNAME_PATTERN.test(value)) {
    return bad(`${field} must be 3 to 50 characters, each a letter, a digit or one of @ . _ -.`);
  }
  return ok(value);
}

export function checkPassword(field: string, value: string | null, policy: PasswordPolicy): Result<string> {
  if (value === null || value === '') return bad(`${field} is required.`);
  const length = [...value].length; // code points: an emoji is one character to a person
  if (length < policy.minLength || length > policy.maxLength) {
    return bad(`${field} must be ${policy.minLength} to ${policy.maxLength} characters long.`);
  }
  if (UNPRINTABLE.test(value)) return bad(`${field} contains a character that is not printable.`);
  return ok(value);
}

/** An optional e-mail address: null or empty means none. */
export function checkOptionalEmail(field: string, value: string | null): Result<string> {
  if (value === null || value === '') return ok('');
  if (value.length > 254) return bad(`${field} is not a valid e-mail address.`);
  const fooling = refuseFooling(field, value, FOOLING_EMAIL);
  if (fooling) return fooling;
  if (!EMAIL_PATTERN.test(value)) return bad(`${field} is not a valid e-mail address.`);
  return ok(value);
}

export function checkOptionalText(field: string, value: string | null, maxLength: number): Result<string> {
  if (value === null) return ok('');
  if ([...value].length > maxLength) return bad(`${field} must be at most ${maxLength} characters long.`);
  return refuseFooling(field, value, FOOLING_TEXT) ?? ok(value);
}

/** Sizes travel as s:long; anything a person could mean fits a safe integer. */
export function checkPositiveSize(field: string, value: bigint): Result<number> {
  if (value <= 0n) return bad(`${field} must be greater than 0.`);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return bad(`${field} is too large.`);
  return ok(Number(value));
}
