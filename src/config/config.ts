/**
 * Environment -> one typed, validated Config. DECLARED is the single table: each setting's name,
 * type, bounds, default and description are written there once; the loader, the Config type,
 * the README's settings table (checked by a test) and `ams config` are all derived from it.
 */
import { isIP } from 'node:net';
import { LANGUAGES } from '../mail/translations.js';

/** What a setting's value must be; the README table and `ams help` show it. */
export type SettingType =
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'integer-or-auto'; readonly min: number; readonly max: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'text' | 'host' | 'url' | 'database' | 'path' | 'list' };

export function describeType(type: SettingType): string {
  switch (type.kind) {
    case 'integer':
      return type.max === Number.MAX_SAFE_INTEGER ? `whole number ≥ ${type.min}` : `whole number ${type.min}–${type.max}`;
    case 'integer-or-auto':
      return `whole number ${type.min}–${type.max}, or \`auto\``;
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
  /** The default shown to people: the value itself, or a description in parentheses when unset means "none". */
  readonly default: string;
  readonly description: string;
  /** `ams config` masks it: the whole value, or the password in a URL. */
  readonly secret?: 'value' | 'url';
}

/** A setting and how its value is read: `raw` is the trimmed variable, null when unset or blank. */
interface Declared<T> extends Setting {
  readonly read: (raw: string | null) => T;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** What every declaration states besides its type. */
interface Doc {
  readonly env: string;
  readonly description: string;
  readonly secret?: 'value' | 'url';
}
/** A setting either has a default value or, unset, means "none" (null), described in parentheses. */
type Fallback<T> = { readonly default: T } | { readonly unset: string };

function declare<T, F>(doc: Doc, type: SettingType, fallback: Fallback<F>, parse: (raw: string) => T): Declared<T | F | null> {
  const shown = 'default' in fallback ? String(fallback.default) : fallback.unset;
  const whenUnset = 'default' in fallback ? fallback.default : null;
  return { ...doc, type, default: shown, read: (raw) => (raw === null ? whenUnset : parse(raw)) };
}

/** "a, b or c" */
function alternatives(values: readonly string[]): string {
  return values.length === 1 ? values[0]! : `${values.slice(0, -1).join(', ')} or ${values.at(-1)!}`;
}

function integer(d: Doc & { readonly min: number; readonly max: number; readonly default: number }): Declared<number>;
function integer(d: Doc & { readonly min: number; readonly max: number; readonly unset: string }): Declared<number | null>;
function integer(d: Doc & { readonly min: number; readonly max: number } & Fallback<number>): Declared<number | null> {
  return declare(d, { kind: 'integer', min: d.min, max: d.max }, d, (raw) => {
    const expects = `${d.env} must be a whole number from ${d.min} to ${d.max}`;
    if (!/^\d+$/.test(raw)) throw new ConfigError(`${expects}, got "${raw}"`);
    const n = Number(raw);
    if (n < d.min || n > d.max) throw new ConfigError(`${expects}, got ${n}`);
    return n;
  });
}

/** A count, or `auto`: resolved where it is used (the number of cores of the machine that runs it). */
function countOrAuto(d: Doc & { readonly min: number; readonly max: number; readonly default: number }): Declared<number | 'auto'> {
  const expects = `${d.env} must be a whole number from ${d.min} to ${d.max}, or auto`;
  return {
    ...d,
    type: { kind: 'integer-or-auto', min: d.min, max: d.max },
    default: String(d.default),
    read: (raw) => {
      if (raw === null) return d.default;
      if (raw.toLowerCase() === 'auto') return 'auto';
      if (!/^\d+$/.test(raw)) throw new ConfigError(`${expects}, got "${raw}"`);
      const n = Number(raw);
      if (n < d.min || n > d.max) throw new ConfigError(`${expects}, got ${n}`);
      return n;
    },
  };
}

function boolean(d: Doc & { readonly default: boolean }): Declared<boolean>;
function boolean(d: Doc & { readonly unset: string }): Declared<boolean | null>;
function boolean(d: Doc & Fallback<boolean>): Declared<boolean | null> {
  return declare(d, { kind: 'boolean' }, d, (raw) => {
    const v = raw.toLowerCase();
    if (v === 'true' || v === '1' || v === 'yes') return true;
    if (v === 'false' || v === '0' || v === 'no') return false;
    throw new ConfigError(`${d.env} must be true or false, got "${v}"`);
  });
}

interface EnumDoc<V extends string> extends Doc {
  readonly values: readonly V[];
  /** Accept any letter case (locale codes). */
  readonly anyCase?: boolean;
}
function oneOf<V extends string>(d: EnumDoc<V> & { readonly default: NoInfer<V> }): Declared<V>;
function oneOf<V extends string>(d: EnumDoc<V> & { readonly unset: string }): Declared<V | null>;
function oneOf<V extends string>(d: EnumDoc<V> & Fallback<V>): Declared<V | null> {
  return declare(d, { kind: 'enum', values: d.values }, d, (raw) => {
    const v = d.anyCase === true ? raw.toLowerCase() : raw;
    const found = d.values.find((allowed) => allowed === v);
    if (found === undefined) throw new ConfigError(`${d.env} must be ${alternatives(d.values)}, got "${v}"`);
    return found;
  });
}

type TextKind = 'text' | 'host' | 'path';
function text(kind: TextKind, d: Doc & { readonly default: string }): Declared<string>;
function text(kind: TextKind, d: Doc & { readonly unset: string }): Declared<string | null>;
function text(kind: TextKind, d: Doc & Fallback<string>): Declared<string | null> {
  return declare(d, { kind }, d, (raw) => raw);
}

/** An optional URL whose shape is checked; never repeated in the message when it may hold a password. */
function url(d: Doc & { readonly unset: string; readonly shape: RegExp; readonly expects: string; readonly trimTrailingSlash?: boolean }): Declared<string | null> {
  return declare(d, { kind: 'url' }, d, (raw) => {
    if (!d.shape.test(raw)) throw new ConfigError(`${d.env} ${d.expects}${d.secret === undefined ? `, got "${raw}"` : ''}`);
    return d.trimTrailingSlash === true ? raw.replace(/\/+$/, '') : raw;
  });
}

/** Comma-separated, blanks dropped; IP addresses normalised (IPv4-mapped IPv6 to IPv4) when `item` is `ip`. */
function list(d: Doc & Fallback<string> & { readonly item?: 'ip'; readonly atLeastOne?: boolean }): Declared<readonly string[]> {
  const parse = (raw: string): readonly string[] => {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => {
        if (d.item !== 'ip') return s;
        if (isIP(s) === 0) throw new ConfigError(`${d.env} must list IP addresses, got "${s}"`);
        return s.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
      });
    if (d.atLeastOne === true && items.length === 0) throw new ConfigError(`${d.env} must name at least one server`);
    return items;
  };
  const declared = declare(d, { kind: 'list' }, d, parse);
  return { ...declared, read: (raw) => parse(raw ?? ('default' in d ? d.default : '')) };
}

/** The embedded default: works with no setup, its folder made on first start. */
const DEFAULT_DATABASE_PATH = './data/ams.sqlite';

function database(d: Doc): Declared<string> {
  const parse = (databaseUrl: string): string => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(databaseUrl) && !/^(postgres(ql)?|sqlite):\/\//i.test(databaseUrl)) {
      throw new ConfigError(`${d.env} must be a SQLite file path, sqlite:PATH or postgres://user:pass@host:5432/db, got a ${databaseUrl.split(':')[0]}:// URL`);
    }
    // Never repeats the value: it may hold a password.
    if (/^postgres(ql)?:\/\//i.test(databaseUrl) && !URL.canParse(databaseUrl)) {
      throw new ConfigError(`${d.env} is not a valid PostgreSQL URL: expected postgres://user:password@host:5432/database, special characters of the password percent-encoded`);
    }
    return databaseUrl;
  };
  return { ...d, type: { kind: 'database' }, default: DEFAULT_DATABASE_PATH, read: (raw) => parse(raw ?? DEFAULT_DATABASE_PATH) };
}

/**
 * Every setting, once: the key is the Config field, the builder its type kind. The order is the
 * order of the README table and of `ams config`.
 */
const DECLARED = {
  port: integer({ env: 'AMS_PORT', min: 0, max: 65535, default: 8080, description: 'TCP port of the SOAP endpoint.' }),
  host: text('host', { env: 'AMS_HOST', default: '0.0.0.0', description: 'Address to listen on.' }),
  databaseUrl: database({
    env: 'AMS_DATABASE_URL',
    secret: 'url',
    description:
      'A SQLite file path (or `sqlite:PATH`) in an existing folder (only the default\'s `./data/` is created), or `postgres://user:pass@host:5432/db` for PostgreSQL.',
  }),
  databasePoolSize: integer({
    env: 'AMS_DATABASE_POOL_SIZE',
    min: 1,
    max: 1000,
    default: 10,
    description:
      'PostgreSQL: pooled connections per instance (each instance also opens one pipelined connection for the lookups every call makes). Keep instances × (pool size + 1) below the server\'s `max_connections`.',
  }),
  databaseStatementTimeoutMs: integer({
    env: 'AMS_DATABASE_STATEMENT_TIMEOUT_MS',
    min: 0,
    max: 3_600_000,
    default: 5000,
    description:
      'PostgreSQL: longest a statement may run, and longest a request waits for a connection; past it the request answers UnexpectedError (0: no limit). Migrations run without it.',
  }),
  databaseSslMode: oneOf({
    env: 'AMS_DATABASE_SSL_MODE',
    values: ['disable', 'require', 'verify-ca', 'verify-full'],
    unset: '(from the URL, else no TLS)',
    description:
      'PostgreSQL TLS as in libpq: `disable`, `require` (encrypted, certificate not checked), `verify-ca` (signed by the CA file) or `verify-full` (also the host name; the default when only a CA file is set). Not together with `sslmode` in the URL.',
  }),
  databaseSslCaFile: text('path', {
    env: 'AMS_DATABASE_SSL_CA_FILE',
    unset: '(unset: system CAs)',
    description: 'PostgreSQL TLS: PEM file of the CA that signed the server certificate (needed for `verify-ca`).',
  }),
  publicUrl: url({
    env: 'AMS_PUBLIC_URL',
    unset: '(from the request)',
    shape: /^https?:\/\/[^/\s]+/i,
    expects: 'must be an http(s) URL such as https://api.example.com',
    trimTrailingSlash: true,
    description: 'Public base URL (e.g. `https://api.example.com`) advertised in the WSDL and disco when behind a proxy or load balancer.',
  }),
  sandbox: boolean({
    env: 'AMS_SANDBOX',
    default: false,
    description:
      '`true` runs the partner test host (docs/sandbox.md): mail is captured, never sent (`AMS_SMTP_URL` ignored), partners read it at `/sandbox/mail`; answers carry `X-AMS-Sandbox: true`. The database records its mode on first start; a sandbox and production each refuse the other\'s database.',
  }),
  smtpUrl: url({
    env: 'AMS_SMTP_URL',
    secret: 'url',
    unset: '(unset: pickup folder)',
    shape: /^smtps?:\/\//i,
    expects: 'must start with smtp:// or smtps://',
    description:
      'SMTP server for notification e-mails: `smtp://user:pass@mail:587` (STARTTLS) or `smtps://user:pass@mail:465` (TLS from the start); percent-encode special characters of the password. Unset: `.eml` files in the pickup folder.',
  }),
  smtpRequireTls: boolean({
    env: 'AMS_SMTP_REQUIRE_TLS',
    unset: '(true with credentials)',
    description:
      '`smtp://` only. `true`: send nothing unless STARTTLS succeeds. `false`: STARTTLS when offered, else in clear, credentials too (a local test sink). Default: `true` when the URL has a user name, else STARTTLS when offered.',
  }),
  smtpCaFile: text('path', {
    env: 'AMS_SMTP_CA_FILE',
    unset: '(unset: system CAs)',
    description: "PEM file of the CA (or the self-signed certificate) that signed the SMTP server's certificate; trusted besides the system CAs.",
  }),
  smtpTlsRejectUnauthorized: boolean({
    env: 'AMS_SMTP_TLS_REJECT_UNAUTHORIZED',
    default: true,
    description: '`false` accepts any SMTP server certificate: still encrypted, but the server is not authenticated. Prefer `AMS_SMTP_CA_FILE`.',
  }),
  mailFrom: text('text', { env: 'AMS_MAIL_FROM', default: 'Online Backup <no-reply@localhost>', description: 'Sender of notification e-mails.' }),
  providerName: text('text', { env: 'AMS_PROVIDER_NAME', default: 'Online Backup', description: 'Provider name used in e-mails.' }),
  supportEmail: text('text', { env: 'AMS_SUPPORT_EMAIL', default: 'support@localhost', description: 'Support address named in e-mails.' }),
  pickupDir: text('path', { env: 'AMS_MAIL_PICKUP_DIR', default: './data/mail-pickup', description: 'Where `.eml` files go when no SMTP server is set.' }),
  mailLocale: oneOf({
    env: 'AMS_MAIL_LOCALE',
    values: LANGUAGES,
    anyCase: true,
    default: 'en',
    description: `Language of e-mails (${LANGUAGES.map((l) => `\`${l}\``).join(', ')}) to accounts whose locale code (\`de-DE\`, \`fr\`…) has no translation.`,
  }),
  mailMaxAttempts: integer({
    env: 'AMS_MAIL_MAX_ATTEMPTS',
    min: 1,
    max: 100,
    default: 10,
    description: 'Delivery attempts before a message is dead-lettered; a 5xx rejection dead-letters it at once.',
  }),
  mailRetryBaseSeconds: integer({
    env: 'AMS_MAIL_RETRY_BASE_SECONDS',
    min: 1,
    max: 86_400,
    default: 300,
    description: 'Wait after the first failed attempt; it doubles after each further failure (±20 % jitter) up to the maximum. Defaults: 10 attempts over about 23 hours.',
  }),
  mailRetryMaxSeconds: integer({ env: 'AMS_MAIL_RETRY_MAX_SECONDS', min: 1, max: 7 * 86_400, default: 21600, description: 'Longest wait between two delivery attempts.' }),
  mailConcurrency: integer({ env: 'AMS_MAIL_CONCURRENCY', min: 1, max: 64, default: 4, description: 'Messages one instance sends in parallel.' }),
  mailLeaseSeconds: integer({
    env: 'AMS_MAIL_LEASE_SECONDS',
    min: 2,
    max: 3_600,
    default: 120,
    description:
      'How long a claimed message is reserved for the instance sending it. A send unanswered after 80 % of it is abandoned and retried; a message whose sender crashed is sent again once the lease runs out.',
  }),
  mailPollSeconds: integer({
    env: 'AMS_MAIL_POLL_SECONDS',
    min: 1,
    max: 3_600,
    default: 5,
    description:
      'How often the mail worker looks for due mail when nothing woke it (a commit on this instance wakes it at once; this catches mail queued by other instances and retries coming due).',
  }),
  mailProbeSeconds: integer({
    env: 'AMS_MAIL_PROBE_SECONDS',
    min: 1,
    max: 3_600,
    default: 15,
    description:
      'While the SMTP server cannot be reached (refused, timed out, TLS failure, 421, login refused), how often to check whether it answers again (connect, EHLO, QUIT); on the first answer the waiting mail goes out at once. Such failures spend none of a message\'s attempts.',
  }),
  backupServers: list({
    env: 'AMS_BACKUP_SERVERS',
    default: 'backup-01',
    atLeastOne: true,
    description: 'Comma-separated backup server names; new accounts go to the least-loaded.',
  }),
  backupServerRefreshSeconds: integer({
    env: 'AMS_BACKUP_SERVER_REFRESH_SECONDS',
    min: 1,
    max: 86_400,
    default: 60,
    description: 'How often the account count per backup server (which picks the server of a new account) is read again from the database.',
  }),
  bootstrapUsername: text('text', {
    env: 'AMS_BOOTSTRAP_USERNAME',
    unset: '(unset)',
    description: 'On a fresh database: user name of the first partner API user (generated and printed once when unset).',
  }),
  bootstrapPassword: text('text', {
    env: 'AMS_BOOTSTRAP_PASSWORD',
    secret: 'value',
    unset: '(unset)',
    description: 'On a fresh database: secret of the first partner API user (generated and printed once when unset).',
  }),
  passwordMinLength: integer({ env: 'AMS_PASSWORD_MIN_LENGTH', min: 6, max: 128, default: 8, description: 'Minimum backup-account password length (never below 6).' }),
  passwordMaxLength: integer({
    env: 'AMS_PASSWORD_MAX_LENGTH',
    min: 8,
    max: 1024,
    default: 128,
    description: 'Maximum backup-account password length, in characters; at least `AMS_PASSWORD_MIN_LENGTH`. Longer ones are refused, never truncated.',
  }),
  lockoutMaxFailures: integer({
    env: 'AMS_LOCKOUT_MAX_FAILURES',
    min: 1,
    max: 100,
    default: 10,
    description:
      'Backup-account password checks per window; the one that fails at the limit locks the account. Checks are reserved in the database before hashing, so a burst on any number of instances gets no more. Never more than 100 checks per account per hour, whatever the settings.',
  }),
  lockoutWindowSeconds: integer({ env: 'AMS_LOCKOUT_WINDOW_SECONDS', min: 1, max: 86_400, default: 900, description: 'The lock-out window; it opens with the first check counted.' }),
  lockoutDurationSeconds: integer({
    env: 'AMS_LOCKOUT_DURATION_SECONDS',
    min: 1,
    max: 86_400,
    default: 900,
    description: 'How long a locked account answers `AccountLocked` without its password being checked (a partner reset unlocks it at once).',
  }),
  maxBodyBytes: integer({
    env: 'AMS_MAX_BODY_BYTES',
    min: 1024,
    max: 256 * 1024 * 1024,
    default: 4 * 1024 * 1024,
    description: 'Largest accepted request body (ASP.NET default 4 MiB); larger: 413.',
  }),
  headersTimeoutMs: integer({
    env: 'AMS_HEADERS_TIMEOUT_MS',
    min: 100,
    max: 600_000,
    default: 20_000,
    description: 'Longest a client may take to send a request\'s headers (a slow-loris client is cut off with 408); at most `AMS_REQUEST_TIMEOUT_MS`.',
  }),
  requestTimeoutMs: integer({
    env: 'AMS_REQUEST_TIMEOUT_MS',
    min: 100,
    max: 3_600_000,
    default: 60_000,
    description: 'Longest a client may take to send a whole request, body included; also closes a connection with no traffic either way for this long (a client that stops reading its answer).',
  }),
  keepAliveTimeoutMs: integer({
    env: 'AMS_KEEP_ALIVE_TIMEOUT_MS',
    min: 100,
    max: 600_000,
    default: 5000,
    description: 'How long an idle kept-alive connection stays open between requests.',
  }),
  maxConnections: integer({
    env: 'AMS_MAX_CONNECTIONS',
    min: 1,
    max: 1_000_000,
    default: 1000,
    description: 'Open connections per instance; further ones are closed at once. Keep it below the open-file limit (`ulimit -n`).',
  }),
  workers: countOrAuto({
    env: 'AMS_WORKERS',
    min: 1,
    max: 256,
    default: 1,
    description:
      'Processes serving the one port (node:cluster), all on the one database: `auto` is one per core. 1: a single process, no cluster. A worker that dies is replaced (after a back-off when it keeps dying); SIGTERM drains them all.',
  }),
  shutdownTimeoutMs: integer({
    env: 'AMS_SHUTDOWN_TIMEOUT_MS',
    min: 100,
    max: 3_600_000,
    default: 15000,
    description: 'On SIGTERM: how long to let in-flight requests and mail sends finish. Past it the remaining connections are cut and the process exits 1.',
  }),
  trustedProxies: list({
    env: 'AMS_TRUSTED_PROXIES',
    unset: '(unset: none)',
    item: 'ip',
    description: 'Comma-separated addresses of load balancers whose `X-Forwarded-For` names the client (for the audit log and the per-address throttle).',
  }),
  partnerRequestsPerMinute: integer({
    env: 'AMS_PARTNER_REQUESTS_PER_MINUTE',
    min: 0,
    max: 100_000_000,
    default: 3000,
    description: 'Calls one partner API user may make per minute on one instance (a token bucket, refilled continuously); over it: `TooManyRequests`. 0: no limit.',
  }),
  partnerBurst: integer({
    env: 'AMS_PARTNER_BURST',
    min: 1,
    max: 100_000_000,
    default: 100,
    description: 'Calls a partner API user may make at once above the sustained rate (the bucket size).',
  }),
  listConcurrencyPerPartner: integer({
    env: 'AMS_LIST_CONCURRENCY_PER_PARTNER',
    min: 1,
    max: 1000,
    default: 2,
    description:
      'GetAllAccounts calls one partner API user may run at once on one instance (each streams its list for as long as the client reads); one more is answered `UnexpectedError`, as over the rate.',
  }),
  authFailuresPerUser: integer({
    env: 'AMS_AUTH_FAILURES_PER_USER',
    min: 0,
    max: 1_000_000,
    default: 10,
    description:
      'Failed AuthHeader checks for one user name in a window, after which its checks are refused without hashing, except from a source that signed in as that user in the last 24 h. 0: no limit.',
  }),
  authFailuresPerAddress: integer({
    env: 'AMS_AUTH_FAILURES_PER_ADDRESS',
    min: 0,
    max: 1_000_000,
    default: 50,
    description:
      'Failed AuthHeader checks from one source (IPv4 address, IPv6 /64) in a window, after which its checks are refused without hashing, except for users that signed in from it in the last 24 h. 0: no limit.',
  }),
  authFailureWindowSeconds: integer({
    env: 'AMS_AUTH_FAILURE_WINDOW_SECONDS',
    min: 1,
    max: 86_400,
    default: 300,
    description: 'The window of both failure counts; it opens with the first failure.',
  }),
  credentialMemoTtlMs: integer({
    env: 'AMS_CREDENTIAL_MEMO_TTL_MS',
    min: 0,
    max: 3_600_000,
    default: 60000,
    description: 'How long a verified partner credential is remembered in memory (0 disables).',
  }),
  credentialMemoMaxEntries: integer({
    env: 'AMS_CREDENTIAL_MEMO_MAX_ENTRIES',
    min: 1,
    max: 10_000_000,
    default: 10000,
    description: 'Verified partner credentials remembered per instance; past it the oldest is forgotten (and checked again on its next call).',
  }),
  authThrottleMaxKeys: integer({
    env: 'AMS_AUTH_THROTTLE_MAX_KEYS',
    min: 1,
    max: 10_000_000,
    default: 50000,
    description: 'User names and sources whose failed AuthHeader checks one instance tracks in memory; the counts themselves live in the shared database.',
  }),
  partnerRateMaxKeys: integer({
    env: 'AMS_PARTNER_RATE_MAX_KEYS',
    min: 1,
    max: 10_000_000,
    default: 10000,
    description: 'Partner API users whose leased rate tokens one instance holds in memory; past it the oldest lease is dropped.',
  }),
  defaultQuotaMb: integer({
    env: 'AMS_DEFAULT_QUOTA_MB',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    default: 10240,
    description: 'Quota of accounts created without a size (CreateAccount, CreateUltraSafeAccount, by partner licence key).',
  }),
  authenticationTokenTtlSeconds: integer({
    env: 'AMS_AUTHENTICATION_TOKEN_TTL_SECONDS',
    min: 10,
    max: 86_400,
    default: 900,
    description: 'Lifetime of GetAuthenticationToken tokens.',
  }),
  authorizationTokenTtlSeconds: integer({
    env: 'AMS_AUTHORIZATION_TOKEN_TTL_SECONDS',
    min: 10,
    max: 3_600,
    default: 300,
    description: 'Lifetime of one-time web sign-in tokens (GetAuthorizationToken…).',
  }),
  creatingAccountTokenDefaultHours: integer({
    env: 'AMS_CREATING_ACCOUNT_TOKEN_DEFAULT_HOURS',
    min: 1,
    max: 8_760,
    default: 24,
    description: 'Lifetime of a GenerateCreatingAccountToken token asked for with `ValidForHours` 0; at most `AMS_CREATING_ACCOUNT_TOKEN_MAX_HOURS`.',
  }),
  creatingAccountTokenMaxHours: integer({
    env: 'AMS_CREATING_ACCOUNT_TOKEN_MAX_HOURS',
    min: 1,
    max: 8_760,
    default: 720,
    description: 'Longest `ValidForHours` a partner may ask of GenerateCreatingAccountToken; above it: `InvalidInputParameters`.',
  }),
  logLevel: oneOf({
    env: 'AMS_LOG_LEVEL',
    values: ['debug', 'info', 'warn', 'error'],
    default: 'info',
    description: 'Least severe log lines written. `debug` adds the request lines of health probes (`/healthz`, `/readyz`).',
  }),
  /** `auto`: human-readable on a terminal, JSON otherwise. */
  logFormat: oneOf({
    env: 'AMS_LOG_FORMAT',
    values: ['auto', 'json', 'pretty'],
    default: 'auto',
    description: 'Log lines on stdout: `json` (one object per line), `pretty` (for people), `auto` (pretty on a terminal, else JSON).',
  }),
  /** null: no metrics endpoint. */
  readinessTimeoutMs: integer({
    env: 'AMS_READINESS_TIMEOUT_MS',
    min: 100,
    max: 60_000,
    default: 2000,
    description: 'Longest `GET /readyz` waits for the database before answering not ready.',
  }),
  metricsPort: integer({
    env: 'AMS_METRICS_PORT',
    min: 0,
    max: 65535,
    unset: '(unset: no metrics)',
    description: 'Port of the Prometheus endpoint (`GET /metrics`), a listener of its own, never behind the partners\' proxy. With `AMS_WORKERS` above 1 the primary serves it, with every worker\'s figures combined.',
  }),
  metricsHost: text('host', {
    env: 'AMS_METRICS_HOST',
    default: '127.0.0.1',
    description: 'Address the metrics endpoint listens on; `0.0.0.0` lets a Prometheus server on another machine scrape it.',
  }),
};

type Declarations = typeof DECLARED;
type Values = { readonly [K in keyof Declarations]: ReturnType<Declarations[K]['read']> };

export type Config = Values & {
  /** True only for the built-in default path, whose folder (`./data/`) is made on first start; a configured path's folder must exist. */
  readonly databaseCreateFolder: boolean;
};

export const SETTINGS: readonly Setting[] = Object.values(DECLARED);

type Env = Readonly<Record<string, string | undefined>>;

function readAll(env: Env): Values {
  const entries = Object.entries(DECLARED).map(([key, setting]: [string, Declared<unknown>]) => {
    const raw = env[setting.env]?.trim();
    return [key, setting.read(raw === undefined || raw === '' ? null : raw)] as const;
  });
  // Each value came from its own declaration's reader, so the record has the declared types.
  return Object.fromEntries(entries) as Values;
}

/** The rules that tie two settings together; each single value is already valid. */
function checkTogether(c: Values): void {
  if (c.headersTimeoutMs > c.requestTimeoutMs) throw new ConfigError('AMS_HEADERS_TIMEOUT_MS must not exceed AMS_REQUEST_TIMEOUT_MS');
  if ((c.bootstrapUsername === null) !== (c.bootstrapPassword === null)) {
    throw new ConfigError('AMS_BOOTSTRAP_USERNAME and AMS_BOOTSTRAP_PASSWORD must be set together');
  }
  if (c.databaseSslMode === 'verify-ca' && c.databaseSslCaFile === null) throw new ConfigError('AMS_DATABASE_SSL_MODE=verify-ca needs AMS_DATABASE_SSL_CA_FILE');
  if (c.databaseSslMode === 'disable' && c.databaseSslCaFile !== null) throw new ConfigError('AMS_DATABASE_SSL_CA_FILE makes no sense with AMS_DATABASE_SSL_MODE=disable');
  if (c.mailRetryMaxSeconds < c.mailRetryBaseSeconds) throw new ConfigError('AMS_MAIL_RETRY_MAX_SECONDS must not be below AMS_MAIL_RETRY_BASE_SECONDS');
  if (c.passwordMinLength > c.passwordMaxLength) throw new ConfigError('AMS_PASSWORD_MIN_LENGTH must not exceed AMS_PASSWORD_MAX_LENGTH');
  if (c.creatingAccountTokenDefaultHours > c.creatingAccountTokenMaxHours) {
    throw new ConfigError('AMS_CREATING_ACCOUNT_TOKEN_DEFAULT_HOURS must not exceed AMS_CREATING_ACCOUNT_TOKEN_MAX_HOURS');
  }
}

export function loadConfig(env: Env = process.env): Config {
  const values = readAll(env);
  checkTogether(values);
  // The built-in path (unset, or spelled out) gets its ./data/ made; any other path must exist.
  return { ...values, databaseCreateFolder: values.databaseUrl === DEFAULT_DATABASE_PATH };
}
