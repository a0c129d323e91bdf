/**
 * The frame both CSV imports share: bytes → records → typed rows, collecting a problem for
 * every bad line instead of stopping at the first (ARCHITECTURE.md: batch work returns result
 * sets). The database checks (does the account exist?) come after, in the import's transaction.
 */
import type { FeedTransaction } from '../domain/feed-store.js';
import { decodeCsv, parseCsv } from './csv.js';
import { shown } from './fields.js';

/** One problem; line 0 means the file as a whole (too large, not UTF-8). */
export interface LineError {
  readonly line: number;
  readonly message: string;
}

export interface ImportFailure {
  readonly ok: false;
  /** Every problem found, ordered by line. */
  readonly errors: readonly LineError[];
}

export interface TableLine<T> {
  readonly line: number;
  /** The account column as written; checked against the database by the import. */
  readonly account: string;
  /** The parsed row, or undefined when the line already has a problem. */
  readonly row: T | undefined;
}

export interface Table<T> {
  readonly lines: readonly TableLine<T>[];
  readonly errors: LineError[];
}

export type RowParser<T> = (fields: readonly string[]) => { readonly row: T } | { readonly problems: readonly string[] };

/**
 * Decodes and parses a file whose first column is an account user name. A first line equal to
 * the column names (any case) is a header and skipped; anything else on line 1 is data, so a
 * header with a typo is reported as a bad line rather than silently taken for one.
 */
export function readTable<T>(bytes: Uint8Array, columns: readonly string[], parseRow: RowParser<T>): Table<T> | ImportFailure {
  const decoded = decodeCsv(bytes);
  if (!decoded.ok) return { ok: false, errors: [{ line: 0, message: decoded.message }] };
  const { records, problems } = parseCsv(decoded.text);
  const errors: LineError[] = [...problems];
  const lines: TableLine<T>[] = [];
  const first = records[0];
  const hasHeader =
    first !== undefined && first.line === 1 && first.fields.length === columns.length && first.fields.every((f, i) => f.toLowerCase() === columns[i]);
  for (const record of hasHeader ? records.slice(1) : records) {
    if (record.fields.length !== columns.length) {
      errors.push({ line: record.line, message: `expected ${columns.length} columns (${columns.join(', ')}), found ${record.fields.length}` });
      continue;
    }
    const parsed = parseRow(record.fields);
    if ('problems' in parsed) for (const message of parsed.problems) errors.push({ line: record.line, message });
    lines.push({ line: record.line, account: record.fields[0] ?? '', row: 'row' in parsed ? parsed.row : undefined });
  }
  return { lines, errors };
}

/** Orders problems by line, keeping the order of several problems on one line. */
export function failure(errors: readonly LineError[]): ImportFailure {
  return { ok: false, errors: [...errors].sort((a, b) => a.line - b.line) };
}

/**
 * Resolves the account column of every line (user names are case-insensitive:
 * `accounts.username_key` is the lower-cased name) and reports each line naming no account.
 * Returns line → account id for the lines that resolved.
 */
export async function resolveAccounts(tx: FeedTransaction, lines: readonly TableLine<unknown>[], errors: LineError[]): Promise<Map<number, number>> {
  const keys = [...new Set(lines.map((l) => l.account.toLowerCase()).filter((k) => k !== ''))];
  const ids = await tx.accountIdsByKey(keys);
  const byLine = new Map<number, number>();
  for (const l of lines) {
    const id = ids.get(l.account.toLowerCase());
    if (id !== undefined) byLine.set(l.line, id);
    else errors.push({ line: l.line, message: l.account === '' ? 'account is empty' : `unknown account ${shown(l.account)}` });
  }
  return byLine;
}
