/**
 * The Prometheus endpoint on its own port: scraped over HTTP and parsed after driving real
 * SOAP calls, so every figure checked is one the service counted itself.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { AggregatorRegistry } from 'prom-client';
import { AMS_VERSION } from '../../src/observability/version.js';
import { DEFAULT_AGGREGATION, ServiceMetrics } from '../../src/observability/metrics.js';
import { backlogCountQuery } from '../../src/store/repositories/outbox-backlog.js';
import { RESELLER_A_SECRET, listenTestApp, seededTemplate, startTestApp, steppingClock, type TestApp } from '../support/harness.js';
import { envelope, operationBody } from '../support/envelope.js';
import { HARNESS_ENGINE, POSTGRES_TEST_URL, createTestDatabase } from '../support/test-database.js';
import type { RunningServer } from '../../src/http/server.js';
import { rawPost, soapOverHttp } from './support.js';
import { waitFor } from '../support/wait-for.js';
import { parseMetrics, value, type Sample } from '../support/prometheus.js';

const RESELLER_A = { user: 'reseller-a', password: RESELLER_A_SECRET };

async function scrape(port: number): Promise<{ samples: Sample[]; text: string; contentType: string | null }> {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(r.status, 200);
  const text = await r.text();
  return { samples: parseMetrics(text), text, contentType: r.headers.get('content-type') };
}

describe('metrics endpoint', () => {
  const clock = steppingClock();
  let t: TestApp;
  let server: RunningServer;
  let metricsPort: number;
  before(async () => {
    t = await startTestApp({ clock, template: await seededTemplate(), env: { AMS_METRICS_PORT: '0' } });
    server = await listenTestApp(t);
    metricsPort = t.app.metricsPort() ?? 0;
    assert.ok(metricsPort > 0 && metricsPort !== server.port, 'a listener of its own');
  });
  after(async () => {
    await server.close();
    await t.close();
  });

  it('counts SOAP requests by operation, version and result, and times them by operation', async () => {
    const port = server.port;
    assert.equal((await soapOverHttp(port, 'GetAccountInfo', { userName: 'alice' }, RESELLER_A)).code, 'Success');
    assert.equal((await soapOverHttp(port, 'GetAccountInfo', { userName: 'alice' }, RESELLER_A)).code, 'Success');
    assert.equal((await soapOverHttp(port, 'GetAccountInfo', { userName: 'nobody' }, RESELLER_A, '1.2')).code, 'AccountNotFound');
    assert.equal((await soapOverHttp(port, 'GetAccountInfo', { userName: 'alice' }, { user: 'reseller-a', password: 'wrong-secret-123' })).code, 'InvalidSoapCredentials');
    assert.equal((await soapOverHttp(port, 'GetAllAccounts', { CustomerTypeCode: '' }, RESELLER_A)).code, 'Success');
    const body = envelope('1.1', operationBody('GetAccountInfo', { userName: 'alice' }, false), RESELLER_A);
    assert.equal((await rawPost(port, body, { 'content-type': 'text/xml', soapaction: '"sosonlinebackup.com/Nope"' })).status, 500);
    // Routed by its SOAPAction, so the XML error is met reading the parameters: 400 (without one it would be a routing fault, 500).
    assert.equal((await rawPost(port, '<not xml', { 'content-type': 'text/xml', soapaction: '"sosonlinebackup.com/GetAccountInfo"' })).status, 400);
    assert.equal((await rawPost(port, body, { 'content-type': 'application/json' })).status, 415);
    await (await fetch(`http://127.0.0.1:${port}/healthz`)).text(); // not a SOAP request: not counted

    const { samples, contentType } = await scrape(metricsPort);
    assert.match(contentType ?? '', /^text\/plain; version=0\.0\.4/);
    const requests = (labels: Record<string, string>) => value(samples, 'ams_soap_requests_total', labels);
    assert.equal(requests({ operation: 'GetAccountInfo', soap_version: '1.1', result: 'Success' }), 2);
    assert.equal(requests({ operation: 'GetAccountInfo', soap_version: '1.2', result: 'AccountNotFound' }), 1);
    assert.equal(requests({ operation: 'GetAccountInfo', soap_version: '1.1', result: 'InvalidSoapCredentials' }), 1);
    assert.equal(requests({ operation: 'GetAllAccounts', soap_version: '1.1', result: 'Success' }), 1, 'the plain-enum Result of GetAllAccounts');
    assert.equal(requests({ operation: 'unknown', soap_version: '1.1', result: 'Client' }), 1, 'a fault, by kind');
    assert.equal(requests({ operation: 'unknown', soap_version: 'unknown', result: 'BadRequest' }), 1);
    assert.equal(requests({ operation: 'unknown', soap_version: 'unknown', result: 'UnsupportedMediaType' }), 1);
    const total = samples.filter((s) => s.name === 'ams_soap_requests_total').reduce((sum, s) => sum + s.value, 0);
    assert.equal(total, 8, 'every SOAP request once, nothing else');

    assert.equal(value(samples, 'ams_soap_request_duration_seconds_count', { operation: 'GetAccountInfo' }), 4);
    assert.equal(value(samples, 'ams_soap_request_duration_seconds_bucket', { operation: 'GetAccountInfo', le: '+Inf' }), 4);
    const sum = value(samples, 'ams_soap_request_duration_seconds_sum', { operation: 'GetAccountInfo' }) ?? 0;
    assert.ok(sum > 0 && sum < 60, `sum ${sum}`);
    const buckets = samples.filter((s) => s.name === 'ams_soap_request_duration_seconds_bucket' && s.labels.operation === 'GetAccountInfo').map((s) => s.value);
    assert.deepEqual([...buckets].sort((a, b) => a - b), buckets, 'cumulative buckets');
  });

  it('reports the Argon2 queue and hash time, the outbox backlog and delivery latency, the build and the process', async () => {
    // A partner secret never seen by this app: one Argon2 verification at least.
    assert.equal((await soapOverHttp(server.port, 'GetAccountInfo', { userName: 'bob' }, { user: 'reseller-b', password: 'wrong-secret-456' })).code, 'InvalidSoapCredentials');
    const r = await soapOverHttp(server.port, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'metrics-pass-1', SendEmailToCustomer: true }, RESELLER_A);
    assert.equal(r.code, 'Success');
    await waitFor(async () => (await t.app.store.db.selectFrom('outbox').select('state').where('state', '=', 'sent').execute()).length === 1, 5000, 'the delivery');

    let { samples } = await scrape(metricsPort);
    assert.ok((value(samples, 'ams_argon2_hash_duration_seconds_count') ?? 0) >= 2, 'hashes timed (the new password, the verifications)');
    assert.ok((value(samples, 'ams_argon2_hash_duration_seconds_sum') ?? 0) > 0);
    assert.equal(value(samples, 'ams_argon2_queue_depth'), 0, 'nothing waits now');
    assert.equal(value(samples, 'ams_argon2_active'), 0);
    assert.equal(value(samples, 'ams_outbox_delivery_seconds_count'), 1);
    assert.equal(value(samples, 'ams_outbox_messages', { state: 'pending' }), 0);
    assert.equal(value(samples, 'ams_outbox_messages', { state: 'dead' }), 0);
    assert.equal(value(samples, 'ams_outbox_messages', { state: 'sent' }), undefined, 'sent rows are never counted');
    assert.equal(value(samples, 'ams_outbox_oldest_pending_age_seconds'), 0);
    assert.equal(value(samples, 'ams_build_info', { version: AMS_VERSION }), 1);
    assert.ok((value(samples, 'process_cpu_user_seconds_total') ?? 0) > 0, 'default process metrics');
    assert.ok((value(samples, 'nodejs_heap_size_used_bytes') ?? 0) > 0);
    if (HARNESS_ENGINE === 'sqlite') assert.equal(value(samples, 'ams_db_pool_connections'), undefined, 'no pool on SQLite');

    // A dead letter shows up at the next scrape more than a second later (scrapes within a second
    // share one query): the app's clock is stepped over that second rather than slept through.
    await t.app.store.db.updateTable('outbox').set({ state: 'dead' }).execute();
    clock.advance(1001);
    ({ samples } = await scrape(metricsPort));
    assert.equal(value(samples, 'ams_outbox_messages', { state: 'dead' }), 1);
  });

  // PostgreSQL picks its plan by table statistics (a sequential scan for a few rows); the plan is checked on SQLite.
  it('counts pending and dead through the (state, next_attempt_at) index, never scanning sent rows', { skip: HARNESS_ENGINE === 'postgres' ? 'SQLite query plan' : false }, async () => {
    const compiled = backlogCountQuery(t.app.store.db).compile();
    const plan = await sql.raw<{ detail: string }>(`EXPLAIN QUERY PLAN ${compiled.sql.replace(/\?/g, () => "'x'")}`).execute(t.app.store.db);
    const details = plan.rows.map((r) => r.detail).join('; ');
    // A SEARCH visits the pending and dead entries of the index only; a SCAN (even of the index) would visit every sent row.
    assert.match(details, /SEARCH outbox USING (COVERING )?INDEX outbox_due \(state=\?\)/, details);
    assert.doesNotMatch(details, /SCAN/, details);
  });

  it('serves only /metrics, and only on its own port', async () => {
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/metrics/x`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status, 404, 'not on the partners’ port');
  });
});

describe('metrics settings', () => {
  it('are off unless AMS_METRICS_PORT is set', async () => {
    const t = await startTestApp({ template: await seededTemplate() });
    const server = await listenTestApp(t);
    try {
      assert.equal(t.app.metricsPort(), null);
    } finally {
      await server.close();
      await t.close();
    }
  });

  it('report the PostgreSQL pool: connections open and idle, queries waiting, the pool size', { skip: POSTGRES_TEST_URL ? false : 'needs AMS_TEST_DATABASE_URL' }, async () => {
    const database = await createTestDatabase();
    const t = await startTestApp({ empty: true, env: { AMS_DATABASE_URL: database.url, AMS_METRICS_PORT: '0', AMS_DATABASE_POOL_SIZE: '7' } });
    const server = await listenTestApp(t);
    try {
      const r = await soapOverHttp(server.port, 'GetAccountInfo', { userName: 'nobody' }, { user: 'provider', password: 'provider-secret-0001' });
      assert.equal(r.code, 'AccountNotFound');
      const { samples } = await scrape(t.app.metricsPort() ?? 0);
      const open = value(samples, 'ams_db_pool_connections') ?? 0;
      assert.ok(open >= 1 && open <= 7, `open ${open}`);
      assert.ok((value(samples, 'ams_db_pool_idle_connections') ?? -1) <= open);
      // The scrape's own outbox query may be waiting for a connection being opened.
      const waiting = value(samples, 'ams_db_pool_waiting_requests');
      assert.ok(waiting !== undefined && waiting >= 0 && waiting <= 2, `waiting ${waiting}`);
      assert.equal(value(samples, 'ams_db_pool_max_connections'), 7);
      assert.equal(value(samples, 'ams_outbox_messages', { state: 'pending' }), 0);
    } finally {
      await server.close();
      await t.close();
      await database.drop();
    }
  });
});

describe('metrics combined across workers (AMS_WORKERS)', () => {
  /** One worker's registry as the primary receives it, with these figures. */
  async function worker(figures: { requests: number; queued: number; mailUp: boolean; downSince: number; poolTotal: number }) {
    const now = 1_000_000;
    const m = new ServiceMetrics({
      version: AMS_VERSION,
      argon2: { queued: figures.queued, active: 0 },
      // The same shared database behind every worker.
      outboxBacklog: () => Promise.resolve({ pending: 3, dead: 2, oldestPendingSince: now - 60_000 }),
      pool: () => ({ total: figures.poolTotal, idle: 0, waiting: 0, max: 10 }),
      mailTransport: () => ({ state: figures.mailUp ? 'up' : 'down', since: figures.downSince }),
      now: () => now,
    });
    for (let i = 0; i < figures.requests; i++) m.observeSoapRequest('GetAccountInfo', '1.1', 'Success', 0.01);
    return m.registry.getMetricsAsJSON();
  }

  it('chooses an aggregation for every one of prom-client\'s default metrics', async () => {
    const metrics = await worker({ requests: 0, queued: 0, mailUp: true, downSince: 0, poolTotal: 1 });
    const defaults = metrics.filter((m) => !m.name.startsWith('ams_'));
    assert.ok(defaults.length > 20);
    for (const m of defaults) {
      assert.ok(m.name in DEFAULT_AGGREGATION, `${m.name}: add it to DEFAULT_AGGREGATION (metrics.ts), choosing how workers combine`);
      assert.equal(m.aggregator, DEFAULT_AGGREGATION[m.name], m.name);
    }
  });

  it('sums counts and histograms, reads the database once, and reports the worst worker where that is what matters', async () => {
    const combined = AggregatorRegistry.aggregate([
      await worker({ requests: 3, queued: 1, mailUp: true, downSince: 0, poolTotal: 4 }),
      await worker({ requests: 5, queued: 2, mailUp: false, downSince: 1_000_000 - 30_000, poolTotal: 6 }),
    ]);
    const samples = parseMetrics(await combined.metrics());
    assert.equal(value(samples, 'ams_soap_requests_total', { operation: 'GetAccountInfo', soap_version: '1.1', result: 'Success' }), 8);
    assert.equal(value(samples, 'ams_soap_request_duration_seconds_count', { operation: 'GetAccountInfo' }), 8);
    assert.equal(value(samples, 'ams_soap_request_duration_seconds_bucket', { operation: 'GetAccountInfo', le: '0.01' }), 8);
    assert.equal(value(samples, 'ams_argon2_queue_depth'), 3, 'hashes waiting in the service');
    assert.equal(value(samples, 'ams_outbox_messages', { state: 'pending' }), 3, 'the one database, not read twice');
    assert.equal(value(samples, 'ams_outbox_messages', { state: 'dead' }), 2);
    assert.equal(value(samples, 'ams_outbox_oldest_pending_age_seconds'), 60);
    assert.equal(value(samples, 'ams_mail_transport_up'), 0, 'down as soon as one worker finds it down');
    assert.equal(value(samples, 'ams_mail_transport_down_seconds'), 30);
    assert.equal(value(samples, 'ams_db_pool_connections'), 10, 'connections against max_connections: every pool');
    assert.equal(value(samples, 'ams_db_pool_max_connections'), 20);
    assert.equal(value(samples, 'ams_build_info', { version: AMS_VERSION }), 1);
    assert.equal(samples.filter((s) => s.name === 'nodejs_version_info').length, 1);
    assert.equal(samples.filter((s) => s.name === 'process_start_time_seconds').length, 1, 'the newest worker\'s start, not omitted');
  });
});
