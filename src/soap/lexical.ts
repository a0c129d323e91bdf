/**
 * XmlSerializer's lexical rules for scalar values (XmlConvert), shared by the SOAP decoder,
 * the encoder and the local test form. A parse failure throws LexicalError with .NET's
 * wording, which the decoder wraps in the "Server was unable to read request." chain.
 */
import type { Kind } from '../contract/kinds.js';

export class LexicalError extends Error {
  override readonly name = 'LexicalError';
}

// XmlConvert trims XML whitespace only (space, tab, CR, LF), not every Unicode space.
const trimXml = (s: string): string => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER = /^[+-]?[0-9]+$/;
const DECIMAL = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/;
// xs:dateTime: date, time, optional fraction, optional zone.
const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

export function parseBoolean(raw: string): boolean {
  const s = trimXml(raw);
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw new LexicalError(`The string '${raw}' is not a valid Boolean value.`);
}

export function parseInt32(raw: string): number {
  const s = trimXml(raw);
  if (!INTEGER.test(s)) throw new LexicalError('Input string was not in a correct format.');
  const n = Number(s);
  if (n < INT32_MIN || n > INT32_MAX) throw new LexicalError('Value was either too large or too small for an Int32.');
  return n;
}

export function parseInt64(raw: string): bigint {
  const s = trimXml(raw);
  if (!INTEGER.test(s) || s.length > 40) throw new LexicalError('Input string was not in a correct format.');
  const n = BigInt(s);
  if (n < INT64_MIN || n > INT64_MAX) throw new LexicalError('Value was either too large or too small for an Int64.');
  return n;
}

export function parseDecimal(raw: string): string {
  const s = trimXml(raw);
  if (!DECIMAL.test(s) || s.length > 40) throw new LexicalError('Input string was not in a correct format.');
  return s;
}

/** A dateTime without a zone is taken as UTC: every time this service keeps is UTC. */
export function parseDateTime(raw: string): Date {
  const s = trimXml(raw);
  const m = DATE_TIME.exec(s);
  const date = m ? new Date(m[8] ? s : `${s}Z`) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new LexicalError(`The string '${raw}' is not a valid AllXsd value.`);
  return date;
}

const twoDigits = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * UTC with `Z`; fractional seconds only when non-zero, trailing zeros removed (XsdDateTime).
 * Built from the date's fields rather than by trimming toISOString(): every response carries
 * several dates, and the string surgery cost more than the rest of their encoding.
 */
export function formatDateTime(date: Date): string {
  const year = date.getUTCFullYear();
  // Years outside 1000–9999 (and invalid dates, which toISOString refuses) take the general path.
  if (!(year >= 1000 && year <= 9999)) return formatDateTimeFromIso(date);
  const main = `${year}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())}T${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}`;
  const ms = date.getUTCMilliseconds();
  if (ms === 0) return `${main}Z`; // most stored times: whole seconds
  const fraction = ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : `${ms}`;
  return `${main}.${fraction.replace(/0+$/, '')}Z`;
}

function formatDateTimeFromIso(date: Date): string {
  const iso = date.toISOString(); // 2024-05-01T13:45:00.120Z
  const [main, fraction = ''] = iso.slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed ? `${main}.${trimmed}Z` : `${main}Z`;
}

export function parseEnum<V extends string>(raw: string, values: readonly V[], typeName: string): V {
  const found = values.find((v) => v === raw);
  if (found === undefined) throw new LexicalError(`Instance validation error: '${raw}' is not a valid value for ${typeName}.`);
  return found;
}

/** The value XmlSerializer gives a value-type member whose element is absent. */
export function defaultValue(kind: Kind): unknown {
  switch (kind.kind) {
    case 'int':
      return 0;
    case 'long':
      return 0n;
    case 'boolean':
      return false;
    case 'dateTime':
      return new Date('0001-01-01T00:00:00Z'); // DateTime.MinValue
    case 'decimal':
      return '0';
    case 'enum':
      return kind.values[0];
    case 'string':
    case 'complex':
    case 'array':
      return null;
  }
}

/** Parses one scalar's text by its kind. */
export function parseScalar(kind: Kind, raw: string): unknown {
  switch (kind.kind) {
    case 'string':
      return raw;
    case 'int':
      return parseInt32(raw);
    case 'long':
      return parseInt64(raw);
    case 'boolean':
      return parseBoolean(raw);
    case 'dateTime':
      return parseDateTime(raw);
    case 'decimal':
      return parseDecimal(raw);
    case 'enum':
      return parseEnum(raw, kind.values, kind.name);
    case 'complex':
    case 'array':
      throw new Error(`parseScalar: ${kind.kind} is not a scalar kind`);
  }
}
