/**
 * RFC 4180 CSV for operator imports: the bytes are checked against hard limits before any
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

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Strict RFC 4180: fields separated by commas, records by CRLF or LF; a field that starts with
 * a quote runs to the matching quote, with `""` standing for one quote and commas and line
 * breaks kept as data. A quote anywhere else is a problem, not data: guessing there is how
 * lenient parsers silently shift columns. After a problem the parser skips to the next line
 * and carries on, so one run reports every bad line. Wholly empty lines are skipped: no record
 * of ours has a single column, so they can only be stray blank lines.
 */
export function parseCsv(text: string): { readonly records: CsvRecord[]; readonly problems: CsvProblem[] } {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;

  /** Moves past the end of the current physical line after a problem. */
  const skipLine = (): void => {
    const next = text.indexOf('\n', i);
    if (next === -1) {
      i = n;
    } else {
      i = next + 1;
      line++;
    }
  };
  const atRecordEnd = (at: number): boolean =>
    at >= n || text.charCodeAt(at) === LF || (text.charCodeAt(at) === CR && text.charCodeAt(at + 1) === LF);

  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let problem: string | undefined;
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = ++i;
        let closed = false;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            value += text.slice(from, i);
            if (text.charCodeAt(i + 1) === QUOTE) {
              value += '"';
              i += 2;
              from = i;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === LF) line++;
          i++;
        }
        if (!closed) {
          problem = 'a quoted field is never closed (missing ")';
          break;
        }
        fields.push(value);
        if (!atRecordEnd(i) && text.charCodeAt(i) !== COMMA) {
          problem = 'text after a closing quote (a quote inside a quoted field must be doubled: "")';
          skipLine();
          break;
        }
      } else {
        let j = i;
        while (!atRecordEnd(j) && text.charCodeAt(j) !== COMMA) {
          if (text.charCodeAt(j) === QUOTE) problem ??= 'a quote inside an unquoted field (quote the whole field and double the quote: "")';
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
        if (problem !== undefined) {
          skipLine();
          break;
        }
      }
      if (i < n && text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      // End of the record: step over CRLF or LF (nothing at the end of the text).
      if (i < n) {
        i += text.charCodeAt(i) === CR ? 2 : 1;
        line++;
      }
      break;
    }
    if (problem !== undefined) problems.push({ line: start, message: problem });
    else if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return { records, problems };
}
