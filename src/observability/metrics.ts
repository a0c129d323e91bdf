/**
 * Prometheus metrics (prom-client), served on a port of their own (AMS_METRICS_PORT) so that
 * they never share a listener, or a proxy route, with partners.
 *
 * Per request the service does one counter increment and one histogram observation, on label
 * children looked up once and cached. Everything that costs a query (outbox backlog) or lives
 * elsewhere (Argon2 queue, database pool) is read only when Prometheus scrapes.
 *
 * Every metric names its `aggregator`: how the cluster primary combines the workers' figures
 * under AMS_WORKERS (cluster-metrics.ts). A single process never combines anything.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';
import type { OutboxBacklog } from '../domain/outbox.js';

export interface PoolStats {
  /** Open connections, busy or idle. */
  readonly total: number;
  readonly idle: number;
  /** Queries waiting for a connection. */
  readonly waiting: number;
  readonly max: number;
}

export interface MetricsSources {
  readonly version: string;
  /** The Argon2 work limiter (queued: waiting for a slot; active: hashing). */
  readonly argon2?: { readonly queued: number; readonly active: number };
  /** Counts pending and dead messages only (sent ones are never deleted and may be millions). */
  readonly outboxBacklog?: () => Promise<OutboxBacklog>;
  /** PostgreSQL only. */
  readonly pool?: () => PoolStats;
  /** The mail server as the delivery worker last found it. */
  readonly mailTransport?: () => { readonly state: 'up' | 'down'; readonly since: number };
  readonly now: () => number;
}

/** What the HTTP edge records per SOAP request. */
export interface RequestMetrics {
  observeSoapRequest(operation: string, soapVersion: string, result: string, seconds: number): void;
}

const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HASH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const DELIVERY_BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 48 * 3600];
/** Scrapes closer together than this share one outbox query. */
const BACKLOG_REUSE_MS = 1000;

/**
 * How the workers' figures of prom-client's default metrics are combined (prom-client's own
 * choice is a sum for most of them). Set on each after it is registered; test/observability
 * checks that every default metric has its entry here, so a prom-client upgrade that adds one
 * makes somebody choose.
 */
export const DEFAULT_AGGREGATION: Readonly<Record<string, client.Aggregator>> = {
  // CPU time: the service's, a sum.
  process_cpu_user_seconds_total: 'sum',
  process_cpu_system_seconds_total: 'sum',
  process_cpu_seconds_total: 'sum',
  // The newest worker's start (prom-client omits it): it moves when a worker is replaced, the
  // moment the summed counters lose that worker's counts.
  process_start_time_seconds: 'max',
  // Memory the service holds on the machine, compared with the machine's: a sum.
  process_resident_memory_bytes: 'sum',
  process_virtual_memory_bytes: 'sum',
  process_heap_bytes: 'sum',
  // The descriptor limit is per process: open against max stays the fullest worker's ratio.
  process_open_fds: 'max',
  process_max_fds: 'max',
  // A worker whose loop stalls delays every request on its connections; an average over the
  // workers would hide one stuck worker behind the idle ones. So the worst worker's lag.
  nodejs_eventloop_lag_seconds: 'max',
  nodejs_eventloop_lag_min_seconds: 'min',
  nodejs_eventloop_lag_max_seconds: 'max',
  nodejs_eventloop_lag_mean_seconds: 'max',
  nodejs_eventloop_lag_stddev_seconds: 'max',
  nodejs_eventloop_lag_p50_seconds: 'max',
  nodejs_eventloop_lag_p90_seconds: 'max',
  nodejs_eventloop_lag_p99_seconds: 'max',
  // Handles, requests and resources open in the service: counts, a sum.
  nodejs_active_resources: 'sum',
  nodejs_active_resources_total: 'sum',
  nodejs_active_handles: 'sum',
  nodejs_active_handles_total: 'sum',
  nodejs_active_requests: 'sum',
  nodejs_active_requests_total: 'sum',
  // V8's heap limit is per process: the worker nearest to it.
  nodejs_heap_size_total_bytes: 'max',
  nodejs_heap_size_used_bytes: 'max',
  nodejs_external_memory_bytes: 'max',
  nodejs_heap_space_size_total_bytes: 'max',
  nodejs_heap_space_size_used_bytes: 'max',
  nodejs_heap_space_size_available_bytes: 'max',
  // The same binary in every worker.
  nodejs_version_info: 'first',
  // Every collection in the service: a histogram sums.
  nodejs_gc_duration_seconds: 'sum',
};

export class ServiceMetrics implements RequestMetrics {
  readonly registry = new client.Registry();
  private readonly requests: client.Counter<'operation' | 'soap_version' | 'result'>;
  private readonly requestDuration: client.Histogram<'operation'>;
  private readonly hashDuration: client.Histogram;
  private readonly deliveryDuration: client.Histogram;
  private readonly requestChildren = new Map<string, client.Counter.Internal>();
  private readonly durationChildren = new Map<string, client.Histogram.Internal<'operation'>>();
  private backlog: { readonly at: number; readonly value: Promise<OutboxBacklog> } | undefined;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry });
    for (const metric of this.registry.getMetricsAsArray()) {
      const aggregator = DEFAULT_AGGREGATION[metric.name];
      // prom-client reads `aggregator` off the metric when a worker reports (getMetricsAsJSON);
      // its typings leave the field out of the metric classes.
      if (aggregator) (metric as unknown as { aggregator: client.Aggregator }).aggregator = aggregator;
    }
    // The same version in every worker: 1, not N.
    new client.Gauge({ name: 'ams_build_info', help: 'Always 1; the version of the running AMS.', labelNames: ['version'], aggregator: 'first', registers }).set({ version: sources.version }, 1);

    // Counters and histograms: every worker's requests, hashes and deliveries are the service's, a sum.
    this.requests = new client.Counter({
      name: 'ams_soap_requests_total',
      help: 'SOAP requests answered, by operation, SOAP version and result (a Result code name, a fault kind, or why the request was refused).',
      labelNames: ['operation', 'soap_version', 'result'],
      aggregator: 'sum',
      registers,
    });
    this.requestDuration = new client.Histogram({
      name: 'ams_soap_request_duration_seconds',
      help: 'Time from the request arriving to the response being written, by operation.',
      labelNames: ['operation'],
      aggregator: 'sum',
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.hashDuration = new client.Histogram({
      name: 'ams_argon2_hash_duration_seconds',
      help: 'Time one Argon2id hash or verification takes once it has a slot (the wait for a slot excluded).',
      buckets: HASH_BUCKETS,
      aggregator: 'sum',
      registers,
    });
    this.deliveryDuration = new client.Histogram({
      name: 'ams_outbox_delivery_seconds',
      help: 'Time from a notification being queued to its delivery (retries included).',
      buckets: DELIVERY_BUCKETS,
      aggregator: 'sum',
      registers,
    });

    // Each worker has its own Argon2 limiter: hashes waiting and running in the service, a sum.
    const argon2 = sources.argon2;
    if (argon2) {
      new client.Gauge({
        name: 'ams_argon2_queue_depth',
        help: 'Argon2id hashes and verifications waiting for a free slot.',
        aggregator: 'sum',
        registers,
        collect() {
          this.set(argon2.queued);
        },
      });
      new client.Gauge({
        name: 'ams_argon2_active',
        help: 'Argon2id hashes and verifications running.',
        aggregator: 'sum',
        registers,
        collect() {
          this.set(argon2.active);
        },
      });
    }

    const readBacklog = sources.outboxBacklog;
    if (readBacklog) {
      const backlog = (): Promise<OutboxBacklog> => {
        const now = sources.now();
        if (!this.backlog || now - this.backlog.at > BACKLOG_REUSE_MS) this.backlog = { at: now, value: readBacklog() };
        return this.backlog.value;
      };
      // Read from the one shared database: every worker reads the same figure (a sum would
      // multiply it by N). The largest of readings taken moments apart, the conservative one.
      new client.Gauge({
        name: 'ams_outbox_messages',
        help: 'Notification e-mails waiting to be sent (pending) or given up (dead). Absent while the database cannot be read.',
        labelNames: ['state'],
        aggregator: 'max',
        registers,
        async collect() {
          try {
            const b = await backlog();
            this.set({ state: 'pending' }, b.pending);
            this.set({ state: 'dead' }, b.dead);
          } catch {
            this.reset();
          }
        },
      });
      new client.Gauge({
        name: 'ams_outbox_oldest_pending_age_seconds',
        help: 'Age of the oldest pending notification e-mail (0 when none is pending).',
        aggregator: 'max',
        registers,
        async collect() {
          try {
            const b = await backlog();
            this.set(b.oldestPendingSince === null ? 0 : Math.max(0, (sources.now() - b.oldestPendingSince) / 1000));
          } catch {
            this.reset();
          }
        },
      });
    }

    // Each worker's mail worker probes the mail server itself: down (0) as soon as one of them
    // finds it down, and for the longest any of them has (mail claimed by that worker waits).
    const mailTransport = sources.mailTransport;
    if (mailTransport) {
      new client.Gauge({
        name: 'ams_mail_transport_up',
        help: 'Whether the mail server answered the last delivery or probe (1), or cannot be reached and mail waits (0).',
        aggregator: 'min',
        registers,
        collect() {
          this.set(mailTransport().state === 'up' ? 1 : 0);
        },
      });
      new client.Gauge({
        name: 'ams_mail_transport_down_seconds',
        help: 'How long the mail server has been unreachable (0 while it answers).',
        aggregator: 'max',
        registers,
        collect() {
          const t = mailTransport();
          this.set(t.state === 'up' ? 0 : Math.max(0, (sources.now() - t.since) / 1000));
        },
      });
    }

    // Each worker has its own pool: connections against PostgreSQL's max_connections are the
    // sum (the capacity too: workers × AMS_DATABASE_POOL_SIZE).
    const pool = sources.pool;
    if (pool) {
      const gauge = (name: string, help: string, read: (s: PoolStats) => number): void => {
        new client.Gauge({
          name,
          help,
          aggregator: 'sum',
          registers,
          collect() {
            this.set(read(pool()));
          },
        });
      };
      gauge('ams_db_pool_connections', 'PostgreSQL connections open in this instance (a pool per process), busy or idle.', (s) => s.total);
      gauge('ams_db_pool_idle_connections', 'PostgreSQL connections open and idle.', (s) => s.idle);
      gauge('ams_db_pool_waiting_requests', 'Queries waiting for a free PostgreSQL connection.', (s) => s.waiting);
      gauge('ams_db_pool_max_connections', 'Connections the pools may open: AMS_DATABASE_POOL_SIZE per process.', (s) => s.max);
    }
  }

  observeSoapRequest(operation: string, soapVersion: string, result: string, seconds: number): void {
    const key = `${operation} ${soapVersion} ${result}`;
    let counter = this.requestChildren.get(key);
    if (!counter) {
      counter = this.requests.labels(operation, soapVersion, result);
      this.requestChildren.set(key, counter);
    }
    counter.inc();
    let histogram = this.durationChildren.get(operation);
    if (!histogram) {
      histogram = this.requestDuration.labels(operation);
      this.durationChildren.set(operation, histogram);
    }
    histogram.observe(seconds);
  }

  observeHash(seconds: number): void {
    this.hashDuration.observe(seconds);
  }

  observeDelivery(seconds: number): void {
    this.deliveryDuration.observe(Math.max(0, seconds));
  }
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** What `/metrics` answers: one process's registry, or the cluster primary's combined figures. */
export interface MetricsText {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** `GET /metrics` in Prometheus' text format; anything else 404. A collection that fails answers 500 and calls onError. */
export function startMetricsServer(metrics: MetricsText, port: number, host: string, onError: (err: unknown) => void): Promise<MetricsServer> {
  const server = http.createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not Found\n');
      return;
    }
    metrics.metrics().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': metrics.contentType, 'Content-Length': Buffer.byteLength(text) });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        onError(err);
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics collection failed\n');
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
