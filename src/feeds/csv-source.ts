/**
 * Streams a CSV file of the legacy import format (RFC 4180, UTF-8, BOM allowed, header row)
 * through csv-parse, yielding each record with the line it starts on — as a text editor counts,
 * the header being line 1 — or the line and reason a record could not be read. Memory stays
 * flat whatever the file's size: one record at a time, each bounded in size.
 */
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import type { SourceRow } from '../domain/import/run-import.js';

/** Larger records are refused (a runaway quote would otherwise swallow the rest of the file). */
export const MAX_RECORD_BYTES = 64 * 1024;

function countNewlines(values: readonly string[]): number {
  let n = 0;
  for (const v of values) for (let i = v.indexOf('\n'); i !== -1; i = v.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Decodes strictly: a mis-encoded file (say Latin-1 from a spreadsheet) must stop with a clear
 * message rather than import "M\uFFFDller".
 */
function strictUtf8(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const run = (work: () => string, done: (err: Error | null, text?: string) => void): void => {
    try {
      done(null, work());
    } catch {
      done(new Error('the file is not valid UTF-8 text'));
    }
  };
  return new Transform({
    transform: (chunk: Buffer, _encoding, done) => run(() => decoder.decode(chunk, { stream: true }), done),
    flush: (done) => run(() => decoder.decode(), done),
  });
}

function headerProblem(header: readonly string[], columns: readonly string[]): string | undefined {
  const unknown = header.filter((c) => !columns.includes(c));
  const missing = columns.filter((c) => !header.includes(c));
  const repeated = header.filter((c, i) => header.indexOf(c) !== i);
  const why = [
    unknown.length > 0 ? `unknown: ${unknown.join(', ')}` : '',
    missing.length > 0 ? `missing: ${missing.join(', ')}` : '',
    repeated.length > 0 ? `repeated: ${repeated.join(', ')}` : '',
  ].filter((s) => s !== '');
  return why.length === 0 ? undefined : `the header must name the columns ${columns.join(',')} (${why.join('; ')}); the file was not read`;
}

export interface CsvSourceOptions {
  /** Hears the bytes read so far (for progress). */
  readonly onBytes?: (bytes: number) => void;
}

export async function* csvRows(file: string, columns: readonly string[], options: CsvSourceOptions = {}): AsyncGenerator<SourceRow> {
  const input = fs.createReadStream(file);
  let bytes = 0;
  input.on('data', (chunk) => {
    bytes += chunk.length;
    options.onBytes?.(bytes);
  });
  const parser = parse({ bom: true, info: true, skip_empty_lines: true, skip_records_with_error: true, max_record_size: MAX_RECORD_BYTES });
  const skipped: SourceRow[] = [];
  parser.on('skip', (err: CsvError & { lines?: number }) => {
    skipped.push({ line: err.lines ?? 0, problem: `not readable as CSV: ${err.message.replace(/ at line \d+/, '')}` });
  });
  const decode = strictUtf8();
  input.on('error', (err) => parser.destroy(err));
  decode.on('error', (err) => parser.destroy(err));
  input.pipe(decode).pipe(parser);

  let header: string[] | undefined;
  let line = 1;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      while (skipped.length > 0) yield skipped.shift()!;
      const { record, info } = item;
      line = info.lines - countNewlines(record);
      if (header === undefined) {
        header = record;
        const problem = headerProblem(header, columns);
        if (problem !== undefined) {
          yield { line, problem };
          return;
        }
        continue;
      }
      const values: Record<string, string> = {};
      header.forEach((column, i) => (values[column] = record[i] ?? ''));
      yield { line, values };
    }
    while (skipped.length > 0) yield skipped.shift()!;
  } catch (err) {
    yield { line: line + 1, problem: `${err instanceof Error ? err.message : String(err)}; the rest of the file was not read` };
  } finally {
    input.destroy();
  }
}
