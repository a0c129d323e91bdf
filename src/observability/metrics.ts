/**
 * Prometheus metrics (prom-client), served on a port of their own (AMS_METRICS_PORT) so that
 * they never share a listener, or a proxy route, with partners.
 *
 * Per request the service does one counter increment and one histogram observation, on label
 * children looked up once and cached. Everything that costs a query (outbox backlog) or lives
 * elsewhere (Argon2 queue, database pool) is read only when Prometheus scrapes.
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
    new client.Gauge({ name: 'ams_build_info', help: 'Always 1; the version of the running AMS.', labelNames: ['version'], registers }).set({ version: sources.version }, 1);

    this.requests = new client.Counter({
      name: 'ams_soap_requests_total',
      help: 'SOAP requests answered, by operation, SOAP version and result (a Result code name, a fault kind, or why the request was refused).',
      labelNames: ['operation', 'soap_version', 'result'],
      registers,
    });
    this.requestDuration = new client.Histogram({
      name: 'ams_soap_request_duration_seconds',
      help: 'Time from the request arriving to the response being written, by operation.',
      labelNames: ['operation'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.hashDuration = new client.Histogram({
      name: 'ams_argon2_hash_duration_seconds',
      help: 'Time one Argon2id hash or verification takes once it has a slot (the wait for a slot excluded).',
      buckets: HASH_BUCKETS,
      registers,
    });
    this.deliveryDuration = new client.Histogram({
      name: 'ams_outbox_delivery_seconds',
      help: 'Time from a notification being queued to its delivery (retries included).',
      buckets: DELIVERY_BUCKETS,
      registers,
    });

    const argon2 = sources.argon2;
    if (argon2) {
      new client.Gauge({
        name: 'ams_argon2_queue_depth',
        help: 'Argon2id hashes and verifications waiting for a free slot.',
        registers,
        collect() {
          this.set(argon2.queued);
        },
      });
      new client.Gauge({
        name: 'ams_argon2_active',
        help: 'Argon2id hashes and verifications running.',
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
      new client.Gauge({
        name: 'ams_outbox_messages',
        help: 'Notification e-mails waiting to be sent (pending) or given up (dead). Absent while the database cannot be read.',
        labelNames: ['state'],
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

    const mailTransport = sources.mailTransport;
    if (mailTransport) {
      new client.Gauge({
        name: 'ams_mail_transport_up',
        help: 'Whether the mail server answered the last delivery or probe (1), or cannot be reached and mail waits (0).',
        registers,
        collect() {
          this.set(mailTransport().state === 'up' ? 1 : 0);
        },
      });
      new client.Gauge({
        name: 'ams_mail_transport_down_seconds',
        help: 'How long the mail server has been unreachable (0 while it answers).',
        registers,
        collect() {
          const t = mailTransport();
          this.set(t.state === 'up' ? 0 : Math.max(0, (sources.now() - t.since) / 1000));
        },
      });
    }

    const pool = sources.pool;
    if (pool) {
      const gauge = (name: string, help: string, read: (s: PoolStats) => number): void => {
        new client.Gauge({
          name,
          help,
          registers,
          collect() {
            this.set(read(pool()));
          },
        });
      };
      gauge('ams_db_pool_connections', 'PostgreSQL connections open in this instance pool, busy or idle.', (s) => s.total);
      gauge('ams_db_pool_idle_connections', 'PostgreSQL connections open and idle.', (s) => s.idle);
      gauge('ams_db_pool_waiting_requests', 'Queries waiting for a free PostgreSQL connection.', (s) => s.waiting);
      gauge('ams_db_pool_max_connections', 'The pool size (AMS_DATABASE_POOL_SIZE).', (s) => s.max);
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

/** `GET /metrics` in Prometheus' text format; anything else 404. */
export function startMetricsServer(metrics: ServiceMetrics, port: number, host: string, onError: (err: unknown) => void): Promise<MetricsServer> {
  const server = http.createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not Found\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Content-Length': Buffer.byteLength(text) });
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
