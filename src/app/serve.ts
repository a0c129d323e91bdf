/**
 * `ams serve`: build the app, listen, and on SIGTERM or SIGINT drain and stop. The exit status is
 * the caller's to return: 0 after a full drain, 1 when the shutdown deadline cut work short.
 */
import cluster from 'node:cluster';
import { configuredLogger, createApp, type AppOverrides } from './compose.js';
import { runPrimary, workerCount } from './workers.js';
import { answerPrimaryMetrics } from '../observability/cluster-metrics.js';
import type { Config } from '../config/config.js';
import { unknownSettings } from '../config/effective.js';

/** The service could not open its listening socket at host:port (the setting names which one). */
export class ListenFailure extends Error {
  override readonly name = 'ListenFailure';
  constructor(
    readonly host: string,
    readonly port: number,
    readonly setting: 'AMS_PORT' | 'AMS_METRICS_PORT',
    cause: unknown,
  ) {
    // One line, bounded: the operator's terminal gets this message (cli/failure.ts).
    const why = (cause instanceof Error ? cause.message : String(cause)).replace(/\s+/g, ' ').trim().slice(0, 300);
    super(`cannot listen on ${host}:${port}: ${why}`, { cause });
  }
}

/** Which listener (the service's or the metrics endpoint's) a failed listen was for. */
function listenFailure(err: unknown, config: Config): unknown {
  const f = (err !== null && typeof err === 'object' ? err : {}) as { syscall?: unknown; port?: unknown; address?: unknown };
  if (f.syscall !== 'listen' && f.syscall !== 'getaddrinfo') return err;
  const metrics = config.metricsPort !== null && config.metricsPort !== 0 && f.port === config.metricsPort && config.metricsPort !== config.port;
  return new ListenFailure(
    metrics ? config.metricsHost : config.host,
    metrics ? (config.metricsPort ?? 0) : config.port,
    metrics ? 'AMS_METRICS_PORT' : 'AMS_PORT',
    err,
  );
}

/** Serves until a signal; resolves with the exit status. A failed start throws (ListenFailure for the sockets). */
export async function serve(config: Config, env: NodeJS.ProcessEnv = process.env, overrides: AppOverrides = {}): Promise<number> {
  // AMS_WORKERS > 1: this process forks and watches the workers; each of them (cluster.isWorker) serves below.
  const workers = workerCount(config.workers);
  if (workers > 1 && cluster.isPrimary) {
    const logger = overrides.logger ?? configuredLogger(config);
    for (const variable of unknownSettings(env)) logger.warn('unknown AMS_ variable ignored (a typo?)', { variable });
    try {
      return await runPrimary(config, workers, logger);
    } catch (err) {
      throw listenFailure(err, config);
    }
  }
  if (!cluster.isWorker) return serveOne(config, env, overrides);
  // Answer the primary's metrics requests from the start (with nothing until the app is built),
  // before the database is opened: a scrape waits for every worker to answer.
  const metricsToPrimary = config.metricsPort === null ? undefined : answerPrimaryMetrics();
  const status = await serveOne(config, {}, { ...overrides, ...(metricsToPrimary ? { metricsToPrimary } : {}) });
  // Drained: let go of the channel to the primary, which would otherwise keep this process alive.
  cluster.worker?.disconnect();
  return status;
}

/** One process serving: the whole service, or one worker of the cluster. */
async function serveOne(config: Config, env: NodeJS.ProcessEnv, overrides: AppOverrides): Promise<number> {
  const app = await createApp(config, overrides);
  for (const variable of unknownSettings(env)) app.logger.warn('unknown AMS_ variable ignored (a typo?)', { variable });
  let server;
  try {
    server = await app.listen();
  } catch (err) {
    await app.close();
    throw listenFailure(err, config);
  }
  return new Promise<number>((resolve) => {
    // Drain (issue 6): no new connections; requests in flight are answered, the mail worker
    // finishes its sends; then the database closes and the exit status is 0. Past
    // AMS_SHUTDOWN_TIMEOUT_MS the rest is cut and the status is 1 — nothing acknowledged is
    // lost (every change committed before its answer), and an interrupted send is retried
    // by the next instance once its lease runs out.
    let stopping = false;
    const stop = (signal: string): void => {
      // A worker may get both the primary's SIGTERM and the terminal's SIGINT: one drain.
      if (stopping) return;
      stopping = true;
      const started = Date.now();
      app.logger.info('shutting down', { signal, deadlineMs: config.shutdownTimeoutMs });
      const hard = setTimeout(() => {
        app.logger.warn('shutdown deadline passed; exiting with work unfinished', { deadlineMs: config.shutdownTimeoutMs });
        process.exit(1);
      }, config.shutdownTimeoutMs + 1000);
      hard.unref();
      // The mail worker runs on while requests drain (they may queue mail), then finishes its round.
      void server
        .close(config.shutdownTimeoutMs)
        .then(async (drained) => {
          await app.close();
          clearTimeout(hard);
          app.logger.info('stopped', { drained, ms: Date.now() - started });
          resolve(drained ? 0 : 1);
        })
        .catch((err: unknown) => {
          app.logger.error('shutdown failed', { error: err instanceof Error ? err.message : String(err) });
          resolve(1);
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
