/**
 * The composition root: the one place that builds concrete pieces and wires them together.
 * Tests build the same app with a temporary database, a fixed clock or a test transport.
 */
import type http from 'node:http';
import { OPERATIONS, type Operation } from '../contract/index.js';
import { GetAllAccounts } from '../contract/operations/get-all-accounts.js';
import { createCallSession } from '../call/invoker.js';
import { createJsonApi } from './json-api.js';
import { jsonApiDocuments } from './json-api-docs.js';
import { compileHelpPages, compileWsdl, buildDisco } from '../describe/index.js';
import { createSoapPipeline, type SoapPipeline } from '../soap/pipeline.js';
import { answerForm } from '../soap/http-post.js';
import { DEFAULT_XML_LIMITS } from '../xml/limits.js';
import type { HandlerDeps } from '../handlers/index.js';
import { BackupServerPicker } from '../domain/accounts/backup-server-picker.js';
import { MAX_PASSWORD_CHECKS_PER_HOUR } from '../domain/accounts/account-password.js';
import { PartnerAuthenticator } from '../domain/partners/authenticate-partner.js';
import { CredentialMemo } from '../domain/partners/credential-memo.js';
import type { Clock, PasswordHasher } from '../domain/ports.js';
import { argon2Hasher, withPacing } from '../security/argon2-hasher.js';
import { withLegacyHashes } from '../security/legacy-hashes.js';
import { upgradeLegacyHash } from '../domain/import/upgrade-legacy-hash.js';
import { digestToken, generateToken } from '../security/tokens.js';
import { AuthThrottle, nameDigester } from '../security/auth-throttle.js';
import { RateLimiter } from '../security/rate-limiter.js';
import { apiKeyAuthenticator, type AuthenticateApiKey } from '../security/api-keys.js';
import type { AccountPageRepository, ApiKeyRepository, IdempotencyRepository } from '../domain/api-access.js';
import { apiKeyRepository } from '../store/repositories/api-keys.js';
import { idempotencyRepository } from '../store/repositories/idempotency.js';
import { accountPageRepository } from '../store/repositories/account-pages.js';
import { openConfiguredStore, type Store } from '../store/create-db.js';
import { createUnitOfWork } from '../store/unit-of-work.js';
import { outboxQueue } from '../store/repositories/outbox-queue.js';
import { serviceKey, sharedLimitStore } from '../store/repositories/shared-limits.js';
import { OutboxWorker } from '../mail/outbox-worker.js';
import type { MailTransport } from '../mail/message.js';
import { configuredMailTransport } from './mail-transport.js';
import { createHttpHandler, listen, type RequestInfo, type RunningServer } from '../http/server.js';
import { createLogger, errorFields, type Logger } from '../observability/logger.js';
import { ServiceMetrics, startMetricsServer, type MetricsServer } from '../observability/metrics.js';
import { readinessCheck } from '../observability/readiness.js';
import { databaseHealth } from '../store/repositories/health.js';
import { outboxBacklogReader } from '../store/repositories/outbox-backlog.js';
import { AMS_VERSION } from '../observability/version.js';
import { MIGRATIONS } from '../store/migrations/index.js';
import type { Config } from '../config/config.js';
import { generateSecret } from './admin.js';
import { databaseConnectionWarning, prepareDatabase } from './startup.js';
import { sandboxMailPages, sandboxMailTransport, sandboxUseCases, type SandboxUseCases } from './sandbox.js';
import { workerCount } from './workers.js';

export interface AppOverrides {
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly hasher?: PasswordHasher;
  readonly transport?: MailTransport;
  /** Mail worker poll interval; tests shorten it. */
  readonly mailPollIntervalMs?: number;
  /** How often expired shared-limit rows and idempotency keys are deleted (default a minute); tests shorten it. */
  readonly pruneIntervalMs?: number;
  /** Rows per batch of a streamed GetAllAccounts list (1,000); tests make it small to stream short lists. */
  readonly listBatchSize?: number;
  /**
   * A cluster worker (AMS_WORKERS above 1): its metrics go to the primary, which serves
   * AMS_METRICS_PORT for the whole service, through this answerer; the worker opens no
   * metrics listener of its own.
   */
  readonly metricsToPrimary?: { use(registry: ServiceMetrics['registry']): void };
}

/**
 * Issue 19: what the JSON edge needs besides the invoker, built once in assembleApp (the local
 * `apiAccess`, before the HTTP handler) and exposed on the App for tests.
 */
export interface ApiAccess {
  readonly apiKeys: ApiKeyRepository;
  /** Idempotency-Key claims; expired ones are purged with the shared limits (pruneIntervalMs). */
  readonly idempotency: IdempotencyRepository;
  readonly accountPages: AccountPageRepository;
  /** `Authorization: Bearer` → the caller, or undefined (answer 401). */
  readonly authenticateApiKey: AuthenticateApiKey;
  /** The one partner rate SOAP calls take from too: `report(userId)` gives the RateLimit-* values without SQL. */
  readonly partnerRate: RateLimiter;
}

export interface App {
  readonly config: Config;
  readonly store: Store;
  readonly soap: SoapPipeline<RequestInfo>;
  readonly handler: http.RequestListener;
  readonly mailWorker: OutboxWorker;
  readonly logger: Logger;
  readonly apiAccess: ApiAccess;
  /** Sandbox mode only (issue 21): captured mail, reset and seed, scoped to a caller's tree. */
  readonly sandbox?: SandboxUseCases;
  /** Starts the mail worker and listens on the configured port (and AMS_METRICS_PORT, when set). */
  listen(port?: number): Promise<RunningServer>;
  /** The metrics listener's port once listening; null when AMS_METRICS_PORT is unset. */
  metricsPort(): number | null;
  /** Stops the mail worker (finishing its batch) and closes the database. */
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };
/** Distinct unknown request charsets warned about per process; a bound, so odd clients cannot grow it. */
const MAX_WARNED_CHARSETS = 100;
/** Shown on the ASMX help pages and the JSON docs page of a sandbox (issue 21). */
const SANDBOX_BANNER = 'SANDBOX — a test host: changes here never touch real customers, and e-mails are captured (read them at /sandbox/mail or GET /api/v1/sandbox/mail), never sent.';

/** The logger AMS_LOG_LEVEL and AMS_LOG_FORMAT ask for, on stdout. */
export function configuredLogger(config: Pick<Config, 'logLevel' | 'logFormat' | 'workers'>): Logger {
  return createLogger(config.logLevel, undefined, {
    format: config.logFormat === 'auto' ? (process.stdout.isTTY ? 'pretty' : 'json') : config.logFormat,
    // The primary and every worker write to the one stdout.
    sharedOutput: workerCount(config.workers) > 1,
  });
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? configuredLogger(config);
  const store = openConfiguredStore(config, databaseConnectionWarning(logger));
  try {
    return await assembleApp(config, overrides, logger, store);
  } catch (err) {
    // A start that fails (database unreachable, migration refused, a bad mail setting) leaves no
    // pool behind to keep the process alive; the CLI explains the error in one line (cli/failure.ts).
    await store.close().catch(() => undefined);
    throw err;
  }
}

async function assembleApp(config: Config, overrides: AppOverrides, logger: Logger, store: Store): Promise<App> {
  const clock = overrides.clock ?? systemClock;
  // Everything that reads time reads this one clock, so a test can step it instead of sleeping.
  const nowMs = (): number => clock.now().getTime();
  // Imported accounts may still hold a legacy hash until their first sign-in (issue 18).
  const hasher = withLegacyHashes(overrides.hasher ?? argon2Hasher);

  await prepareDatabase(config, { store, hasher, clock, logger, showOnce: (text) => process.stderr.write(text) });

  const outboxBacklog = outboxBacklogReader(store.db);
  const poolStats = store.poolStats;
  const metrics =
    config.metricsPort === null
      ? undefined
      : new ServiceMetrics({
          version: AMS_VERSION,
          ...(overrides.hasher === undefined ? { argon2: argon2Hasher.limiter } : {}),
          outboxBacklog,
          ...(poolStats ? { pool: poolStats } : {}),
          mailTransport: () => mailWorker.transportStatus,
          now: nowMs,
        });
  if (metrics && overrides.metricsToPrimary) overrides.metricsToPrimary.use(metrics.registry);
  const stopHashTiming = metrics && overrides.hasher === undefined ? argon2Hasher.onTimed((seconds) => metrics.observeHash(seconds)) : undefined;

  // A sandbox has one transport, whatever the settings say: it captures and never sends (issue 21).
  const transport = overrides.transport ?? (config.sandbox ? sandboxMailTransport(store.db, config.smtpUrl, logger, nowMs) : configuredMailTransport(config, logger));
  const mailQueue = outboxQueue(store.db, store.traits);
  const mailWorker = new OutboxWorker({
    queue: mailQueue,
    transport,
    branding: { providerName: config.providerName, supportEmail: config.supportEmail, defaultLanguage: config.mailLocale },
    from: config.mailFrom,
    now: nowMs,
    pollIntervalMs: overrides.mailPollIntervalMs ?? config.mailPollSeconds * 1000,
    leaseMs: config.mailLeaseSeconds * 1000,
    sendTimeoutMs: config.mailLeaseSeconds * 800,
    concurrency: config.mailConcurrency,
    retry: { maxAttempts: config.mailMaxAttempts, baseDelayMs: config.mailRetryBaseSeconds * 1000, maxDelayMs: config.mailRetryMaxSeconds * 1000 },
    onError: (err, m) =>
      logger.warn('mail delivery failed', { outboxId: m?.id, messageId: m?.messageId, attempts: m?.attempts, ...errorFields(err), stack: undefined }),
    onDelivered: (m) => {
      if (metrics && m.createdAt !== undefined) metrics.observeDelivery((clock.now().getTime() - m.createdAt) / 1000);
      logger.info('mail delivered', { outboxId: m.id, messageId: m.messageId, event: m.event, attempts: m.attempts });
    },
    probeIntervalMs: config.mailProbeSeconds * 1000,
    // Once per change of state, not per message: an outage with a thousand queued notices is two log lines.
    onTransportChange: (status) => {
      if (status.state === 'down') {
        logger.warn('mail server unreachable: mail waits without spending attempts', { error: status.lastError, probeSeconds: config.mailProbeSeconds, mail: transport.description });
      } else {
        logger.info('mail server answers again: sending the waiting mail', { mail: transport.description });
      }
    },
  });

  const uow = createUnitOfWork(store.db, {
    unflushedWrites: store.unflushedWrites,
    onMailQueued: () => mailWorker.nudge(),
    ...(store.committedReader ? { committedReader: store.committedReader } : {}),
  });
  const deps: HandlerDeps = {
    ...(overrides.listBatchSize !== undefined ? { listBatchSize: overrides.listBatchSize } : {}),
    accounts: {
      uow,
      hasher,
      clock,
      passwordPolicy: { minLength: config.passwordMinLength, maxLength: config.passwordMaxLength },
      lockout: {
        maxFailures: config.lockoutMaxFailures,
        windowMs: config.lockoutWindowSeconds * 1000,
        lockMs: config.lockoutDurationSeconds * 1000,
        maxChecksPerHour: MAX_PASSWORD_CHECKS_PER_HOUR,
      },
      backupServers: new BackupServerPicker({
        servers: config.backupServers,
        count: (servers) => uow.accounts.countByBackupServer(servers),
        now: nowMs,
        refreshMs: config.backupServerRefreshSeconds * 1000,
      }),
      defaultQuotaMb: config.defaultQuotaMb,
      tokens: {
        authenticationTtlMs: config.authenticationTokenTtlSeconds * 1000,
        authorizationTtlMs: config.authorizationTokenTtlSeconds * 1000,
        maxCreatingAccountHours: config.creatingAccountTokenMaxHours,
        defaultCreatingAccountHours: config.creatingAccountTokenDefaultHours,
      },
      tokenCodec: { generate: generateToken, digest: digestToken },
    },
  };
  // Issues 6 and 14: failed AuthHeader checks throttled per user name and source, and calls per
  // partner rated, in the database every instance shares.
  const limits = sharedLimitStore(store.db, store.unflushedWrites);
  const digest = nameDigester(await serviceKey(store.db, 'name-digest'));
  const pacedHasher = withPacing(hasher);
  const authThrottle = new AuthThrottle({
    perUser: config.authFailuresPerUser,
    perAddress: config.authFailuresPerAddress,
    windowMs: config.authFailureWindowSeconds * 1000,
    maxKeys: config.authThrottleMaxKeys,
    now: nowMs,
    store: limits,
    digest,
    pace: () => pacedHasher.pace(),
    onBlock: (what, shown) =>
      logger.warn('failed AuthHeader checks over the limit: refusing without checking', {
        blocked: what,
        ...(what === 'source' ? { source: shown } : { userDigest: shown }),
        windowSeconds: config.authFailureWindowSeconds,
      }),
  });
  const partnerRate = new RateLimiter({ perMinute: config.partnerRequestsPerMinute, burst: config.partnerBurst, maxKeys: config.partnerRateMaxKeys, store: limits, now: nowMs });
  const apiKeys = apiKeyRepository(store.db);
  const apiAccess: ApiAccess = {
    apiKeys,
    idempotency: idempotencyRepository(store.db),
    accountPages: accountPageRepository(store.db, store.traits),
    authenticateApiKey: apiKeyAuthenticator({
      apiKeys,
      partnerUsers: uow.partnerUsers,
      onTouchError: (err) => logger.warn('recording the last use of an API key failed', errorFields(err)),
    }),
    partnerRate,
  };
  // Every instance prunes; each DELETE is idempotent, so several doing it at once only repeat it.
  const pruneLimits = setInterval(() => {
    authThrottle.prune().catch((err: unknown) => logger.warn('pruning the AuthHeader throttle failed', errorFields(err)));
    apiAccess.idempotency
      .purgeExpired(clock.now())
      .then((purged) => purged > 0 && logger.debug('expired idempotency keys deleted', { purged }))
      .catch((err: unknown) => logger.warn('purging expired idempotency keys failed', errorFields(err)));
  }, overrides.pruneIntervalMs ?? 60_000);
  pruneLimits.unref();
  const partners = new PartnerAuthenticator({
    partnerUsers: uow.partnerUsers,
    hasher: pacedHasher,
    throttle: authThrottle,
    clock,
    memo: new CredentialMemo({ ttlMs: config.credentialMemoTtlMs, maxEntries: config.credentialMemoMaxEntries }),
    decoyHash: await hasher.hash(generateSecret()),
    upgradeLegacySecret: (user, password) =>
      upgradeLegacyHash({ uow, hasher, clock }, { kind: 'partner-user', id: user.id, username: user.username, entityId: user.entityId, storedHash: user.secretHash }, password),
  });

  const calls = createCallSession({
    operations: OPERATIONS,
    partners,
    partnerRate,
    handlerDeps: deps,
    digestName: digest,
    logger,
    apiKeys: apiAccess.authenticateApiKey,
    now: () => clock.now(),
    concurrency: { operations: [GetAllAccounts.name], perPartner: config.listConcurrencyPerPartner },
  });
  const invoke = calls.invoke;
  const sandbox = config.sandbox ? sandboxUseCases(store.db, hasher, clock) : undefined;
  const rest = createJsonApi({
    calls,
    idempotency: apiAccess.idempotency,
    accountPages: apiAccess.accountPages,
    entities: uow.entities,
    partnerRate,
    anonymousRate:
      config.partnerRequestsPerMinute > 0 ? { limit: config.partnerBurst, remaining: config.partnerBurst, resetSeconds: 0, retryAfterSeconds: 0 } : null,
    clock,
    version: AMS_VERSION,
    logger,
    documents: jsonApiDocuments(AMS_VERSION, config.sandbox ? { banner: SANDBOX_BANNER } : {}),
    ...(sandbox ? { sandbox } : {}),
  });
  const requestLog = (info: RequestInfo): Logger => info.logger ?? logger.child({ requestId: info.requestId });

  const warnedCharsets = new Set<string>();
  const soap = createSoapPipeline<Operation, RequestInfo>({
    operations: OPERATIONS,
    limits: DEFAULT_XML_LIMITS,
    invoke: (call, info) => invoke(call.operation, call.authHeader, call.args, info),
    onInternalError: (err, info) => requestLog(info).error('soap pipeline failure', errorFields(err)),
    // Read by the fallback (BOM, declaration, UTF-8) rather than refused, as ASMX does. Operators
    // see each unknown charset once per process: a client sends the same one on every call.
    onUnknownEncoding: (encoding, info) => {
      const charset = encoding.slice(0, 64);
      if (warnedCharsets.has(charset) || warnedCharsets.size >= MAX_WARNED_CHARSETS) return;
      warnedCharsets.add(charset);
      requestLog(info).warn('unknown request charset, decoded by the fallback (logged once per charset)', { charset });
    },
  });

  const wsdl = compileWsdl(OPERATIONS);
  const mode = config.sandbox ? 'sandbox' : 'production';
  const pages = compileHelpPages(OPERATIONS, {
    footer: `AMS ${AMS_VERSION}`,
    ...(config.sandbox ? { banner: SANDBOX_BANNER } : {}),
  });
  const readiness = readinessCheck({
    ...databaseHealth(store.db),
    knownMigrations: Object.keys(MIGRATIONS),
    mailWorkerRunning: () => mailWorker.isRunning,
    mailTransport: () => mailWorker.transportStatus,
    outboxBacklog,
    now: nowMs,
    timeoutMs: config.readinessTimeoutMs,
  });
  const handler = createHttpHandler({
    soap,
    rest,
    docs: {
      wsdl,
      disco: buildDisco,
      operationList: (ctx) => pages.renderOperationList(ctx),
      operationPage: (name, ctx) => pages.renderOperationPage(name, ctx),
    },
    invokeForm: (name, form, info) => answerForm(OPERATIONS, name, form, (operation, credentials, args) => invoke(operation, credentials, args, info)),
    // Liveness: the process answers. No database: a balancer must not kill instances for an outage they share.
    health: () => Promise.resolve({ ok: true, details: { version: AMS_VERSION, uptimeSeconds: Math.round(process.uptime()) } }),
    readiness: async () => {
      const ready = await readiness();
      return { ok: ready.ok, details: { mode, ...ready.details } };
    },
    ...(metrics ? { metrics } : {}),
    publicUrl: config.publicUrl,
    maxBodyBytes: config.maxBodyBytes,
    trustedProxies: config.trustedProxies,
    logger,
    ...(config.sandbox ? { sandbox: true, sandboxMail: sandboxMailPages({ db: store.db, calls }) } : {}),
  });

  let metricsServer: MetricsServer | undefined;
  return {
    config,
    store,
    soap,
    handler,
    mailWorker,
    logger,
    apiAccess,
    ...(sandbox ? { sandbox } : {}),
    metricsPort: () => metricsServer?.port ?? null,
    async listen(port = config.port) {
      mailWorker.start();
      if (metrics && config.metricsPort !== null && !metricsServer && !overrides.metricsToPrimary) {
        metricsServer = await startMetricsServer(metrics.registry, config.metricsPort, config.metricsHost, (err) => logger.error('metrics collection failed', errorFields(err)));
        logger.info('metrics listening', { port: metricsServer.port, host: config.metricsHost, path: '/metrics' });
      }
      const running = await listen(handler, port, config.host, config);
      logger.info('listening', { port: running.port, host: config.host, database: store.description, mail: transport.description, mode });
      return running;
    },
    async close() {
      clearInterval(pruneLimits);
      stopHashTiming?.();
      await metricsServer?.close();
      await mailWorker.stop();
      transport.close?.();
      await store.close();
    },
  };
}
