/**
 * Environment -> one typed, validated Config. SETTINGS is the single table: the loader, the
 * README's settings table (checked by a test) and `ams config` all read it.
 */
import { isIP } from 'node:net';
import { isLanguage, LANGUAGES, type Language } from '../mail/translations.js';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** True only for the built-in default path, whose folder (`./data/`) is made on first start; a configured path's folder must exist. */
  readonly databaseCreateFolder: boolean;
  readonly databasePoolSize: number;
  readonly databaseStatementTimeoutMs: number;
  readonly databaseSslMode: 'disable' | 'require' | 'verify-ca' | 'verify-full' | null;
  readonly databaseSslCaFile: string | null;
  readonly publicUrl: string | null;
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  readonly providerName: string;
  readonly supportEmail: string;
  readonly pickupDir: string;
  readonly smtpRequireTls: boolean | null;
  readonly smtpCaFile: string | null;
  readonly smtpTlsRejectUnauthorized: boolean;
  readonly mailLocale: Language;
  readonly mailMaxAttempts: number;
  readonly mailRetryBaseSeconds: number;
  readonly mailRetryMaxSeconds: number;
  readonly mailConcurrency: number;
  readonly mailLeaseSeconds: number;
  readonly mailProbeSeconds: number;
  readonly mailPollSeconds: number;
  readonly backupServers: readonly string[];
  readonly backupServerRefreshSeconds: number;
  readonly bootstrapUsername: string | null;
  readonly bootstrapPassword: string | null;
  readonly passwordMinLength: number;
  readonly passwordMaxLength: number;
  readonly lockoutMaxFailures: number;
  readonly lockoutWindowSeconds: number;
  readonly lockoutDurationSeconds: number;
  readonly maxBodyBytes: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
  readonly shutdownTimeoutMs: number;
  readonly trustedProxies: readonly string[];
  readonly partnerRequestsPerMinute: number;
  readonly partnerBurst: number;
  readonly authFailuresPerUser: number;
  readonly authFailuresPerAddress: number;
  readonly authFailureWindowSeconds: number;
  readonly credentialMemoTtlMs: number;
  readonly credentialMemoMaxEntries: number;
  readonly authThrottleMaxKeys: number;
  readonly partnerRateMaxKeys: number;
  readonly defaultQuotaMb: number;
  readonly authenticationTokenTtlSeconds: number;
  readonly authorizationTokenTtlSeconds: number;
  readonly creatingAccountTokenDefaultHours: number;
  readonly creatingAccountTokenMaxHours: number;
  readonly readinessTimeoutMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** `auto`: human-readable on a terminal, JSON otherwise. */
  readonly logFormat: 'auto' | 'json' | 'pretty';
  /** null: no metrics endpoint. */
  readonly metricsPort: number | null;
  readonly metricsHost: string;
}

/** What a setting's value must be; the README table and `ams help` show it. */
export type SettingType =
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'text' | 'host' | 'url' | 'database' | 'path' | 'list' };

const T = {
  integer: (min: number, max: number): SettingType => ({ kind: 'integer', min, max }),
  oneOf: (...values: string[]): SettingType => ({ kind: 'enum', values }),
  boolean: { kind: 'boolean' } as SettingType,
  text: { kind: 'text' } as SettingType,
  host: { kind: 'host' } as SettingType,
  url: { kind: 'url' } as SettingType,
  database: { kind: 'database' } as SettingType,
  path: { kind: 'path' } as SettingType,
  list: { kind: 'list' } as SettingType,
};

export function describeType(type: SettingType): string {
  switch (type.kind) {
    case 'integer':
      return type.max === Number.MAX_SAFE_INTEGER ? `whole number ≥ ${type.min}` : `whole number ${type.min}–${type.max}`;
    case 'boolean':
      return '`true` or `false`';
    case 'enum':
      return `one of ${type.values.map((v) => `\`${v}\``).join(', ')}`;
    case 'text':
      return 'text';
    case 'host':
      return 'IP address or host name';
    case 'url':
      return 'URL';
    case 'database':
      return 'file path or URL';
    case 'path':
      return 'file path';
    case 'list':
      return 'comma-separated list';
  }
}

export interface Setting {
  readonly env: string;
  readonly type: SettingType;
  readonly default: string;
  readonly description: string;
  /** `ams config` masks it: the whole value, or the password in a URL. */
  readonly secret?: 'value' | 'url';
}

export const SETTINGS: readonly Setting[] = [
  { env: 'AMS_PORT', type: T.integer(0, 65535), default: '8080', description: 'TCP port of the SOAP endpoint.' },
  { env: 'AMS_HOST', type: T.host, default: '0.0.0.0', description: 'Address to listen on.' },
  {
    env: 'AMS_DATABASE_URL',
    type: T.database,
    secret: 'url',
    default: './data/ams.sqlite',
    description:
      'A SQLite file path (or `sqlite:PATH`) in an existing folder (only the default\'s `./data/` is created), or `postgres://user:pass@host:5432/db` for PostgreSQL.',
  },
  {
    env: 'AMS_DATABASE_POOL_SIZE',
    type: T.integer(1, 1000),
    default: '10',
    description: 'PostgreSQL: connections per instance. Keep instances × pool size below the server\'s `max_connections`.',
  },
  {
    env: 'AMS_DATABASE_STATEMENT_TIMEOUT_MS',
    type: T.integer(0, 3_600_000),
    default: '5000',
    description:
      'PostgreSQL: longest a statement may run, and longest a request waits for a connection; past it the request answers UnexpectedError (0: no limit). Migrations run without it.',
  },
  {
    env: 'AMS_DATABASE_SSL_MODE',
    type: T.oneOf('disable', 'require', 'verify-ca', 'verify-full'),
    default: '(from the URL, else no TLS)',
    description:
      'PostgreSQL TLS as in libpq: `disable`, `require` (encrypted, certificate not checked), `verify-ca` (signed by the CA file) or `verify-full` (also the host name; the default when only a CA file is set). Not together with `sslmode` in the URL.',
  },
  {
    env: 'AMS_DATABASE_SSL_CA_FILE',
    type: T.path,
    default: '(unset: system CAs)',
    description: 'PostgreSQL TLS: PEM file of the CA that signed the server certificate (needed for `verify-ca`).',
  },
  {
    env: 'AMS_PUBLIC_URL',
    type: T.url,
    default: '(from the request)',
    description: 'Public base URL (e.g. `https://api.example.com`) advertised in the WSDL and disco when behind a proxy or load balancer.',
  },
  {
    env: 'AMS_SMTP_URL',
    type: T.url,
    secret: 'url',
    default: '(unset: pickup folder)',
    description:
      'SMTP server for notification e-mails: `smtp://user:pass@mail:587` (STARTTLS) or `smtps://user:pass@mail:465` (TLS from the start); percent-encode special characters of the password. Unset: `.eml` files in the pickup folder.',
  },
  {
    env: 'AMS_SMTP_REQUIRE_TLS',
    type: T.boolean,
    default: '(true with credentials)',
    description:
      '`smtp://` only. `true`: send nothing unless STARTTLS succeeds. `false`: STARTTLS when offered, else in clear, credentials too (a local test sink). Default: `true` when the URL has a user name, else STARTTLS when offered.',
  },
  {
    env: 'AMS_SMTP_CA_FILE',
    type: T.path,
    default: '(unset: system CAs)',
    description: "PEM file of the CA (or the self-signed certificate) that signed the SMTP server's certificate; trusted besides the system CAs.",
  },
  {
    env: 'AMS_SMTP_TLS_REJECT_UNAUTHORIZED',
    type: T.boolean,
    default: 'true',
    description: '`false` accepts any SMTP server certificate: still encrypted, but the server is not authenticated. Prefer `AMS_SMTP_CA_FILE`.',
  },
  { env: 'AMS_MAIL_FROM', type: T.text, default: 'Online Backup <no-reply@localhost>', description: 'Sender of notification e-mails.' },
  { env: 'AMS_PROVIDER_NAME', type: T.text, default: 'Online Backup', description: 'Provider name used in e-mails.' },
  { env: 'AMS_SUPPORT_EMAIL', type: T.text, default: 'support@localhost', description: 'Support address named in e-mails.' },
  { env: 'AMS_MAIL_PICKUP_DIR', type: T.path, default: './data/mail-pickup', description: 'Where `.eml` files go when no SMTP server is set.' },
  {
    env: 'AMS_MAIL_LOCALE',
    type: T.oneOf(...LANGUAGES),
    default: 'en',
    description: `Language of e-mails (${LANGUAGES.map((l) => `\`${l}\``).join(', ')}) to accounts whose locale code (\`de-DE\`, \`fr\`…) has no translation.`,
  },
  { env: 'AMS_MAIL_MAX_ATTEMPTS', type: T.integer(1, 100), default: '10', description: 'Delivery attempts before a message is dead-lettered; a 5xx rejection dead-letters it at once.' },
  {
    env: 'AMS_MAIL_RETRY_BASE_SECONDS',
    type: T.integer(1, 86_400),
    default: '300',
    description: 'Wait after the first failed attempt; it doubles after each further failure (±20 % jitter) up to the maximum. Defaults: 10 attempts over about 23 hours.',
  },
  { env: 'AMS_MAIL_RETRY_MAX_SECONDS', type: T.integer(1, 7 * 86_400), default: '21600', description: 'Longest wait between two delivery attempts.' },
  { env: 'AMS_MAIL_CONCURRENCY', type: T.integer(1, 64), default: '4', description: 'Messages one instance sends in parallel.' },
  {
    env: 'AMS_MAIL_LEASE_SECONDS',
    type: T.integer(2, 3_600),
    default: '120',
    description:
      'How long a claimed message is reserved for the instance sending it. A send unanswered after 80 % of it is abandoned and retried; a message whose sender crashed is sent again once the lease runs out.',
  },
  {
    env: 'AMS_MAIL_POLL_SECONDS',
    type: T.integer(1, 3_600),
    default: '5',
    description: 'How often the mail worker looks for due mail when nothing woke it (a commit on this instance wakes it at once; this catches mail queued by other instances and retries coming due).',
  },
  {
    env: 'AMS_MAIL_PROBE_SECONDS',
    type: T.integer(1, 3_600),
    default: '15',
    description:
      'While the SMTP server cannot be reached (refused, timed out, TLS failure, 421, login refused), how often to check whether it answers again (connect, EHLO, QUIT); on the first answer the waiting mail goes out at once. Such failures spend none of a message\'s attempts.',
  },
  {
    env: 'AMS_BACKUP_SERVERS',
    type: T.list,
    default: 'backup-01',
    description: 'Comma-separated backup server names; new accounts go to the least-loaded.',
  },
  {
    env: 'AMS_BOOTSTRAP_USERNAME',
    type: T.text,
    default: '(unset)',
    description: 'On a fresh database: user name of the first partner API user (generated and printed once when unset).',
  },
  {
    env: 'AMS_BOOTSTRAP_PASSWORD',
    type: T.text,
    secret: 'value',
    default: '(unset)',
    description: 'On a fresh database: secret of the first partner API user (generated and printed once when unset).',
  },
  { env: 'AMS_PASSWORD_MIN_LENGTH', type: T.integer(6, 128), default: '8', description: 'Minimum backup-account password length (never below 6).' },
  {
    env: 'AMS_PASSWORD_MAX_LENGTH',
    type: T.integer(8, 1024),
    default: '128',
    description: 'Maximum backup-account password length, in characters; at least `AMS_PASSWORD_MIN_LENGTH`. Longer ones are refused, never truncated.',
  },
  {
    env: 'AMS_LOCKOUT_MAX_FAILURES',
    type: T.integer(1, 100),
    default: '10',
    description:
      'Backup-account password checks per window; the one that fails at the limit locks the account. Checks are reserved in the database before hashing, so a burst on any number of instances gets no more. Never more than 100 checks per account per hour, whatever the settings.',
  },
  { env: 'AMS_LOCKOUT_WINDOW_SECONDS', type: T.integer(1, 86_400), default: '900', description: 'The lock-out window; it opens with the first check counted.' },
  {
    env: 'AMS_LOCKOUT_DURATION_SECONDS',
    type: T.integer(1, 86_400),
    default: '900',
    description: 'How long a locked account answers `AccountLocked` without its password being checked (a partner reset unlocks it at once).',
  },
  { env: 'AMS_MAX_BODY_BYTES', type: T.integer(1024, 256 * 1024 * 1024), default: '4194304', description: 'Largest accepted request body (ASP.NET default 4 MiB); larger: 413.' },
  {
    env: 'AMS_HEADERS_TIMEOUT_MS',
    type: T.integer(100, 600_000),
    default: '20000',
    description: 'Longest a client may take to send a request\'s headers (a slow-loris client is cut off with 408); at most `AMS_REQUEST_TIMEOUT_MS`.',
  },
  {
    env: 'AMS_REQUEST_TIMEOUT_MS',
    type: T.integer(100, 3_600_000),
    default: '60000',
    description: 'Longest a client may take to send a whole request, body included; also closes a connection with no traffic either way for this long (a client that stops reading its answer).',
  },
  { env: 'AMS_KEEP_ALIVE_TIMEOUT_MS', type: T.integer(100, 600_000), default: '5000', description: 'How long an idle kept-alive connection stays open between requests.' },
  {
    env: 'AMS_MAX_CONNECTIONS',
    type: T.integer(1, 1_000_000),
    default: '1000',
    description: 'Open connections per instance; further ones are closed at once. Keep it below the open-file limit (`ulimit -n`).',
  },
  {
    env: 'AMS_SHUTDOWN_TIMEOUT_MS',
    type: T.integer(100, 3_600_000),
    default: '15000',
    description: 'On SIGTERM: how long to let in-flight requests and mail sends finish. Past it the remaining connections are cut and the process exits 1.',
  },
  {
    env: 'AMS_TRUSTED_PROXIES',
    type: T.list,
    default: '(unset: none)',
    description: 'Comma-separated addresses of load balancers whose `X-Forwarded-For` names the client (for the audit log and the per-address throttle).',
  },
  {
    env: 'AMS_PARTNER_REQUESTS_PER_MINUTE',
    type: T.integer(0, 100_000_000),
    default: '3000',
    description: 'Calls one partner API user may make per minute on one instance (a token bucket, refilled continuously); over it: `TooManyRequests`. 0: no limit.',
  },
  { env: 'AMS_PARTNER_BURST', type: T.integer(1, 100_000_000), default: '100', description: 'Calls a partner API user may make at once above the sustained rate (the bucket size).' },
  {
    env: 'AMS_AUTH_FAILURES_PER_USER',
    type: T.integer(0, 1_000_000),
    default: '10',
    description:
      'Failed AuthHeader checks for one user name in a window, after which its checks are refused without hashing, except from a source that signed in as that user in the last 24 h. 0: no limit.',
  },
  {
    env: 'AMS_AUTH_FAILURES_PER_ADDRESS',
    type: T.integer(0, 1_000_000),
    default: '50',
    description:
      'Failed AuthHeader checks from one source (IPv4 address, IPv6 /64) in a window, after which its checks are refused without hashing, except for users that signed in from it in the last 24 h. 0: no limit.',
  },
  { env: 'AMS_AUTH_FAILURE_WINDOW_SECONDS', type: T.integer(1, 86_400), default: '300', description: 'The window of both failure counts; it opens with the first failure.' },
  {
    env: 'AMS_CREDENTIAL_MEMO_TTL_MS',
    type: T.integer(0, 3_600_000),
    default: '60000',
    description: 'How long a verified partner credential is remembered in memory (0 disables).',
  },
  {
    env: 'AMS_CREDENTIAL_MEMO_MAX_ENTRIES',
    type: T.integer(1, 10_000_000),
    default: '10000',
    description: 'Verified partner credentials remembered per instance; past it the oldest is forgotten (and checked again on its next call).',
  },
  {
    env: 'AMS_AUTH_THROTTLE_MAX_KEYS',
    type: T.integer(1, 10_000_000),
    default: '50000',
    description: 'User names and sources whose failed AuthHeader checks one instance tracks in memory; the counts themselves live in the shared database.',
  },
  {
    env: 'AMS_PARTNER_RATE_MAX_KEYS',
    type: T.integer(1, 10_000_000),
    default: '10000',
    description: 'Partner API users whose leased rate tokens one instance holds in memory; past it the oldest lease is dropped.',
  },
  {
    env: 'AMS_BACKUP_SERVER_REFRESH_SECONDS',
    type: T.integer(1, 86_400),
    default: '60',
    description: 'How often the account count per backup server (which picks the server of a new account) is read again from the database.',
  },
  { env: 'AMS_DEFAULT_QUOTA_MB', type: T.integer(1, Number.MAX_SAFE_INTEGER), default: '10240', description: 'Quota of accounts created without a size (CreateAccount, CreateUltraSafeAccount, by partner licence key).' },
  { env: 'AMS_AUTHENTICATION_TOKEN_TTL_SECONDS', type: T.integer(10, 86_400), default: '900', description: 'Lifetime of GetAuthenticationToken tokens.' },
  { env: 'AMS_AUTHORIZATION_TOKEN_TTL_SECONDS', type: T.integer(10, 3_600), default: '300', description: 'Lifetime of one-time web sign-in tokens (GetAuthorizationToken…).' },
  {
    env: 'AMS_CREATING_ACCOUNT_TOKEN_DEFAULT_HOURS',
    type: T.integer(1, 8_760),
    default: '24',
    description: 'Lifetime of a GenerateCreatingAccountToken token asked for with `ValidForHours` 0; at most `AMS_CREATING_ACCOUNT_TOKEN_MAX_HOURS`.',
  },
  {
    env: 'AMS_CREATING_ACCOUNT_TOKEN_MAX_HOURS',
    type: T.integer(1, 8_760),
    default: '720',
    description: 'Longest `ValidForHours` a partner may ask of GenerateCreatingAccountToken; above it: `InvalidInputParameters`.',
  },
  {
    env: 'AMS_LOG_LEVEL',
    type: T.oneOf('debug', 'info', 'warn', 'error'),
    default: 'info',
    description: 'Least severe log lines written. `debug` adds the request lines of health probes (`/healthz`, `/readyz`).',
  },
  {
    env: 'AMS_LOG_FORMAT',
    type: T.oneOf('auto', 'json', 'pretty'),
    default: 'auto',
    description: 'Log lines on stdout: `json` (one object per line), `pretty` (for people), `auto` (pretty on a terminal, else JSON).',
  },
  {
    env: 'AMS_READINESS_TIMEOUT_MS',
    type: T.integer(100, 60_000),
    default: '2000',
    description: 'Longest `GET /readyz` waits for the database before answering not ready.',
  },
  {
    env: 'AMS_METRICS_PORT',
    type: T.integer(0, 65535),
    default: '(unset: no metrics)',
    description: 'Port of the Prometheus endpoint (`GET /metrics`), a listener of its own, never behind the partners\' proxy.',
  },
  {
    env: 'AMS_METRICS_HOST',
    type: T.host,
    default: '127.0.0.1',
    description: 'Address the metrics endpoint listens on; `0.0.0.0` lets a Prometheus server on another machine scrape it.',
  },
];

/** The embedded default: works with no setup, its folder made on first start. */
const DEFAULT_DATABASE_PATH = './data/ams.sqlite';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v.trim() === '' ? fallback : v.trim();
}
function optional(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v.trim() === '' ? null : v.trim();
}
function flag(env: Env, name: string): boolean | null {
  const raw = optional(env, name)?.toLowerCase() ?? null;
  if (raw === null) return null;
  if (raw === 'true' || raw === '1' || raw === 'yes') return true;
  if (raw === 'false' || raw === '0' || raw === 'no') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}
function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${n}`);
  return n;
}

/** Timeouts and the connection cap of the HTTP server (issue 6: slow and stuck clients). */
function connectionSettings(env: Env) {
  const headersTimeoutMs = integer(env, 'AMS_HEADERS_TIMEOUT_MS', 20_000, 100, 600_000);
  const requestTimeoutMs = integer(env, 'AMS_REQUEST_TIMEOUT_MS', 60_000, 100, 3_600_000);
  if (headersTimeoutMs > requestTimeoutMs) throw new ConfigError('AMS_HEADERS_TIMEOUT_MS must not exceed AMS_REQUEST_TIMEOUT_MS');
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: integer(env, 'AMS_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    maxConnections: integer(env, 'AMS_MAX_CONNECTIONS', 1000, 1, 1_000_000),
    shutdownTimeoutMs: integer(env, 'AMS_SHUTDOWN_TIMEOUT_MS', 15_000, 100, 3_600_000),
  };
}

/** The backup-account password bounds; the minimum must not exceed the maximum. */
function passwordLengths(env: Env) {
  const passwordMinLength = integer(env, 'AMS_PASSWORD_MIN_LENGTH', 8, 6, 128);
  const passwordMaxLength = integer(env, 'AMS_PASSWORD_MAX_LENGTH', 128, 8, 1024);
  if (passwordMinLength > passwordMaxLength) throw new ConfigError('AMS_PASSWORD_MIN_LENGTH must not exceed AMS_PASSWORD_MAX_LENGTH');
  return { passwordMinLength, passwordMaxLength };
}

/** GenerateCreatingAccountToken's lifetimes; the default must be one a partner could ask for. */
function creatingAccountTokenHours(env: Env) {
  const creatingAccountTokenDefaultHours = integer(env, 'AMS_CREATING_ACCOUNT_TOKEN_DEFAULT_HOURS', 24, 1, 8_760);
  const creatingAccountTokenMaxHours = integer(env, 'AMS_CREATING_ACCOUNT_TOKEN_MAX_HOURS', 720, 1, 8_760);
  if (creatingAccountTokenDefaultHours > creatingAccountTokenMaxHours) {
    throw new ConfigError('AMS_CREATING_ACCOUNT_TOKEN_DEFAULT_HOURS must not exceed AMS_CREATING_ACCOUNT_TOKEN_MAX_HOURS');
  }
  return { creatingAccountTokenDefaultHours, creatingAccountTokenMaxHours };
}

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = text(env, 'AMS_DATABASE_URL', DEFAULT_DATABASE_PATH);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(databaseUrl) && !/^(postgres(ql)?|sqlite):\/\//i.test(databaseUrl)) {
    throw new ConfigError(`AMS_DATABASE_URL must be a SQLite file path, sqlite:PATH or postgres://user:pass@host:5432/db, got a ${databaseUrl.split(':')[0]}:// URL`);
  }
  // Never repeats the value: it may hold a password.
  if (/^postgres(ql)?:\/\//i.test(databaseUrl) && !URL.canParse(databaseUrl)) {
    throw new ConfigError('AMS_DATABASE_URL is not a valid PostgreSQL URL: expected postgres://user:password@host:5432/database, special characters of the password percent-encoded');
  }
  const logFormat = text(env, 'AMS_LOG_FORMAT', 'auto');
  if (logFormat !== 'auto' && logFormat !== 'json' && logFormat !== 'pretty') throw new ConfigError(`AMS_LOG_FORMAT must be auto, json or pretty, got "${logFormat}"`);
  const metricsPort = optional(env, 'AMS_METRICS_PORT') === null ? null : integer(env, 'AMS_METRICS_PORT', 0, 0, 65535);
  const publicUrl = optional(env, 'AMS_PUBLIC_URL');
  if (publicUrl !== null && !/^https?:\/\/[^/\s]+/i.test(publicUrl)) {
    throw new ConfigError(`AMS_PUBLIC_URL must be an http(s) URL such as https://api.example.com, got "${publicUrl}"`);
  }
  const smtpUrl = optional(env, 'AMS_SMTP_URL');
  if (smtpUrl !== null && !/^smtps?:\/\//i.test(smtpUrl)) {
    throw new ConfigError('AMS_SMTP_URL must start with smtp:// or smtps://');
  }
  const backupServers = text(env, 'AMS_BACKUP_SERVERS', 'backup-01')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (backupServers.length === 0) throw new ConfigError('AMS_BACKUP_SERVERS must name at least one server');
  const logLevel = text(env, 'AMS_LOG_LEVEL', 'info');
  if (logLevel !== 'debug' && logLevel !== 'info' && logLevel !== 'warn' && logLevel !== 'error') {
    throw new ConfigError(`AMS_LOG_LEVEL must be debug, info, warn or error, got "${logLevel}"`);
  }
  const bootstrapUsername = optional(env, 'AMS_BOOTSTRAP_USERNAME');
  const bootstrapPassword = optional(env, 'AMS_BOOTSTRAP_PASSWORD');
  if ((bootstrapUsername === null) !== (bootstrapPassword === null)) {
    throw new ConfigError('AMS_BOOTSTRAP_USERNAME and AMS_BOOTSTRAP_PASSWORD must be set together');
  }
  const databaseSslMode = optional(env, 'AMS_DATABASE_SSL_MODE');
  if (databaseSslMode !== null && databaseSslMode !== 'disable' && databaseSslMode !== 'require' && databaseSslMode !== 'verify-ca' && databaseSslMode !== 'verify-full') {
    throw new ConfigError(`AMS_DATABASE_SSL_MODE must be disable, require, verify-ca or verify-full, got "${databaseSslMode}"`);
  }
  const databaseSslCaFile = optional(env, 'AMS_DATABASE_SSL_CA_FILE');
  if (databaseSslMode === 'verify-ca' && databaseSslCaFile === null) throw new ConfigError('AMS_DATABASE_SSL_MODE=verify-ca needs AMS_DATABASE_SSL_CA_FILE');
  if (databaseSslMode === 'disable' && databaseSslCaFile !== null) throw new ConfigError('AMS_DATABASE_SSL_CA_FILE makes no sense with AMS_DATABASE_SSL_MODE=disable');
  const mailLocale = text(env, 'AMS_MAIL_LOCALE', 'en').toLowerCase();
  if (!isLanguage(mailLocale)) throw new ConfigError(`AMS_MAIL_LOCALE must be one of ${LANGUAGES.join(', ')}, got "${mailLocale}"`);
  const mailRetryBaseSeconds = integer(env, 'AMS_MAIL_RETRY_BASE_SECONDS', 300, 1, 86_400);
  const mailRetryMaxSeconds = integer(env, 'AMS_MAIL_RETRY_MAX_SECONDS', 21_600, 1, 7 * 86_400);
  if (mailRetryMaxSeconds < mailRetryBaseSeconds) throw new ConfigError('AMS_MAIL_RETRY_MAX_SECONDS must not be below AMS_MAIL_RETRY_BASE_SECONDS');
  return {
    port: integer(env, 'AMS_PORT', 8080, 0, 65535),
    host: text(env, 'AMS_HOST', '0.0.0.0'),
    databaseUrl,
    // The built-in path (unset, or spelled out) gets its ./data/ made; any other path must exist.
    databaseCreateFolder: databaseUrl === DEFAULT_DATABASE_PATH,
    databasePoolSize: integer(env, 'AMS_DATABASE_POOL_SIZE', 10, 1, 1000),
    databaseStatementTimeoutMs: integer(env, 'AMS_DATABASE_STATEMENT_TIMEOUT_MS', 5000, 0, 3_600_000),
    databaseSslMode,
    databaseSslCaFile,
    publicUrl: publicUrl?.replace(/\/+$/, '') ?? null,
    smtpUrl,
    mailFrom: text(env, 'AMS_MAIL_FROM', 'Online Backup <no-reply@localhost>'),
    providerName: text(env, 'AMS_PROVIDER_NAME', 'Online Backup'),
    supportEmail: text(env, 'AMS_SUPPORT_EMAIL', 'support@localhost'),
    pickupDir: text(env, 'AMS_MAIL_PICKUP_DIR', './data/mail-pickup'),
    smtpRequireTls: flag(env, 'AMS_SMTP_REQUIRE_TLS'),
    smtpCaFile: optional(env, 'AMS_SMTP_CA_FILE'),
    smtpTlsRejectUnauthorized: flag(env, 'AMS_SMTP_TLS_REJECT_UNAUTHORIZED') ?? true,
    mailLocale,
    mailMaxAttempts: integer(env, 'AMS_MAIL_MAX_ATTEMPTS', 10, 1, 100),
    mailRetryBaseSeconds,
    mailRetryMaxSeconds,
    mailConcurrency: integer(env, 'AMS_MAIL_CONCURRENCY', 4, 1, 64),
    mailLeaseSeconds: integer(env, 'AMS_MAIL_LEASE_SECONDS', 120, 2, 3_600),
    mailProbeSeconds: integer(env, 'AMS_MAIL_PROBE_SECONDS', 15, 1, 3_600),
    mailPollSeconds: integer(env, 'AMS_MAIL_POLL_SECONDS', 5, 1, 3_600),
    backupServers,
    backupServerRefreshSeconds: integer(env, 'AMS_BACKUP_SERVER_REFRESH_SECONDS', 60, 1, 86_400),
    bootstrapUsername,
    bootstrapPassword,
    ...passwordLengths(env),
    lockoutMaxFailures: integer(env, 'AMS_LOCKOUT_MAX_FAILURES', 10, 1, 100),
    lockoutWindowSeconds: integer(env, 'AMS_LOCKOUT_WINDOW_SECONDS', 900, 1, 86_400),
    lockoutDurationSeconds: integer(env, 'AMS_LOCKOUT_DURATION_SECONDS', 900, 1, 86_400),
    maxBodyBytes: integer(env, 'AMS_MAX_BODY_BYTES', 4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    ...connectionSettings(env),
    trustedProxies: (optional(env, 'AMS_TRUSTED_PROXIES') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => {
        if (isIP(s) === 0) throw new ConfigError(`AMS_TRUSTED_PROXIES must list IP addresses, got "${s}"`);
        return s.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
      }),
    partnerRequestsPerMinute: integer(env, 'AMS_PARTNER_REQUESTS_PER_MINUTE', 3000, 0, 100_000_000),
    partnerBurst: integer(env, 'AMS_PARTNER_BURST', 100, 1, 100_000_000),
    authFailuresPerUser: integer(env, 'AMS_AUTH_FAILURES_PER_USER', 10, 0, 1_000_000),
    authFailuresPerAddress: integer(env, 'AMS_AUTH_FAILURES_PER_ADDRESS', 50, 0, 1_000_000),
    authFailureWindowSeconds: integer(env, 'AMS_AUTH_FAILURE_WINDOW_SECONDS', 300, 1, 86_400),
    credentialMemoTtlMs: integer(env, 'AMS_CREDENTIAL_MEMO_TTL_MS', 60_000, 0, 3_600_000),
    credentialMemoMaxEntries: integer(env, 'AMS_CREDENTIAL_MEMO_MAX_ENTRIES', 10_000, 1, 10_000_000),
    authThrottleMaxKeys: integer(env, 'AMS_AUTH_THROTTLE_MAX_KEYS', 50_000, 1, 10_000_000),
    partnerRateMaxKeys: integer(env, 'AMS_PARTNER_RATE_MAX_KEYS', 10_000, 1, 10_000_000),
    defaultQuotaMb: integer(env, 'AMS_DEFAULT_QUOTA_MB', 10240, 1, Number.MAX_SAFE_INTEGER),
    authenticationTokenTtlSeconds: integer(env, 'AMS_AUTHENTICATION_TOKEN_TTL_SECONDS', 900, 10, 86_400),
    authorizationTokenTtlSeconds: integer(env, 'AMS_AUTHORIZATION_TOKEN_TTL_SECONDS', 300, 10, 3_600),
    ...creatingAccountTokenHours(env),
    readinessTimeoutMs: integer(env, 'AMS_READINESS_TIMEOUT_MS', 2000, 100, 60_000),
    logLevel,
    logFormat,
    metricsPort,
    metricsHost: text(env, 'AMS_METRICS_HOST', '127.0.0.1'),
  };
}
