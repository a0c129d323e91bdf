/**
 * Field rules of the legacy import format (docs/import-format.md): each turns the text of one
 * CSV field into the value to store or throws a RowProblem naming the column. An empty field is
 * absent. Legacy values are kept as they are — only what cannot be stored or sent back in a SOAP
 * response (control characters, absurd lengths) is refused.
 */

export class RowProblem extends Error {}

// XML 1.0 cannot carry C0 controls nor U+FFFE/U+FFFF, and every imported value may end up in a response.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F\uFFFE\uFFFF]/u;

function shown(value: string): string {
  const chars = [...value];
  return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value);
}

export function text(row: Readonly<Record<string, string>>, column: string, max: number, options: { required?: boolean } = {}): string {
  const value = row[column] ?? '';
  if (options.required && value === '') throw new RowProblem(`${column} is empty`);
  // Code points, not UTF-16 units (an emoji is one character); the spread only when it could matter.
  const length = value.length <= max ? value.length : [...value].length;
  if (length > max) throw new RowProblem(`${column} is ${length} characters long; at most ${max} are allowed`);
  if (CONTROL.test(value)) throw new RowProblem(`${column} contains a control character`);
  return value;
}

export function bool(row: Readonly<Record<string, string>>, column: string, absent: boolean): boolean {
  const value = (row[column] ?? '').toLowerCase();
  if (value === '') return absent;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new RowProblem(`${column} must be 1, 0, true or false (got ${shown(row[column] ?? '')})`);
}

export function integer(row: Readonly<Record<string, string>>, column: string, options: { min: number; max: number; absent?: number }): number {
  const value = row[column] ?? '';
  if (value === '' && options.absent !== undefined) return options.absent;
  if (!/^-?\d{1,16}$/.test(value)) throw new RowProblem(`${column} must be a whole number (got ${shown(value)})`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < options.min || n > options.max) throw new RowProblem(`${column} must be between ${options.min} and ${options.max} (got ${value})`);
  return n;
}

// `2015-03-01T12:00:00Z`, and `2015-03-01 12:00:00.000` as SQL Server writes it (read as UTC).
const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(Z|\+00:00)?$/;

/** Epoch milliseconds, or null when absent. */
export function time(row: Readonly<Record<string, string>>, column: string): number | null {
  const value = row[column] ?? '';
  if (value === '') return null;
  const m = TIME.exec(value);
  const isoForm = value.includes('T');
  if (!m || (isoForm && m[8] === undefined)) {
    throw new RowProblem(`${column} must be a UTC time such as 2015-03-01T12:00:00Z or 2015-03-01 12:00:00.000 (got ${shown(value)})`);
  }
  const [, y, mo, d, h, mi, s, fraction = ''] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(fraction.padEnd(3, '0').slice(0, 3)));
  const back = new Date(ms);
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new RowProblem(`${column} is not a real time (got ${shown(value)})`);
  }
  return ms;
}

export function oneOf<T extends string>(row: Readonly<Record<string, string>>, column: string, allowed: readonly T[], absent?: T): T {
  const value = row[column] ?? '';
  if (value === '' && absent !== undefined) return absent;
  if (!(allowed as readonly string[]).includes(value)) throw new RowProblem(`${column} must be one of ${allowed.join(', ')} (got ${shown(value)})`);
  return value as T;
}
