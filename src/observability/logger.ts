/**
 * One JSON object per line on stdout. Callers pass facts as fields; nothing here ever receives
 * a request body, so no secret can reach a log line by accident.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const log =
    (at: LogLevel) =>
    (msg: string, fields: LogFields = {}): void => {
      if (RANK[at] < RANK[level]) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...fields })}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** The loggable shape of an unexpected error: its class and message, and a stack for operators only. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) return { error: err.name, errorMessage: err.message, stack: err.stack ?? '' };
  return { error: typeof err, errorMessage: String(err) };
}
