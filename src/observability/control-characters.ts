/**
 * Text that reaches a log line or an operator's terminal may come from a request (a user name,
 * an e-mail address, a header). C0 and C1 control characters in it could move the cursor,
 * recolour or rewrite what an operator sees (U+009B is an 8-bit CSI), or forge a line; bidi
 * overrides could reorder it. They are written as `\uXXXX` text instead (issue 14).
 */

/** C0 (but tab and newline), DEL, C1, the line and paragraph separators, and bidi embeddings, overrides and isolates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, tab and newline included: for a single value, where they would break the line. */
// eslint-disable-next-line no-control-regex -- as above
const CONTROLS_IN_VALUE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const TEST_IN_VALUE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One value (a log field): every control escaped, tab and newline too. */
export function escapeControls(text: string): string {
  return TEST_IN_VALUE.test(text) ? text.replace(CONTROLS_IN_VALUE, escape) : text;
}

/** Lines of terminal output: controls escaped, but tab and newline kept (they shape the output). */
export function escapeControlsInLines(text: string): string {
  return text.replace(CONTROLS, escape);
}

/** A log record with every string field escaped; the same object when nothing needed it (the usual case). */
export function escapeFields<T extends Record<string, unknown>>(fields: T): T {
  let out: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (typeof value !== 'string' || !TEST_IN_VALUE.test(value)) continue;
    // A stack trace is many lines by nature; only its other controls are escaped.
    (out ??= { ...fields })[key] = key === 'stack' ? escapeControlsInLines(value) : escapeControls(value);
  }
  return (out ?? fields) as T;
}
