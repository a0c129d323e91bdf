/**
 * One kind of log line whose message and field names are known at boot: the request line,
 * written once per request. pino's general path spends most of its time on what never changes
 * between two request lines (walking the fields object, the formatter, the key strings, the
 * redaction lookup per key); here the key parts (`,"status":`) and the message are made once, and
 * a value costs one regular-expression test when it holds nothing to escape (the usual case).
 *
 * The line is byte for byte what `logger.info(msg, fields)` writes for the same values (fields
 * in the order given, undefined ones left out, non-finite numbers as null): test/observability/
 * fixed-line.test.ts compares the two. Control characters in a value are escaped exactly as
 * control-characters.ts escapes every other field. Redaction is by field name, and a field name
 * that could hold a secret is refused when the writer is made, so no value here ever needed it.
 */
import { escapeControls } from './control-characters.js';

export type FixedLineValue = string | number | boolean | null | undefined;

/** Writes one line at `level` (nothing when the level is off), the values under the keys given at boot. */
export type FixedLineWriter<K extends string> = (level: 'debug' | 'info' | 'warn' | 'error', values: { readonly [Key in K]: FixedLineValue }) => void;

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

/**
 * Makes the function that builds the line: `head` is the level's opening up to the time's text,
 * `afterTime` closes the time and adds the logger's bindings; both come from the logger.
 */
export function fixedLineBuilder<K extends string>(
  msg: string,
  keys: readonly K[],
  secretNames: ReadonlySet<string>,
): (head: string, afterTime: string, values: { readonly [Key in K]: FixedLineValue }) => string {
  for (const key of keys) {
    if (!PLAIN_KEY.test(key)) throw new Error(`fixed log line field "${key}" must be a plain name`);
    if (secretNames.has(key)) throw new Error(`fixed log line field "${key}" may hold a secret: log it with info(), which redacts it`);
  }
  const prefixes = keys.map((key) => `,"${key}":`);
  const tail = `,"msg":${JSON.stringify(escapeControls(msg))}}\n`;
  return (head, afterTime, values) => {
    let line = head + new Date().toISOString() + afterTime;
    for (let i = 0; i < keys.length; i++) {
      const value = values[keys[i]!];
      if (value === undefined) continue;
      line += prefixes[i]!;
      if (typeof value === 'string') line += stringValue(value);
      else if (typeof value === 'number') line += Number.isFinite(value) ? String(value) : 'null';
      else line += String(value);
    }
    return line + tail;
  };
}
