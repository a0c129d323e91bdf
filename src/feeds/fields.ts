/**
 * Checks for one imported field each: the value to store, or a message naming the column and
 * what is wrong with it. Pure functions, so each rule is testable without a file or database.
 */

export type Check<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const bad = (message: string): Check<never> => ({ ok: false, message });

/** A value as it appears in a message: quoted, escaped, and cut short so one bad field cannot flood the report. */
export function shown(value: string): string {
  const chars = [...value];
  return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value);
}

// Everything we import ends up inside SOAP responses, and XML 1.0 cannot carry C0 controls
// other than tab and line breaks, nor U+FFFE/U+FFFF: refuse them here rather than emit
// responses no client can parse.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/u;
const LINE_BREAK = /[\r\n]/;

export interface TextRule {
  readonly column: string;
  readonly max: number;
  readonly required: boolean;
  /** Only free text may span lines; names are single-line identifiers. */
  readonly multiline?: boolean;
}

/** Length counts code points (an emoji is one character to a person). */
export function checkText(value: string, rule: TextRule): Check<string> {
  if (rule.required && value.trim() === '') return bad(`${rule.column} is empty`);
  const length = [...value].length;
  if (length > rule.max) return bad(`${rule.column} is ${length} characters long; at most ${rule.max} are allowed`);
  if (NOT_XML.test(value)) return bad(`${rule.column} contains a control character`);
  if (!rule.multiline && LINE_BREAK.test(value)) return bad(`${rule.column} contains a line break`);
  // XML readers turn CRLF into LF, so store what a client will read back.
  return ok(rule.multiline ? value.replace(/\r\n?/g, '\n') : value);
}

/**
 * KB counts travel as s:long on the wire; stored and summed as numbers, so they are capped at
 * 2^53 − 1 where a number is still exact. Checked as digits (BigInt), never via parseFloat,
 * which would accept "1e3" and round large values.
 */
export function checkUsedKb(value: string): Check<bigint> {
  if (!/^\d+$/.test(value)) return bad(`used_kb must be a whole number of KB, 0 or more (got ${shown(value)})`);
  const kb = BigInt(value);
  if (kb > BigInt(Number.MAX_SAFE_INTEGER)) return bad(`used_kb ${value} is larger than ${Number.MAX_SAFE_INTEGER}`);
  return ok(kb);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * ISO 8601 date (`2026-01-15`, midnight UTC) or date-time with a zone (`2026-01-15T10:30:00Z`,
 * `…+01:00`) → epoch ms. A date-time without a zone is refused rather than guessed: the same
 * file would otherwise import differently on machines in different time zones. Fractions
 * beyond milliseconds are truncated (the column holds milliseconds).
 */
export function checkIsoDate(value: string): Check<number> {
  const m = ISO_DATE.exec(value);
  const expected = `date must be an ISO 8601 date (2026-01-15) or date-time with a zone (2026-01-15T10:30:00Z) (got ${shown(value)})`;
  if (!m) return bad(expected);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (h !== undefined && zone === undefined) return bad(`date ${shown(value)} has a time but no zone (add Z or an offset such as +01:00)`);
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  const ms = Number((frac ?? '').padEnd(3, '0').slice(0, 3));
  if (year < 1 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return bad(`date ${shown(value)} is not a real date or time`);
  const at = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  at.setUTCFullYear(year); // Date.UTC maps years 0–99 to 1900–1999
  if (at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return bad(`date ${shown(value)} is not a real date`);
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return bad(`date ${shown(value)} has an impossible zone offset`);
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return ok(at.getTime() - offsetMinutes * 60_000);
}

/**
 * Money is decimal text end to end (s:decimal on the wire), never a float. Normalised so equal
 * amounts written alike compare equal: no `+`, no leading zeros, no negative zero; the
 * fraction digits are kept as written (12.50 stays 12.50, the scale is part of the amount).
 */
export function checkAmount(value: string): Check<string> {
  const m = /^([+-]?)(\d{1,18})(?:\.(\d{1,4}))?$/.exec(value);
  if (!m) return bad(`amount must be a decimal number such as 12.50 or -3, with at most 4 decimal places (got ${shown(value)})`);
  const [, sign, whole = '', fraction] = m;
  const digits = whole.replace(/^0+(?=\d)/, '');
  const isZero = /^0+$/.test(digits + (fraction ?? ''));
  return ok(`${sign === '-' && !isZero ? '-' : ''}${digits}${fraction === undefined ? '' : `.${fraction}`}`);
}

/** ISO 4217 style: three upper-case letters. Lower case is refused, not fixed, like every other field. */
export function checkCurrency(value: string): Check<string> {
  return /^[A-Z]{3}$/.test(value) ? ok(value) : bad(`currency must be three upper-case letters such as EUR (got ${shown(value)})`);
}
