import { parse, CsvError } from 'csv-parse/sync';

/**
 * RFC 4180 CSV for operator imports (parsed by csv-parse): the bytes are checked against hard limits before any
 * parsing, then split into records that remember the physical line they start on, so every
 * problem can be reported as "line N" the way a text editor counts — even when a quoted field
 * spans several lines.
 */

/** Larger files are refused before they are decoded: an import holds the whole file in memory. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
export const MAX_FILE_LINES = 1_000_000;

export interface CsvRecord {
  /** Physical line (1-based) on which the record starts. */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface CsvProblem {
  readonly line: number;
  readonly message: string;
}

export type Decoded = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

/**
 * Bytes → text, or why not. UTF-8 only, decoded strictly: a mis-encoded file (say Latin-1 from
 * a spreadsheet) must fail loudly rather than import "Mï¿½ller". A leading BOM, which Excel
 * writes, is dropped by the decoder.
 */
export function decodeCsv(bytes: Uint8Array): Decoded {
  if (bytes.byteLength > MAX_FILE_BYTES) {
    return { ok: false, message: `the file is ${bytes.byteLength} bytes; the limit is 50 MB (${MAX_FILE_BYTES} bytes)` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: 'the file is not valid UTF-8 text' };
  }
  const lines = countLines(text);
  if (lines > MAX_FILE_LINES) {
    return { ok: false, message: `the file has ${lines} lines; the limit is ${MAX_FILE_LINES}` };
  }
  return { ok: true, text };
}

/** Physical lines; a final line break does not start another line. */
export function countLines(text: string): number {
  if (text === '') return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n - 1 : n;
}

const PROBLEMS: Readonly<Record<string, string>> = {
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field (quote the whole field and double the quote: "")',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote (a quote inside a quoted field must be doubled: "")',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed (missing ")',
};

const countOf = (text: string, part: string): number => text.split(part).length - 1;

/**
 * Strict RFC 4180 through csv-parse: fields separated by commas, records by CRLF or LF; a
 * quoted field keeps commas, doubled quotes and line breaks as data. A quote anywhere else is a
 * problem, not data: guessing there is how lenient parsers silently shift columns. After a
 * problem, parsing starts again on the line after the one where it was found, so one run
 * reports every bad line. Wholly empty lines are skipped: no record of ours has a single column,
 * so they can only be stray blank lines. Each record keeps the physical line it starts on.
 */
export function parseCsv(text: string): { readonly records: CsvRecord[]; readonly problems: CsvProblem[] } {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const lines = text.split('\n');
  let base = 0; // physical lines before the text being parsed
  let rest = text;
  for (;;) {
    let lastEnd = 0;
    // csv-parse counts a CRLF inside a quoted field as two lines; this undoes it.
    let overcount = 0;
    try {
      parse(rest, {
        relax_column_count: true,
        skip_empty_lines: true,
        record_delimiter: ['\r\n', '\n'],
        on_record: (record: string[], context: { lines: number }) => {
          const joined = record.join('');
          overcount += countOf(joined, '\r\n');
          lastEnd = context.lines - overcount;
          records.push({ line: base + lastEnd - countOf(joined, '\n'), fields: record });
          return null;
        },
      });
      return { records, problems };
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      // The record starts at the first non-blank line after the last good one.
      let start = lastEnd + 1;
      while (base + start - 1 < lines.length && (lines[base + start - 1] ?? '').replace(/\r$/, '') === '') start++;
      problems.push({ line: base + start, message: PROBLEMS[err.code] ?? `not readable as CSV (${err.code})` });
      const next = base + Number((err as CsvError & { lines?: number }).lines ?? 0) - overcount;
      if (err.code === 'CSV_QUOTE_NOT_CLOSED' || next >= lines.length || next <= base) return { records, problems };
      base = next;
      rest = lines.slice(next).join('\n');
    }
  }
}
