/**
 * One kind of log line whose message and field names are known at boot: the request line,
 * written once per request. pino's general path spends most of its time on what never changes
 * between two request lines (walking the fields object, the formatter, the key strings, the
 * redaction lookup per key); here the key parts (`,"status":`) and the message are made once, as
 * bytes, and a value is copied in while it is checked for anything to escape (the usual case
 * being nothing).
 *
 * The line is byte for byte what `logger.info(msg, fields)` writes for the same values (fields
 * in the order given, undefined ones left out, non-finite numbers as null): test/observability/
 * fixed-line.test.ts compares the two. Control characters in a value are escaped exactly as
 * control-characters.ts escapes every other field. Redaction is by field name, and a field name
 * that could hold a secret is refused when the writer is made, so no value here ever needed it.
 */
import { escapeControls } from './control-characters.js';

export type FixedLineValue = string | number | boolean | null | undefined;

/**
 * A line's values, one for each key given at boot, in the keys' order. By position rather than
 * by name: the encoder reads them in a loop, and reading an object's fields under 13 different
 * names at one place in the code is a megamorphic load (looked up by name in a cache V8 shares
 * with all other such loads). Read from an array, the request line cost 0.8–2.4 µs less per
 * request in service (three A/B runs of the two builds, bench/README.md, 12-06).
 */
export type FixedLineValues<K extends readonly string[]> = { readonly [I in keyof K]: FixedLineValue };

/** Writes one line at `level` (nothing when the level is off): each value under its key given at boot. */
export type FixedLineWriter<K extends readonly string[]> = (level: 'debug' | 'info' | 'warn' | 'error', values: FixedLineValues<K>) => void;

/** Field names written without any escaping: they are ours, fixed in the code. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * What JSON or the control-character rule would change in a string: quotes, backslashes, C0
 * and C1 controls, DEL, the line separators, bidi controls, and lone surrogate halves (which
 * JSON.stringify writes as \u escapes). A string without any is written between quotes as it is.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPING = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/;

function stringValue(value: string): string {
  return NEEDS_ESCAPING.test(value) ? JSON.stringify(escapeControls(value)) : `"${value}"`;
}

/** The time of a line: the ISO text of the current millisecond, made once per millisecond. */
let isoMillisecond = -1;
let isoText = '';
export function isoTimeNow(): string {
  const now = Date.now();
  if (now !== isoMillisecond) {
    isoMillisecond = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

function checkKeys(keys: readonly string[], secretNames: ReadonlySet<string>): void {
  for (const key of keys) {
    if (!PLAIN_KEY.test(key)) throw new Error(`fixed log line field "${key}" must be a plain name`);
    if (secretNames.has(key)) throw new Error(`fixed log line field "${key}" may hold a secret: log it with info(), which redacts it`);
  }
}

/** The line, encoded straight into a buffer (line-writer.ts `writeEncoded`). */
export interface FixedLineEncoder<K extends readonly string[]> {
  /** The most bytes the line with these values can take. */
  maxBytes(values: FixedLineValues<K>): number;
  /** Writes the line at `offset` and returns the offset after it. */
  readonly encode: (buffer: Buffer, offset: number, values: FixedLineValues<K>) => number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/**
 * A string's code unit takes at most 7 bytes in the line: a control becomes `\uXXXX` text
 * (control-characters.ts) whose backslash JSON then doubles; a lone surrogate half is 6
 * (`\udXXX`), anything else at most 3 (UTF-8).
 */
const MAX_BYTES_PER_CODE_UNIT = 7;
/** The longest text of a finite double, the time, `false` or `null`, with room to spare. */
const MAX_SCALAR_BYTES = 32;

/** Text known to be ASCII, one byte per character. */
function putAscii(buffer: Buffer, offset: number, text: string): number {
  for (let i = 0; i < text.length; i++) buffer[offset + i] = text.charCodeAt(i);
  return offset + text.length;
}

function putBytes(buffer: Buffer, offset: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) buffer[offset + i] = bytes[i]!;
  return offset + bytes.length;
}

const DOT = 0x2e;
const ZERO = 0x30;

/**
 * A number as `String(value)` writes it. A duration in milliseconds rounded to the microsecond
 * (k / 1000) is written from its digits: V8 caches the text of small integers, but formats every
 * other double from scratch (~0.6 µs a line in the 12-05 profile). For such a value the shortest
 * text that reads back as the same double, which is what `String` writes, is k / 1000 in decimal
 * without trailing zeros: it has at most 12 significant digits, and no other decimal that short
 * is that close to it. Anything else goes to `String`.
 */
function putNumber(buffer: Buffer, offset: number, value: number): number {
  if (!Number.isFinite(value)) return putAscii(buffer, offset, 'null');
  const thousandths = Math.round(value * 1000);
  if (Number.isInteger(value) || !(value > 0 && value < 1e9) || thousandths / 1000 !== value) return putAscii(buffer, offset, String(value));
  const whole = Math.floor(thousandths / 1000);
  const fraction = thousandths - whole * 1000;
  let at = putAscii(buffer, offset, String(whole));
  buffer[at++] = DOT;
  const tenths = Math.floor(fraction / 100);
  const hundredths = Math.floor(fraction / 10) % 10;
  const last = fraction % 10;
  buffer[at++] = ZERO + tenths;
  if (hundredths !== 0 || last !== 0) buffer[at++] = ZERO + hundredths;
  if (last !== 0) buffer[at++] = ZERO + last;
  return at;
}

/**
 * A string value: printable ASCII other than the quote and the backslash (the usual case) is
 * copied as it is while it is checked; at the first other character the value is written the
 * general way instead (`stringValue`).
 */
function putString(buffer: Buffer, offset: number, text: string): number {
  buffer[offset] = QUOTE;
  const first = offset + 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return offset + buffer.write(stringValue(text), offset);
    buffer[first + i] = c;
  }
  buffer[first + text.length] = QUOTE;
  return first + text.length + 1;
}

/**
 * Makes, for a level's `head` (the line's opening up to the time's text) and the logger's
 * `afterTime` (closing the time, then its bindings), the encoder of the line into bytes: the
 * fixed parts are bytes made here, once, and the values are copied in, so that no string of
 * the line is built, flattened and converted on every request.
 */
export function fixedLineEncoder<K extends readonly string[]>(
  msg: string,
  keys: K,
  secretNames: ReadonlySet<string>,
): (head: string, afterTime: string) => FixedLineEncoder<K> {
  checkKeys(keys, secretNames);
  const prefixes = keys.map((key) => Buffer.from(`,"${key}":`));
  const tail = Buffer.from(`,"msg":${JSON.stringify(escapeControls(msg))}}\n`);
  const prefixBytes = prefixes.reduce((sum, p) => sum + p.length, 0);
  return (head, afterTime) => {
    const headBytes = Buffer.from(head);
    const afterTimeBytes = Buffer.from(afterTime);
    const fixedBytes = headBytes.length + MAX_SCALAR_BYTES + afterTimeBytes.length + prefixBytes + tail.length;
    return {
      maxBytes(values) {
        let bytes = fixedBytes;
        for (let i = 0; i < keys.length; i++) {
          const value = (values as readonly FixedLineValue[])[i];
          if (typeof value === 'string') bytes += value.length * MAX_BYTES_PER_CODE_UNIT + 2;
          else if (value !== undefined) bytes += MAX_SCALAR_BYTES;
        }
        return bytes;
      },
      encode(buffer, offset, values) {
        let at = putBytes(buffer, offset, headBytes);
        at = putAscii(buffer, at, isoTimeNow());
        at = putBytes(buffer, at, afterTimeBytes);
        for (let i = 0; i < keys.length; i++) {
          const value = (values as readonly FixedLineValue[])[i];
          if (value === undefined) continue;
          at = putBytes(buffer, at, prefixes[i]!);
          if (typeof value === 'string') at = putString(buffer, at, value);
          else if (typeof value === 'number') at = putNumber(buffer, at, value);
          else at = putAscii(buffer, at, String(value));
        }
        return putBytes(buffer, at, tail);
      },
    };
  };
}
