/**
 * `AMS_WORKERS` above 1: this process becomes the node:cluster primary. It prepares the database
 * once (migrations, the first partner user) so the workers never race each other for it, forks
 * the workers (each an ordinary `ams serve` sharing the one listening port), replaces a worker
 * that dies, and on SIGTERM or SIGINT has every worker drain as a single process does, exiting
 * 0 only when all of them drained in time.
 *
 * With AMS_METRICS_PORT the primary serves `/metrics`: every worker's figures, combined
 * (observability/cluster-metrics.ts); the workers open no metrics listener.
 *
 * Nothing else is shared between workers but the database: the limits, the lock-outs, the
 * one-time tokens and the mail outbox already hold across instances on one database (docs/scale-out.md).
 */
import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import { errorFields } from '../observability/logger.js';
import { startMetricsServer, type MetricsServer } from '../observability/metrics.js';
import { workersMetrics } from '../observability/cluster-metrics.js';
import { openConfiguredStore } from '../store/create-db.js';
import { argon2Hasher } from '../security/argon2-hasher.js';
import { withLegacyHashes } from '../security/legacy-hashes.js';
import { databaseConnectionWarning, prepareDatabase } from './startup.js';

/** How many workers `AMS_WORKERS` asks for on this machine. */
export function workerCount(setting: Config['workers']): number {
  return setting === 'auto' ? os.availableParallelism() : setting;
}

/** A worker that dies sooner than this after its start counts as crashing again; the wait before its replacement doubles. */
const STEADY_MS = 10_000;
const FIRST_RESTART_DELAY_MS = 250;
const MAX_RESTART_DELAY_MS = 30_000;
/** After the shutdown deadline the workers cut their own work; this much more and they are killed. */
const KILL_GRACE_MS = 3_000;

/** The wait before replacing a worker, given how many crashed in a row without running steadily. */
export function restartDelayMs(crashesInARow: number): number {
  if (crashesInARow <= 1) return 0;
  return Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** (crashesInARow - 2));
}

/** Runs the primary until a signal has drained every worker; resolves with the exit status. */
export async function runPrimary(config: Config, count: number, logger: Logger): Promise<number> {
  const store = openConfiguredStore(config, databaseConnectionWarning(logger));
  try {
    await prepareDatabase(config, {
      store,
      hasher: withLegacyHashes(argon2Hasher),
      clock: { now: () => new Date() },
      logger,
      showOnce: (text) => process.stderr.write(text),
    });
  } finally {
    await store.close();
  }

  // Before the first fork: the workers' ready messages must find the primary listening. A port
  // that cannot be had fails the start as in a single process (serve.ts names the setting).
  let metricsServer: MetricsServer | undefined;
  if (config.metricsPort !== null) {
    metricsServer = await startMetricsServer(workersMetrics(), config.metricsPort, config.metricsHost, (err) =>
      logger.error('metrics collection failed', errorFields(err)),
    );
    logger.info('metrics listening', { port: metricsServer.port, host: config.metricsHost, path: '/metrics', workers: count });
  }

  const exitStatus = await new Promise<number>((resolve) => {
    const startedAt = new Map<Worker, number>();
    const listening = new Set<Worker>();
    let everyoneListened = false;
    let crashesInARow = 0;
    const restarts = new Set<NodeJS.Timeout>();
    let stopping = false;
    let status = 0;

    const fork = (): void => {
      const worker = cluster.fork();
      startedAt.set(worker, Date.now());
    };

    const finishIfDone = (): void => {
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('stopped', { workers: count, status });
        resolve(status);
      }
    };

    const stop = (signal: string, why?: string): void => {
      if (stopping) return;
      stopping = true;
      for (const timer of restarts) clearTimeout(timer);
      logger.info('shutting down', { signal, workers: Object.keys(cluster.workers ?? {}).length, deadlineMs: config.shutdownTimeoutMs, ...(why ? { why } : {}) });
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
      // A worker that hangs past its own deadline is killed; its unanswered requests are lost, hence status 1.
      const kill = setTimeout(() => {
        for (const worker of Object.values(cluster.workers ?? {})) {
          logger.warn('worker did not stop in time; killing it', { pid: worker?.process.pid });
          worker?.process.kill('SIGKILL');
        }
        status = 1;
      }, config.shutdownTimeoutMs + KILL_GRACE_MS);
      kill.unref();
      finishIfDone();
    };

    cluster.on('listening', (worker, address) => {
      listening.add(worker);
      if (everyoneListened) logger.info('replacement worker listening', { pid: worker.process.pid });
      if (!everyoneListened && listening.size === count) {
        everyoneListened = true;
        logger.info('all workers listening', { workers: count, port: address.port, pids: Object.values(cluster.workers ?? {}).map((w) => w?.process.pid).join(',') });
      }
    });

    cluster.on('exit', (worker, code, signal) => {
      const lived = Date.now() - (startedAt.get(worker) ?? Date.now());
      const served = listening.delete(worker);
      startedAt.delete(worker);
      if (stopping) {
        if (code !== 0) status = 1;
        finishIfDone();
        return;
      }
      // A worker that cannot start while the others never did (a port in use, a bad setting):
      // the service cannot run; its own message is already on stderr.
      if (!everyoneListened && !served) {
        status = 1;
        stop('none', `a worker exited (${signal ?? code}) before the service was listening`);
        return;
      }
      crashesInARow = lived < STEADY_MS || !served ? crashesInARow + 1 : 1;
      const delay = restartDelayMs(crashesInARow);
      logger.warn('worker died unexpectedly; replacing it', { pid: worker.process.pid, code, signal, livedMs: lived, restartInMs: delay });
      const timer = setTimeout(() => {
        restarts.delete(timer);
        if (!stopping) fork();
      }, delay);
      restarts.add(timer);
    });

    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    logger.info('starting workers', { workers: count });
    for (let i = 0; i < count; i++) fork();
  });
  await metricsServer?.close();
  return exitStatus;
}
