/**
 * The delivery worker against the real outbox table, with a clock the test moves: leases,
 * re-claims after a lease runs out, bounded concurrency, the retry schedule, dead letters.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/harness.js';
import { outboxRepository } from '../../src/store/repositories/records.js';
import { outboxQueue } from '../../src/store/repositories/outbox-queue.js';
import { OutboxWorker, RETRY_JITTER, retryDelayMs, retrySchedule, type OutboxWorkerOptions, type RetryPolicy } from '../../src/mail/outbox-worker.js';
import { MailDeliveryError, type MailMessage, type MailTransport } from '../../src/mail/message.js';
import { loadConfig } from '../../src/config/config.js';
import { smtpTransport } from '../../src/mail/smtp-transport.js';
import { freePort, startSmtpSink } from './smtp-sink.js';
import { waitFor } from '../support/wait-for.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

function defaultPolicy(): RetryPolicy {
  const c = loadConfig({});
  return { maxAttempts: c.mailMaxAttempts, baseDelayMs: c.mailRetryBaseSeconds * 1000, maxDelayMs: c.mailRetryMaxSeconds * 1000 };
}

describe('retry schedule', () => {
  it('defaults: 10 attempts spread over about a day', () => {
    const policy = defaultPolicy();
    assert.equal(policy.maxAttempts, 10);
    const at = retrySchedule(policy);
    assert.equal(at.length, 10);
    // 0, 5, 15, 35, 75, 155, 315, 635, 995, 1355 minutes
    assert.deepEqual(
      at.map((ms) => ms / 60_000),
      [0, 5, 15, 35, 75, 155, 315, 635, 995, 1355],
    );
    const last = at[9]! / HOUR;
    assert.ok(last > 20 && last < 26, `the 10th attempt ${last.toFixed(1)} h after the first`);
    // With the jitter at its extremes every time, the span stays within ±20 %.
    const span = (r: number) => Array.from({ length: 9 }, (_, i) => retryDelayMs(policy, i + 1, () => r)).reduce((a, b) => a + b, 0) / HOUR;
    assert.ok(Math.abs(span(0) - last * (1 - RETRY_JITTER)) < 0.01 && Math.abs(span(1) - last * (1 + RETRY_JITTER)) < 0.01);
  });

  it('doubles from the base, caps at the maximum, jitters within ±20 %', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 5000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n, () => 0.5)),
      [1000, 2000, 4000, 5000, 5000],
    );
    for (let i = 0; i < 1000; i++) {
      const d = retryDelayMs(policy, 2);
      assert.ok(d >= 1600 && d <= 2400, String(d));
    }
  });
});

describe('outbox worker', () => {
  let t: TestApp;
  let now: number;
  const queue = () => outboxQueue(t.app.store.db);

  before(async () => {
    t = await startTestApp({ empty: true });
  });
  after(() => t.close());
  beforeEach(async () => {
    await t.app.store.db.deleteFrom('outbox').execute();
    now = T0;
  });

  async function enqueue(n: number): Promise<void> {
    const repo = outboxRepository(t.app.store.db);
    for (let i = 0; i < n; i++) {
      await repo.enqueue({ event: 'password-changed', entityId: 1, to: `user${i}@example.com`, username: `user${i}`, fullName: '', localeCode: '' }, new Date(now));
    }
  }

  function worker(transport: MailTransport, overrides: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
    return new OutboxWorker({
      queue: queue(),
      transport,
      branding: { providerName: 'P', supportEmail: 's@p.example', defaultLanguage: 'en' },
      from: 'P <n@p.example>',
      now: () => now,
      pollIntervalMs: 50,
      leaseMs: 10_000,
      sendTimeoutMs: 8_000,
      concurrency: 4,
      retry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 600_000 },
      onError: () => undefined,
      ...overrides,
    });
  }

  const rows = () => t.app.store.db.selectFrom('outbox').selectAll().orderBy('id').execute();

  it('re-claims a message whose lease ran out (its worker died), with the same Message-ID', async () => {
    await enqueue(1);
    const q = queue();
    const [first] = await q.claimDue(now, 10_000, 5);
    assert.ok(first);
    assert.equal(first.attempts, 1);
    // The worker holding it "dies": nothing is recorded. While the lease holds, nobody else takes it.
    assert.deepEqual(await q.claimDue(now + 9_999, 10_000, 5), []);
    assert.equal(await q.nextWakeAt(), now + 10_001, 'the worker knows when to look again');
    const [again] = await q.claimDue(now + 10_001, 10_000, 5);
    assert.ok(again, 'claimed again once the lease ran out');
    assert.equal(again.id, first.id);
    assert.equal(again.messageId, first.messageId);
    assert.equal(again.attempts, 2);
  });

  it('sends at most `concurrency` messages at a time, each exactly once', async () => {
    await enqueue(25);
    let inFlight = 0;
    let maxInFlight = 0;
    const sent: MailMessage[] = [];
    const slow: MailTransport = {
      description: 'slow',
      async send(m) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 15)); // a slow transport is what this test is about: sends overlap
        sent.push(m);
        inFlight--;
      },
    };
    const w = worker(slow, { concurrency: 3 });
    w.start();
    await waitFor(() => sent.length === 25);
    await w.stop();
    assert.equal(maxInFlight, 3);
    assert.equal(new Set(sent.map((m) => m.messageId)).size, 25);
    assert.ok((await rows()).every((r) => r.state === 'sent' && r.attempts === 1 && r.lease_until === null));
  });

  it('retries a transient failure with back-off, then dead-letters after maxAttempts with the last error', async () => {
    await enqueue(1);
    let calls = 0;
    const failing: MailTransport = {
      description: 'down',
      async send() {
        calls++;
        throw new MailDeliveryError(`421 try again later (${calls})`, false);
      },
    };
    const w = worker(failing, { random: () => 0.5 });
    assert.deepEqual(await w.deliverDue(), { claimed: 1, sent: 0, retried: 1, dead: 0, held: 0 });
    let [row] = await rows();
    assert.equal(row?.state, 'pending');
    assert.equal(row?.next_attempt_at, now + 60_000, 'first wait: the base');
    assert.equal(row?.lease_until, null);
    assert.equal((await w.deliverDue()).claimed, 0, 'not before it is due');
    now += 60_000;
    assert.equal((await w.deliverDue()).retried, 1);
    [row] = await rows();
    assert.equal(row?.next_attempt_at, now + 120_000, 'second wait: doubled');
    now += 120_000;
    assert.deepEqual(await w.deliverDue(), { claimed: 1, sent: 0, retried: 0, dead: 1, held: 0 });
    [row] = await rows();
    assert.equal(row?.state, 'dead');
    assert.equal(row?.attempts, 3);
    assert.equal(row?.last_error, '421 try again later (3)');
    assert.equal(calls, 3);
  });

  it('dead-letters a permanent (5xx) rejection at once', async () => {
    await enqueue(1);
    const rejecting: MailTransport = {
      description: 'rejecting',
      async send() {
        throw new MailDeliveryError('550 5.1.1 no such mailbox', true);
      },
    };
    assert.deepEqual(await worker(rejecting).deliverDue(), { claimed: 1, sent: 0, retried: 0, dead: 1, held: 0 });
    const [row] = await rows();
    assert.equal(row?.state, 'dead');
    assert.equal(row?.attempts, 1);
    assert.equal(row?.last_error, '550 5.1.1 no such mailbox');
  });

  it('abandons a send that outlives its deadline, before the lease runs out', async () => {
    await enqueue(1);
    const hanging: MailTransport = { description: 'hanging', send: () => new Promise<void>(() => undefined) };
    const started = Date.now();
    const result = await worker(hanging, { leaseMs: 1_000, sendTimeoutMs: 200 }).deliverDue();
    assert.equal(result.retried, 1);
    assert.ok(Date.now() - started < 900);
    const [row] = await rows();
    assert.equal(row?.state, 'pending');
    assert.match(row?.last_error ?? '', /no answer within/);
    assert.equal(row?.lease_until, null, 'released for the retry');
  });

  it('gives up on a message whose sends keep being interrupted, instead of looping on it', async () => {
    await enqueue(1);
    const q = queue();
    for (let i = 0; i < 3; i++) {
      assert.equal((await q.claimDue(now, 10_000, 1)).length, 1);
      now += 10_001; // the worker died each time
    }
    let sends = 0;
    const counting: MailTransport = {
      description: 'counting',
      async send() {
        sends++;
      },
    };
    assert.equal((await worker(counting).deliverDue()).dead, 1);
    assert.equal(sends, 0);
    const [row] = await rows();
    assert.match(row?.last_error ?? '', /gave up after 3 attempts/);
  });

  /** A real SMTP client (nodemailer) for 127.0.0.1:port, waits bounded to 2 s. */
  function smtpTo(port: number): MailTransport {
    return smtpTransport({ url: `smtp://127.0.0.1:${port}`, requireTls: false, ca: null, rejectUnauthorized: true, timeoutMs: 2_000 });
  }

  it('an unreachable server holds the messages unspent; the probe finds it back and the backlog goes out', async () => {
    await enqueue(6);
    const port = await freePort(); // nothing listens: connection refused
    const transport = smtpTo(port);
    const changes: string[] = [];
    const w = worker(transport, { onTransportChange: (s) => changes.push(s.state) });
    try {
      assert.deepEqual(await w.deliverDue(), { claimed: 4, sent: 0, retried: 0, dead: 0, held: 4 });
      assert.equal(w.transportStatus.state, 'down');
      assert.match(w.transportStatus.lastError ?? '', /ECONNREFUSED|connect/i);
      for (const row of await rows()) {
        assert.equal(row.state, 'pending');
        assert.equal(row.attempts, 0, 'the attempt is given back');
        assert.equal(row.lease_until, null);
        assert.ok(row.next_attempt_at <= now, 'still due: no back-off for an outage');
      }
      assert.equal(await w.probe(), false, 'still down');
      assert.equal(w.transportStatus.probes, 1);

      const sink = await startSmtpSink({ port });
      try {
        assert.equal(await w.probe(), true, 'connect + EHLO + QUIT answered');
        assert.equal(w.transportStatus.state, 'up');
        assert.ok(sink.connections() >= 1);
        assert.deepEqual(changes, ['down', 'up'], 'one change each way, however many messages failed');
        assert.equal((await w.deliverDue()).sent, 4);
        assert.equal((await w.deliverDue()).sent, 2);
        assert.equal(sink.received.length, 6);
        assert.equal(new Set(sink.received.map((m) => m.parsed.messageId)).size, 6);
        assert.ok((await rows()).every((r) => r.state === 'sent' && r.attempts === 1));
      } finally {
        await sink.close();
      }
    } finally {
      transport.close?.();
    }
  });

  it('421 at the greeting is the server, not the message: held unspent until a probe is greeted', async () => {
    await enqueue(2);
    let busy = true;
    const sink = await startSmtpSink({ rejectConnection: () => (busy ? { code: 421, message: 'Service not available, try later' } : undefined) });
    const transport = smtpTo(sink.port);
    try {
      const w = worker(transport);
      assert.equal((await w.deliverDue()).held, 2);
      assert.equal(w.transportStatus.state, 'down');
      assert.match(w.transportStatus.lastError ?? '', /421/);
      assert.ok((await rows()).every((r) => r.attempts === 0));
      assert.equal(await w.probe(), false);
      busy = false;
      assert.equal(await w.probe(), true);
      assert.equal((await w.deliverDue()).sent, 2);
      assert.equal(sink.received.length, 2);
    } finally {
      transport.close?.();
      await sink.close();
    }
  });

  it('a 4xx for one recipient backs that message off; the transport stays up and the others go', async () => {
    await enqueue(3);
    const sink = await startSmtpSink({
      rejectRecipient: (address) => (address === 'user1@example.com' ? { code: 450, message: '4.2.1 Mailbox busy, try later' } : undefined),
    });
    const transport = smtpTo(sink.port);
    try {
      const w = worker(transport, { random: () => 0.5 });
      assert.deepEqual(await w.deliverDue(), { claimed: 3, sent: 2, retried: 1, dead: 0, held: 0 });
      assert.equal(w.transportStatus.state, 'up');
      const busy = (await rows()).find((r) => r.recipient === 'user1@example.com');
      assert.equal(busy?.state, 'pending');
      assert.equal(busy?.attempts, 1, 'this one spent an attempt');
      assert.equal(busy?.next_attempt_at, now + 60_000, 'and waits its back-off');
      assert.match(busy?.last_error ?? '', /450/);
    } finally {
      transport.close?.();
      await sink.close();
    }
  });

  it('a server that goes silent mid-send (after DATA) costs that message an attempt: never held and resent forever', async () => {
    await enqueue(1);
    const sink = await startSmtpSink({ hangAfterData: true });
    // Each wait of the SMTP client bounded to 300 ms: the silence after DATA is a socket timeout.
    const transport = smtpTransport({ url: sink.url, requireTls: false, ca: null, rejectUnauthorized: true, timeoutMs: 300 });
    try {
      const w = worker(transport, { random: () => 0.5 });
      assert.deepEqual(await w.deliverDue(), { claimed: 1, sent: 0, retried: 1, dead: 0, held: 0 });
      assert.equal(w.transportStatus.state, 'up', 'the server answered the session: it is not down');
      const [row] = await rows();
      assert.equal(row?.attempts, 1);
      assert.equal(row?.next_attempt_at, now + 60_000);
      assert.equal(sink.unanswered.length, 1, 'the DATA reached the server, which never answered');
    } finally {
      transport.close?.();
      await sink.close();
    }
  });

  it('refuses a send deadline that is not shorter than the lease', () => {
    assert.throws(() => worker({ description: 'x', send: async () => undefined }, { leaseMs: 1000, sendTimeoutMs: 1000 }), /shorter than the lease/);
  });
});
