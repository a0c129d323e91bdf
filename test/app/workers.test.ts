/**
 * AMS_WORKERS=2 as an operator runs it: a real `ams serve` process that forks two workers on one
 * port, on a SQLite file and (with AMS_TEST_DATABASE_URL) on PostgreSQL. Many SOAP calls at once
 * over real sockets are answered by both workers; the primary's `/metrics` counts every one of
 * them once; a worker killed is replaced; SIGTERM while requests are in flight answers every one
 * of them and exits 0.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { envelope, operationBody, soapHeaders } from '../support/envelope.js';
import { createTestDatabase, POSTGRES_TEST_URL, type TestDatabase } from '../support/test-database.js';
import { parseMetrics, value } from '../support/prometheus.js';
import { openStore, parseDatabaseUrl } from '../../src/store/create-db.js';
import { waitFor } from '../support/wait-for.js';
import { PROVIDER, SERVICE_PATH, soap } from '../scale/cluster.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface LogEntry {
  readonly msg?: string;
  readonly pid?: number;
  readonly level?: string;
  readonly [field: string]: unknown;
}

interface Primary {
  readonly child: ChildProcess;
  readonly entries: LogEntry[];
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
  port(): number;
  /** The metrics port, from the primary's `metrics listening` line. */
  metricsPort(): number;
}

function startPrimary(env: Record<string, string>, dir: string): Primary {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AMS_')));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/cli/run-cli.ts'), 'serve'], {
    cwd: ROOT,
    env: {
      ...clean,
      AMS_WORKERS: '2',
      AMS_HOST: '127.0.0.1',
      AMS_PORT: '0',
      AMS_LOG_FORMAT: 'json',
      AMS_MAIL_PICKUP_DIR: path.join(dir, 'pickup'),
      AMS_BOOTSTRAP_USERNAME: PROVIDER.user,
      AMS_BOOTSTRAP_PASSWORD: PROVIDER.password,
      // One partner drives all the load: its rate limit is not under test.
      AMS_PARTNER_REQUESTS_PER_MINUTE: '0',
      AMS_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entries: LogEntry[] = [];
  const stderr: string[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) entries.push(JSON.parse(line) as LogEntry);
  });
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    entries,
    stderr,
    exited,
    port: () => entries.find((e) => e.msg === 'all workers listening')?.port as number,
    metricsPort: () => entries.find((e) => e.msg === 'metrics listening' && e.pid === child.pid)?.port as number,
  };
}

/** The pids of the workers that wrote a request line for these request ids. */
function servingPids(entries: readonly LogEntry[], requestIds: ReadonlySet<string>): Set<number> {
  return new Set(entries.filter((e) => e.msg === 'request' && requestIds.has(String(e.requestId))).map((e) => e.pid ?? 0));
}

/**
 * A GetAccountInfo whose headers reached a worker (it answered `100 Continue`) and whose body
 * is sent only when `send` is called: a request provably in flight.
 */
function heldRequest(port: number): Promise<{ send(): Promise<{ status: number; body: string; connection: string | undefined }> }> {
  const headers = soapHeaders('1.1', 'GetAccountInfo');
  const body = Buffer.from(envelope('1.1', operationBody('GetAccountInfo', { userName: 'alice' }, false), PROVIDER));
  return new Promise((resolveHeld, rejectHeld) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: SERVICE_PATH,
      agent: false,
      headers: { 'content-type': headers.contentType, soapaction: headers.soapAction, 'content-length': body.length, expect: '100-continue' },
    });
    const answered = new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), connection: res.headers.connection }));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    req.on('error', rejectHeld);
    req.on('continue', () =>
      resolveHeld({
        send: () => {
          req.end(body);
          return answered;
        },
      }),
    );
    req.flushHeaders();
  });
}

const engines: { name: string; skip: string | false; database: (dir: string) => Promise<{ url: string; drop?: () => Promise<void> }> }[] = [
  { name: 'SQLite', skip: false, database: (dir) => Promise.resolve({ url: path.join(dir, 'ams.sqlite') }) },
  {
    name: 'PostgreSQL',
    skip: POSTGRES_TEST_URL ? false : 'AMS_TEST_DATABASE_URL is not set',
    database: async () => {
      const db: TestDatabase = await createTestDatabase();
      return { url: db.url, drop: db.drop };
    },
  },
];

for (const engine of engines) {
  describe(`AMS_WORKERS=2 on ${engine.name}`, { skip: engine.skip }, () => {
    let dir: string;
    let primary: Primary;
    let dropDatabase: (() => Promise<void>) | undefined;
    let databaseUrl: string;

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-workers-'));
      const database = await engine.database(dir);
      dropDatabase = database.drop;
      databaseUrl = database.url;
      primary = startPrimary({ AMS_DATABASE_URL: database.url }, dir);
      await waitFor(() => primary.port() > 0, 90_000, `both workers listening (stderr: ${primary.stderr.join('')})`);
    });

    after(async () => {
      if (primary.child.exitCode === null) {
        primary.child.kill('SIGKILL');
        await primary.exited;
      }
      await dropDatabase?.();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('migrates once in the primary, then answers many concurrent calls from both workers', async () => {
      // Each worker writes its own `listening` line, which may reach us after the primary's `all workers listening`.
      const workersUp = (): Set<number | undefined> => new Set(primary.entries.filter((e) => e.msg === 'listening').map((e) => e.pid));
      await waitFor(() => workersUp().size === 2, 10_000, 'two workers listen');
      const primaryPid = primary.child.pid;
      const migrations = primary.entries.filter((e) => e.msg === 'migration' && e.status === 'Success');
      assert.ok(migrations.length > 0 && migrations.every((e) => e.pid === primaryPid), 'migrations ran in the primary only');

      const instance = { base: `http://127.0.0.1:${primary.port()}` };
      const created = await soap(instance, 'CreateAccountBySize', {
        TargetEntityId: 0,
        Username: 'alice',
        Password: 'correct horse battery',
        AccountSizeMB: 10240,
        FullName: 'Alice Example',
        Email: 'alice@example.com',
        IsUltrasafe: false,
        DisableEmailsNotification: true,
      });
      assert.equal(created.code, 'Success');

      // Writes from both workers at once on the one database (SQLite: BEGIN IMMEDIATE waits its turn).
      const writes = await Promise.all(
        Array.from({ length: 40 }, (_, i) => soap(instance, 'ChangeAccountSize', { userName: 'alice', sizeInMB: 1000 + i })),
      );
      assert.deepEqual(new Set(writes.map((w) => w.code)), new Set(['Success']));

      const reads = await Promise.all(Array.from({ length: 200 }, () => soap(instance, 'GetAccountInfo', { userName: 'alice' })));
      assert.deepEqual(new Set(reads.map((r) => `${r.status} ${r.code}`)), new Set(['200 Success']));
      const ids = new Set([...writes, ...reads].map((r) => r.requestId));
      await waitFor(() => primary.entries.filter((e) => e.msg === 'request' && ids.has(String(e.requestId))).length === ids.size, 10_000, 'every request line');
      assert.equal(servingPids(primary.entries, ids).size, 2, 'both workers served requests');
    });

    it('serves the whole service\'s metrics from the primary: every call counted once, a database gauge not doubled', async () => {
      const metricsLines = primary.entries.filter((e) => e.msg === 'metrics listening');
      assert.deepEqual(
        metricsLines.map((e) => e.pid),
        [primary.child.pid],
        'only the primary listens on the metrics port',
      );
      const metricsUrl = `http://127.0.0.1:${primary.metricsPort()}`;
      const instance = { base: `http://127.0.0.1:${primary.port()}` };

      // A figure read from the shared database: dead notification e-mails. Every worker reads
      // the same count; summed, the scrape would show it twice.
      const created = await soap(instance, 'CreateAccountBySize', {
        TargetEntityId: 0,
        Username: 'carol',
        Password: 'correct horse battery',
        AccountSizeMB: 1024,
        FullName: 'Carol Example',
        Email: 'carol@example.com',
        IsUltrasafe: false,
        DisableEmailsNotification: false,
      });
      assert.equal(created.code, 'Success');
      const changed = await soap(instance, 'ChangeBackupAccountPassword', { Username: 'carol', NewPassword: 'another horse battery', SendEmailToCustomer: true });
      assert.equal(changed.code, 'Success');
      const store = openStore(parseDatabaseUrl(databaseUrl));
      let dead: number;
      try {
        await waitFor(
          async () => {
            const rows = await store.db.selectFrom('outbox').select('state').execute();
            return rows.length > 0 && rows.every((r) => r.state === 'sent');
          },
          20_000,
          'the notifications sent',
        );
        await store.db.updateTable('outbox').set({ state: 'dead' }).execute();
        dead = (await store.db.selectFrom('outbox').select('state').where('state', '=', 'dead').execute()).length;
      } finally {
        await store.close();
      }
      assert.ok(dead > 0);

      const K = 120;
      const calls = await Promise.all(Array.from({ length: K }, () => soap(instance, 'GetAccountUsedSpace', { userName: 'alice' })));
      assert.deepEqual(new Set(calls.map((c) => `${c.status} ${c.code}`)), new Set(['200 Success']));
      const ids = new Set(calls.map((c) => c.requestId));
      // A worker counts a call before it logs the call's request line.
      await waitFor(() => primary.entries.filter((e) => e.msg === 'request' && ids.has(String(e.requestId))).length === K, 10_000, 'every request line');
      assert.equal(servingPids(primary.entries, ids).size, 2, 'both workers served some of the calls');

      for (const scrape of [1, 2]) {
        const response = await fetch(`${metricsUrl}/metrics`);
        assert.equal(response.status, 200, `scrape ${scrape}`);
        assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
        const samples = parseMetrics(await response.text());
        const counted = samples.filter((x) => x.name === 'ams_soap_requests_total' && x.labels.operation === 'GetAccountUsedSpace').reduce((sum, x) => sum + x.value, 0);
        assert.equal(counted, K, `scrape ${scrape}: every call, from both workers`);
        assert.equal(value(samples, 'ams_soap_requests_total', { operation: 'GetAccountUsedSpace', soap_version: '1.1', result: 'Success' }), K);
        assert.equal(value(samples, 'ams_soap_request_duration_seconds_count', { operation: 'GetAccountUsedSpace' }), K);
        assert.equal(value(samples, 'ams_outbox_messages', { state: 'dead' }), dead, `scrape ${scrape}: read from the database, not summed`);
        assert.equal(value(samples, 'ams_outbox_messages', { state: 'pending' }), 0);
        assert.equal(value(samples, 'ams_build_info', { version: String(samples.find((x) => x.name === 'ams_build_info')?.labels.version) }), 1);
      }
      assert.equal((await fetch(`${metricsUrl}/`)).status, 404);
      assert.equal((await fetch(`${instance.base}/metrics`)).status, 404, 'not on the partners\' port');

      // A worker that cannot answer (stopped): the scrape fails after prom-client's 5 s, with one
      // error line, rather than hang or show totals short of that worker's counts.
      const stopped = servingPids(primary.entries, ids).values().next().value!;
      process.kill(stopped, 'SIGSTOP');
      try {
        const failed = await fetch(`${metricsUrl}/metrics`);
        assert.equal(failed.status, 500);
        await failed.text();
      } finally {
        process.kill(stopped, 'SIGCONT');
      }
      const failures = (): LogEntry[] => primary.entries.filter((e) => e.msg === 'metrics collection failed');
      await waitFor(() => failures().length > 0, 10_000, 'the error line');
      const errors = failures();
      assert.equal(errors.length, 1);
      assert.equal(errors[0]?.pid, primary.child.pid);
      assert.match(String(errors[0]?.errorMessage), /a worker did not send its metrics in time/);
      assert.equal((await fetch(`${metricsUrl}/metrics`)).status, 200, 'answered again once the worker answers');
    });

    it('replaces a worker that dies, and keeps answering meanwhile', async () => {
      const before = primary.entries.filter((e) => e.msg === 'listening').map((e) => e.pid!);
      const victim = before[0]!;
      process.kill(victim, 'SIGKILL');
      await waitFor(() => primary.entries.some((e) => e.msg === 'worker died unexpectedly; replacing it'), 10_000, 'the death noticed');
      // A scrape while the replacement starts (it is forked at once, and takes a second or more to
      // load) waits for it to answer: Node.js drops a request sent to it too early, and the scrape
      // would fail after prom-client's 5 s wait for an answer. Only a replacement that takes more
      // than 4 s to start (a loaded machine, TypeScript compiled on the fly) fails it sooner, and says so.
      const failuresBefore = primary.entries.filter((e) => e.msg === 'metrics collection failed').length;
      const scraped = await fetch(`http://127.0.0.1:${primary.metricsPort()}/metrics`);
      const text = await scraped.text();
      if (scraped.status === 200) {
        assert.equal(parseMetrics(text).filter((x) => x.name === 'process_start_time_seconds').length, 1);
      } else {
        assert.equal(scraped.status, 500);
        await waitFor(() => primary.entries.filter((e) => e.msg === 'metrics collection failed').length > failuresBefore, 10_000, 'the error line');
        const failure = primary.entries.filter((e) => e.msg === 'metrics collection failed')[failuresBefore];
        assert.match(String(failure?.errorMessage), /did not start answering metrics requests within 4000 ms/);
      }
      await waitFor(() => primary.entries.some((e) => e.msg === 'replacement worker listening'), 60_000, 'a replacement worker');
      const died = primary.entries.find((e) => e.msg === 'worker died unexpectedly; replacing it');
      assert.equal(died?.pid, victim);
      assert.equal(died?.signal, 'SIGKILL');
      const replacement = primary.entries.find((e) => e.msg === 'replacement worker listening')?.pid;
      assert.ok(replacement !== undefined && !before.includes(replacement));

      const instance = { base: `http://127.0.0.1:${primary.port()}` };
      const reads = await Promise.all(Array.from({ length: 100 }, () => soap(instance, 'GetAccountInfo', { userName: 'alice' })));
      assert.deepEqual(new Set(reads.map((r) => r.code)), new Set(['Success']));
      const ids = new Set(reads.map((r) => r.requestId));
      await waitFor(() => servingPids(primary.entries, ids).size === 2, 10_000, 'request lines from both workers');
      assert.ok(servingPids(primary.entries, ids).has(replacement), 'the replacement serves');
      assert.ok(!servingPids(primary.entries, ids).has(victim));
    });

    it('SIGTERM during load: every request in flight is answered, every worker drains, exit 0', async () => {
      const port = primary.port();
      // Held requests spread over both workers (each connection goes to one of them in turn).
      const held = await Promise.all(Array.from({ length: 20 }, () => heldRequest(port)));
      // And a load of complete calls in flight as the signal arrives.
      const instance = { base: `http://127.0.0.1:${port}` };
      const load = Array.from({ length: 100 }, () => soap(instance, 'GetAccountInfo', { userName: 'alice' }).then((r) => r, (err: unknown) => err));
      primary.child.kill('SIGTERM');
      await waitFor(() => primary.entries.filter((e) => e.msg === 'shutting down' && e.pid !== primary.child.pid).length === 2, 20_000, 'both workers draining');
      const answers = await Promise.all(held.map((h) => h.send()));
      for (const answer of answers) {
        assert.equal(answer.status, 200);
        assert.match(answer.body, /<Code>Success<\/Code>/);
        assert.equal(answer.connection, 'close');
      }
      // A call of the load either got its answer or was never accepted; none got a wrong one.
      for (const outcome of await Promise.all(load)) {
        if (outcome instanceof Error) continue;
        assert.equal((outcome as { code: string | undefined }).code, 'Success');
      }
      assert.equal(await primary.exited, 0);
      const stopped = primary.entries.filter((e) => e.msg === 'stopped');
      assert.equal(stopped.filter((e) => e.drained === true).length, 2, 'both workers drained');
      assert.equal(stopped.find((e) => e.pid === primary.child.pid)?.status, 0);
    });
  });
}
