/**
 * One JSON object per line on stdout, made by pino and written by line-writer.ts
 * (asynchronously, so a request never waits for the terminal or a log shipper). Callers pass
 * facts as fields; nothing here ever receives a request body. Should a secret-bearing field
 * reach a log call all the same, the redaction configured below replaces its value before the
 * line is written. Control characters in any field or message are escaped
 * (control-characters.ts): a request's text cannot drive an operator's terminal.
 *
 * On a terminal (or with AMS_LOG_FORMAT=pretty) the same lines are printed for a human:
 * `10:47:53.014 INFO  request requestId=… operation=GetAccountInfo status=200`.
 */
import pino from 'pino';
import { formatPretty } from './pretty.js';
import { escapeControls, escapeFields } from './control-characters.js';
import { fixedLineEncoder, type FixedLineWriter } from './fixed-line.js';
import { processLineWriter, type LineWriter } from './line-writer.js';

export type { FixedLineWriter } from './fixed-line.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
export type LogFormat = 'json' | 'pretty';

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose every line also carries `bindings` (e.g. the request id). */
  child(bindings: LogFields): Logger;
  /** Would a line at `level` be written? Lets a hot path skip building its fields. */
  isLevelEnabled(level: LogLevel): boolean;
  /**
   * A writer of one kind of line whose message and field names are known at boot (the request
   * line): the same line `info(msg, fields)` writes, built from parts made once (fixed-line.ts).
   * Field names that could hold a secret are refused here, at boot.
   */
  fixedLine<const K extends readonly string[]>(msg: string, keys: K): FixedLineWriter<K>;
}

/**
 * Field names that hold (or might one day hold) a secret: the AuthHeader password, every
 * password field of the contract (flat and wrapped spellings), tokens, licence keys, the
 * secret answer, partner secrets, and settings that carry credentials.
 */
export const SECRET_FIELD_NAMES: readonly string[] = [
  'password',
  'Password',
  'newPassword',
  'NewPassword',
  'oldPassword',
  'token',
  'Token',
  'AuthToken',
  'answer',
  'secretAnswer',
  'licenseKey',
  'LicenseKey',
  'partnerLicenseKey',
  'PartnerLicenseKey',
  'key',
  'secret',
  'bootstrapPassword',
  'smtpPassword',
  'authorization',
  'cookie',
];

/** Objects a secret could sit in if someone logged them whole. */
const CONTAINERS = ['authHeader', 'AuthHeader', 'args', 'request', 'config', 'headers', 'fields', 'body'];

/**
 * pino `redact` paths. Explicit paths only: a leading wildcard (`*.password`) makes pino walk
 * every field of every line, several microseconds per line; these cost about a quarter of one.
 */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELD_NAMES,
  ...CONTAINERS.flatMap((c) => SECRET_FIELD_NAMES.map((n) => `${c}.${n}`)),
  'call.authHeader.Password',
  ...SECRET_FIELD_NAMES.map((n) => `call.args.${n}`),
];

export const REDACTED = '[REDACTED]';

export interface LoggerOptions {
  /** Default `json`. `pretty`: one human-readable line per entry (for a terminal). */
  readonly format?: LogFormat;
  /**
   * Other processes write to the same stdout (the workers of AMS_WORKERS). A write(2) of at most
   * PIPE_BUF bytes (4096 on Linux) to a pipe is never interleaved with another's, and the
   * line writer (line-writer.ts) gathers whole lines into each write up to `maxWrite` bytes: so with
   * this bound no two processes' lines are ever torn into each other (one line longer than
   * 4 KiB, a long stack trace, still goes alone in a write of its own).
   */
  readonly sharedOutput?: boolean;
}

/** PIPE_BUF on Linux: the largest write to a pipe that is atomic. */
const ATOMIC_PIPE_WRITE = 4096;

function adapt(p: pino.Logger): Logger {
  const fixedLine = <const K extends readonly string[]>(msg: string, keys: K): FixedLineWriter<K> => {
    const secretNames = new Set([...SECRET_FIELD_NAMES, ...CONTAINERS]);
    // pino's own parts of every line: the level labels, its bindings (pid, hostname, a child's)
    // and its destination, so these lines go where, in the order and in the form pino's go.
    const stream = (p as unknown as Record<symbol, { write(line: string): void } & Partial<Pick<LineWriter, 'writeEncoded'>>>)[pino.symbols.streamSym]!;
    const bindings = (p as unknown as Record<symbol, string>)[pino.symbols.chindingsSym]!;
    const encoderFor = fixedLineEncoder(msg, keys, secretNames);
    const encoders = new Map(LEVELS.map((level) => [level, encoderFor(`{"level":"${level}","time":"`, `"${bindings}`)] as const));
    // AMS's line writer takes the line encoded straight into its buffer; any other destination
    // (a test's, the pretty form) gets the same bytes as a string.
    const writer = stream.writeEncoded === undefined ? undefined : (stream as LineWriter);
    return (level, values) => {
      if (!p.isLevelEnabled(level)) return;
      const encoder = encoders.get(level)!;
      if (writer) {
        writer.writeEncoded(encoder.maxBytes(values), encoder.encode, values);
        return;
      }
      const bytes = Buffer.allocUnsafe(encoder.maxBytes(values));
      stream.write(bytes.toString('utf8', 0, encoder.encode(bytes, 0, values)));
    };
  };
  // Fields are escaped by the `log` and `bindings` formatters below; the message here.
  return {
    debug: (msg, fields) => (fields === undefined ? p.debug(escapeControls(msg)) : p.debug(fields, escapeControls(msg))),
    info: (msg, fields) => (fields === undefined ? p.info(escapeControls(msg)) : p.info(fields, escapeControls(msg))),
    warn: (msg, fields) => (fields === undefined ? p.warn(escapeControls(msg)) : p.warn(fields, escapeControls(msg))),
    error: (msg, fields) => (fields === undefined ? p.error(escapeControls(msg)) : p.error(fields, escapeControls(msg))),
    // pino's `bindings` formatter sees only the root's bindings, not a child's: escaped here.
    child: (bindings) => adapt(p.child(escapeFields(bindings))),
    isLevelEnabled: (level) => p.isLevelEnabled(level),
    fixedLine,
  };
}

/**
 * `write` receives each complete line (with its newline); tests capture lines with it. Without
 * it the lines go to stdout: asynchronously as JSON, or formatted for a human.
 */
export function createLogger(level: LogLevel, write?: (line: string) => void, options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'json';
  let destination: pino.DestinationStream;
  if (write !== undefined) destination = { write: format === 'pretty' ? (line) => write(formatPretty(line)) : write };
  else if (format === 'pretty') destination = { write: (line) => void process.stdout.write(formatPretty(line)) };
  else destination = processLineWriter(1, options.sharedOutput === true ? { maxWrite: ATOMIC_PIPE_WRITE } : {});
  return adapt(
    pino(
      {
        level,
        timestamp: pino.stdTimeFunctions.isoTime,
        // Issue 14: C0/C1 controls in any field are written as \uXXXX text (control-characters.ts).
        formatters: { level: (label) => ({ level: label }), log: escapeFields, bindings: escapeFields },
        redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      },
      destination,
    ),
  );
}

/** The loggable shape of an unexpected error: its class and message, and a stack for operators only. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) return { error: err.name, errorMessage: err.message, stack: err.stack ?? '' };
  return { error: typeof err, errorMessage: String(err) };
}
