/**
 * Environment -> one typed, validated Config. SETTINGS is the single table: the loader, the
 * README's settings table (checked by a test) and `ams config` all read it.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly publicUrl: string | null;
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  readonly providerName: string;
  readonly supportEmail: string;
  readonly pickupDir: string;
  readonly backupServers: readonly string[];
  readonly bootstrapUsername: string | null;
  readonly bootstrapPassword: string | null;
  readonly passwordMinLength: number;
  readonly maxBodyBytes: number;
  readonly credentialMemoTtlMs: number;
  readonly defaultQuotaMb: number;
  readonly authenticationTokenTtlSeconds: number;
  readonly authorizationTokenTtlSeconds: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export interface Setting {
  readonly env: string;
  readonly default: string;
  readonly description: string;
}

export const SETTINGS: readonly Setting[] = [
  { env: 'AMS_PORT', default: '8080', description: 'TCP port of the SOAP endpoint.' },
  { env: 'AMS_HOST', default: '0.0.0.0', description: 'Address to listen on.' },
  {
    env: 'AMS_DATABASE_URL',
    default: './data/ams.sqlite',
    description: 'A SQLite file path (or `sqlite:PATH`), or `postgres://user:pass@host:5432/db` for PostgreSQL.',
  },
  {
    env: 'AMS_PUBLIC_URL',
    default: '(from the request)',
    description: 'Public base URL (e.g. `https://api.example.com`) advertised in the WSDL and disco when behind a proxy or load balancer.',
  },
  {
    env: 'AMS_SMTP_URL',
    default: '(unset: pickup folder)',
    description: 'SMTP server for notification e-mails, e.g. `smtp://user:pass@mail:587` or `smtps://…:465`. Unset: `.eml` files in the pickup folder.',
  },
  { env: 'AMS_MAIL_FROM', default: 'Online Backup <no-reply@localhost>', description: 'Sender of notification e-mails.' },
  { env: 'AMS_PROVIDER_NAME', default: 'Online Backup', description: 'Provider name used in e-mails.' },
  { env: 'AMS_SUPPORT_EMAIL', default: 'support@localhost', description: 'Support address named in e-mails.' },
  { env: 'AMS_MAIL_PICKUP_DIR', default: './data/mail-pickup', description: 'Where `.eml` files go when no SMTP server is set.' },
  {
    env: 'AMS_BACKUP_SERVERS',
    default: 'backup-01',
    description: 'Comma-separated backup server names; new accounts go to the least-loaded.',
  },
  {
    env: 'AMS_BOOTSTRAP_USERNAME',
    default: '(unset)',
    description: 'On a fresh database: user name of the first partner API user (generated and printed once when unset).',
  },
  {
    env: 'AMS_BOOTSTRAP_PASSWORD',
    default: '(unset)',
    description: 'On a fresh database: secret of the first partner API user (generated and printed once when unset).',
  },
  { env: 'AMS_PASSWORD_MIN_LENGTH', default: '8', description: 'Minimum backup-account password length (never below 6).' },
  { env: 'AMS_MAX_BODY_BYTES', default: '4194304', description: 'Largest accepted request body (ASP.NET default 4 MiB); larger: 413.' },
  {
    env: 'AMS_CREDENTIAL_MEMO_TTL_MS',
    default: '60000',
    description: 'How long a verified partner credential is remembered in memory (0 disables).',
  },
  { env: 'AMS_DEFAULT_QUOTA_MB', default: '10240', description: 'Quota of accounts created without a size (CreateAccount, CreateUltraSafeAccount, by partner licence key).' },
  { env: 'AMS_AUTHENTICATION_TOKEN_TTL_SECONDS', default: '900', description: 'Lifetime of GetAuthenticationToken tokens.' },
  { env: 'AMS_AUTHORIZATION_TOKEN_TTL_SECONDS', default: '300', description: 'Lifetime of one-time web sign-in tokens (GetAuthorizationToken…).' },
  { env: 'AMS_LOG_LEVEL', default: 'info', description: '`debug`, `info`, `warn` or `error`.' },
];

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
function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function loadConfig(env: Env = process.env): Config {
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
  return {
    port: integer(env, 'AMS_PORT', 8080, 0, 65535),
    host: text(env, 'AMS_HOST', '0.0.0.0'),
    databaseUrl: text(env, 'AMS_DATABASE_URL', './data/ams.sqlite'),
    publicUrl: publicUrl?.replace(/\/+$/, '') ?? null,
    smtpUrl,
    mailFrom: text(env, 'AMS_MAIL_FROM', 'Online Backup <no-reply@localhost>'),
    providerName: text(env, 'AMS_PROVIDER_NAME', 'Online Backup'),
    supportEmail: text(env, 'AMS_SUPPORT_EMAIL', 'support@localhost'),
    pickupDir: text(env, 'AMS_MAIL_PICKUP_DIR', './data/mail-pickup'),
    backupServers,
    bootstrapUsername,
    bootstrapPassword,
    passwordMinLength: integer(env, 'AMS_PASSWORD_MIN_LENGTH', 8, 6, 128),
    maxBodyBytes: integer(env, 'AMS_MAX_BODY_BYTES', 4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    credentialMemoTtlMs: integer(env, 'AMS_CREDENTIAL_MEMO_TTL_MS', 60_000, 0, 3_600_000),
    defaultQuotaMb: integer(env, 'AMS_DEFAULT_QUOTA_MB', 10240, 1, Number.MAX_SAFE_INTEGER),
    authenticationTokenTtlSeconds: integer(env, 'AMS_AUTHENTICATION_TOKEN_TTL_SECONDS', 900, 10, 86_400),
    authorizationTokenTtlSeconds: integer(env, 'AMS_AUTHORIZATION_TOKEN_TTL_SECONDS', 300, 10, 3_600),
    logLevel,
  };
}
