/**
 * The human-readable form of a JSON log line, for a terminal: time of day, level, message,
 * then the other fields as key=value. Only for people watching; never parsed by anything.
 */
const COLOURS: Readonly<Record<string, string>> = { debug: '\x1b[90m', info: '\x1b[32m', warn: '\x1b[33m', error: '\x1b[31m' };
const RESET = '\x1b[0m';
const SKIPPED = new Set(['time', 'level', 'msg', 'pid', 'hostname']);

function show(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

export function formatPretty(line: string, colour = process.stdout.isTTY === true): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const time = typeof entry['time'] === 'string' ? entry['time'].slice(11, 23) : '';
  const level = typeof entry['level'] === 'string' ? entry['level'] : 'info';
  const label = level.toUpperCase().padEnd(5);
  const stack = typeof entry['stack'] === 'string' && entry['stack'] !== '' ? entry['stack'] : undefined;
  const fields = Object.entries(entry)
    .filter(([k, v]) => !SKIPPED.has(k) && k !== 'stack' && v !== undefined)
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(' ');
  const head = colour ? `${COLOURS[level] ?? ''}${label}${RESET}` : label;
  return `${time} ${head} ${String(entry['msg'] ?? '')}${fields === '' ? '' : ` ${fields}`}\n${stack === undefined ? '' : `${stack}\n`}`;
}
