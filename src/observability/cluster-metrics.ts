/**
 * Metrics under `AMS_WORKERS` above 1 (issue 20): the workers keep their own figures, the primary
 * serves `/metrics` and asks every worker for its figures on each scrape (prom-client's
 * AggregatorRegistry, over the cluster's IPC channel), combining each metric as its `aggregator`
 * says (metrics.ts). One scrape, the service's totals; no worker listens on the metrics port.
 *
 * A worker's IPC message that arrives before it has a listener is dropped by Node.js, and
 * prom-client's primary would then wait for an answer that never comes (5 s, then the scrape
 * fails). So a worker says `ams:metrics-ready` once it answers, and the primary asks only when
 * every worker has said so, waiting for a booting replacement up to READY_TIMEOUT_MS.
 */
import cluster, { type Worker } from 'node:cluster';
import client from 'prom-client';
import type { MetricsText } from './metrics.js';

const READY = 'ams:metrics-ready';
/**
 * How long a scrape waits for a booting worker to answer metrics requests. With prom-client's
 * own 5 s for the answers themselves a scrape ends within 9 s, under Prometheus' default 10 s
 * scrape_timeout.
 */
const READY_TIMEOUT_MS = 4000;

/**
 * In a cluster worker: answer the primary's metrics requests from the registry that `use` names,
 * and with nothing until then (a worker still starting has counted nothing). Call it before the
 * slow part of the start, so a scrape meanwhile waits as little as possible.
 */
export function answerPrimaryMetrics(): { use(registry: client.Registry): void } {
  // Constructing an AggregatorRegistry installs prom-client's `process.on('message')` answerer
  // (once per process); the registries it reads are a module-wide setting.
  new client.AggregatorRegistry();
  client.AggregatorRegistry.setRegistries([]);
  process.send?.({ type: READY });
  return { use: (registry) => client.AggregatorRegistry.setRegistries([registry]) };
}

/**
 * In the cluster primary, before the first fork (a ready message sent earlier would be missed):
 * the workers' figures, combined. Rejects when a worker does not become ready, or does not
 * answer, in time — the scrape then fails rather than show totals short of one worker's counts,
 * which Prometheus would take for a counter reset.
 */
export function workersMetrics(): MetricsText {
  const aggregator = new client.AggregatorRegistry();
  const ready = new Set<Worker>();
  let waiters: (() => void)[] = [];
  const wake = (): void => {
    const woken = waiters;
    waiters = [];
    for (const w of woken) w();
  };
  cluster.on('message', (worker, message: unknown) => {
    if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === READY) {
      ready.add(worker);
      wake();
    }
  });
  cluster.on('exit', (worker) => {
    ready.delete(worker);
    wake();
  });
  /** The workers prom-client will ask (it skips disconnected ones) that cannot answer yet. */
  const booting = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected() && !ready.has(w));

  const allReady = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const waiting = booting();
        if (waiting.length === 0) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== check);
        reject(new Error(`worker ${booting().map((w) => w.process.pid).join(', ')} did not start answering metrics requests within ${READY_TIMEOUT_MS} ms`));
      }, READY_TIMEOUT_MS);
      check();
    });

  return {
    contentType: aggregator.contentType,
    // prom-client sends the requests synchronously in clusterMetrics(), so no worker can be
    // forked between the check and the asking.
    metrics: () =>
      allReady().then(() =>
        aggregator.clusterMetrics().catch((err: unknown) => {
          // prom-client's own words ("Operation timed out.") do not say whose operation.
          throw new Error(`a worker did not send its metrics in time: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }),
      ),
  };
}
