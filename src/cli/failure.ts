/**
 * Every way a command can fail, turned into the one line an operator reads
 * (`ams: <what failed>: <why> (<the setting to check>)`) and the exit status a supervisor acts on:
 *
 *   2  configuration: a setting is wrong; restarting with the same settings fails the same way
 *      (systemd: RestartPreventExitStatus=2)
 *   3  a dependency is unreachable: the database refused, timed out or has no such host; a
 *      restart once it is back succeeds
 *   1  anything else
 *
 * The classification reads the error's own fields (`code`, `syscall`, PostgreSQL's SQLSTATE,
 * SQLite's result code), never its stack; the stack is printed only with AMS_LOG_LEVEL=debug.
 */
import { ConfigError, type Config } from '../config/config.js';
import { ListenFailure } from '../app/serve.js';
import { DatabaseModeMismatchError } from '../app/sandbox.js';
import { DatabaseFolderMissingError, MigrationFailedError, parseDatabaseUrl, redactUrl } from '../app/operator.js';

export type FailureKind = 'configuration' | 'unreachable' | 'other';

export const EXIT_STATUS: Readonly<Record<FailureKind, number>> = { other: 1, configuration: 2, unreachable: 3 };

export interface Failure {
  readonly what: string;
  readonly why: string;
  /** The setting to check, when one is to blame. */
  readonly setting: string | null;
  readonly kind: FailureKind;
}

interface ErrorFields {
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly hostname?: unknown;
  readonly path?: unknown;
  readonly severity?: unknown;
  readonly errors?: unknown;
}

function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // One line, bounded: a driver's message may span lines or quote a long statement.
  return text.replace(/\s+/g, ' ').trim().slice(0, 300) || (err instanceof Error ? err.name : 'unknown error');
}

function fieldsOf(err: unknown): ErrorFields {
  return err !== null && typeof err === 'object' ? (err as ErrorFields) : {};
}

/** The error and its causes, outermost first (AggregateError: its first error, as Node's connect does). */
function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  let current: unknown = err;
  while (current !== undefined && current !== null && out.length < 8 && !out.includes(current)) {
    out.push(current);
    const errors = fieldsOf(current).errors;
    if (Array.isArray(errors) && errors.length > 0) out.push(errors[0]);
    current = current instanceof Error ? current.cause : undefined;
  }
  return out;
}

/** Why a connection failed, by Node's error code; `HOST` is the name looked up, `PEER` the address tried. */
const NETWORK: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused by PEER',
  ECONNRESET: 'the connection to PEER was reset',
  ETIMEDOUT: 'no answer from PEER (timed out)',
  EHOSTUNREACH: 'no route to PEER',
  ENETUNREACH: 'the network of PEER is unreachable',
  EHOSTDOWN: 'PEER is down',
  ENOTFOUND: 'unknown host HOST',
  EAI_AGAIN: 'cannot resolve the host name HOST (DNS did not answer)',
};

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|ALTNAME|ERR_SSL|ERR_TLS/;

/** PostgreSQL SQLSTATEs that are the settings' fault, and those that mean "not now". */
const POSTGRES_CONFIGURATION = new Set(['28P01', '28000', '3D000', '42501', '3F000']);
const POSTGRES_UNAVAILABLE = new Set(['53300', '57P03', '57P01', '08006', '08001']);

function databaseWhat(config: Config | null): string {
  if (config === null) return 'cannot open the database';
  const location = safeLocation(config.databaseUrl);
  if (location === null) return 'cannot open the database';
  return location.engine === 'postgres' ? `cannot connect to the database ${redactUrl(location.target)}` : `cannot open the SQLite database ${location.target}`;
}

function safeLocation(url: string) {
  try {
    return parseDatabaseUrl(url);
  } catch {
    return null;
  }
}

/** The failure of one error (not its causes), or null when this error says nothing we know. */
function classifyOne(err: unknown, config: Config | null): Failure | null {
  if (err instanceof ConfigError) return { what: 'invalid configuration', why: err.message, setting: null, kind: 'configuration' };
  if (err instanceof DatabaseModeMismatchError) {
    // Issue 21: a restart with the same settings meets the same database, so a configuration failure.
    return { what: 'wrong database for this mode', why: err.message, setting: 'AMS_SANDBOX, AMS_DATABASE_URL', kind: 'configuration' };
  }
  if (err instanceof DatabaseFolderMissingError) {
    return { what: `cannot open the SQLite database ${err.file}`, why: `the folder ${err.folder} does not exist; create it or correct the path`, setting: 'AMS_DATABASE_URL', kind: 'configuration' };
  }
  if (err instanceof ListenFailure) {
    const cause = fieldsOf(err.cause);
    const code = typeof cause.code === 'string' ? cause.code : '';
    const what = `cannot listen on ${err.host}:${err.port}`;
    if (code === 'EADDRINUSE') return { what, why: 'the address is already in use by another process', setting: err.setting, kind: 'configuration' };
    if (code === 'EACCES') return { what, why: 'permission denied: ports below 1024 need privileges', setting: err.setting, kind: 'configuration' };
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return { what, why: `${err.host} is not an address of this machine`, setting: err.setting === 'AMS_PORT' ? 'AMS_HOST' : 'AMS_METRICS_HOST', kind: 'configuration' };
    }
    return { what, why: messageOf(err.cause), setting: err.setting, kind: 'other' };
  }
  const f = fieldsOf(err);
  const code = typeof f.code === 'string' ? f.code : '';
  // PostgreSQL's own answer: a SQLSTATE with a severity.
  if (typeof f.severity === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (POSTGRES_CONFIGURATION.has(code)) return { what: databaseWhat(config), why: messageOf(err), setting: 'AMS_DATABASE_URL', kind: 'configuration' };
    if (POSTGRES_UNAVAILABLE.has(code)) return { what: databaseWhat(config), why: messageOf(err), setting: 'AMS_DATABASE_URL', kind: 'unreachable' };
    return null;
  }
  if (code.startsWith('SQLITE_')) {
    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_NOTADB' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
      return { what: databaseWhat(config), why: messageOf(err), setting: 'AMS_DATABASE_URL', kind: 'configuration' };
    }
    return null;
  }
  if (code in NETWORK && (f.syscall === 'connect' || f.syscall === 'getaddrinfo' || f.syscall === 'read' || f.syscall === undefined)) {
    const peer = typeof f.address === 'string' ? `${f.address}${typeof f.port === 'number' ? `:${f.port}` : ''}` : 'the server';
    const why = (NETWORK[code] ?? code).replace('HOST', typeof f.hostname === 'string' ? f.hostname : 'of the server').replace('PEER', peer);
    return { what: databaseWhat(config), why, setting: 'AMS_DATABASE_URL', kind: 'unreachable' };
  }
  if (TLS_CODES.test(code) || /does not support SSL|SSL connection|certificate/i.test(messageOf(err))) {
    return { what: databaseWhat(config), why: messageOf(err), setting: 'AMS_DATABASE_SSL_MODE, AMS_DATABASE_SSL_CA_FILE', kind: 'configuration' };
  }
  // node-postgres' own connect deadline (AMS_DATABASE_STATEMENT_TIMEOUT_MS bounds it).
  if (/timeout exceeded when trying to connect|connection timeout/i.test(messageOf(err))) {
    return { what: databaseWhat(config), why: 'no answer in time', setting: 'AMS_DATABASE_URL', kind: 'unreachable' };
  }
  // A file the settings name (a CA file, the database's folder) that cannot be read or made.
  if (typeof f.path === 'string' && /^E(NOENT|ACCES|PERM|NOTDIR|ISDIR|EXIST|ROFS)$/.test(code)) {
    const setting = settingNamingPath(f.path, config);
    return { what: `cannot use ${f.path}`, why: messageOf(err).replace(/^[A-Z]+: /, ''), setting, kind: setting === null ? 'other' : 'configuration' };
  }
  return null;
}

function settingNamingPath(file: string, config: Config | null): string | null {
  if (config === null) return null;
  const location = safeLocation(config.databaseUrl);
  if (location?.engine === 'sqlite' && (location.target === file || location.target.startsWith(`${file}/`) || file.startsWith(location.target))) return 'AMS_DATABASE_URL';
  if (location?.engine === 'sqlite') {
    // mkdir of the database's folder fails on one of its ancestors.
    const folder = location.target.slice(0, location.target.lastIndexOf('/'));
    if (folder.startsWith(file)) return 'AMS_DATABASE_URL';
  }
  if (config.databaseSslCaFile === file) return 'AMS_DATABASE_SSL_CA_FILE';
  if (config.smtpCaFile === file) return 'AMS_SMTP_CA_FILE';
  if (config.pickupDir === file || file.startsWith(`${config.pickupDir}/`)) return 'AMS_MAIL_PICKUP_DIR';
  return null;
}

/** What failed and why, from the outermost error that says; a step's own name when none does. */
export function explainFailure(err: unknown, command: string, config: Config | null): Failure {
  for (const e of chain(err)) {
    const known = classifyOne(e, config);
    if (known) return known;
  }
  // Nothing in the chain is known: a failed migration still says which step it was.
  const migration = chain(err).find((e) => e instanceof MigrationFailedError);
  if (migration instanceof MigrationFailedError) return { what: 'database migration failed', why: messageOf(migration.cause), setting: null, kind: 'other' };
  return { what: `${command} failed`, why: messageOf(err), setting: null, kind: 'other' };
}

export function failureLine(f: Failure): string {
  return `ams: ${f.what}: ${f.why}${f.setting === null ? '' : ` (${f.setting})`}`;
}

/** The stack and causes, for AMS_LOG_LEVEL=debug only. */
export function failureDetail(err: unknown): string {
  return chain(err)
    .map((e, i) => `${i === 0 ? '' : 'caused by: '}${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
    .join('\n');
}
