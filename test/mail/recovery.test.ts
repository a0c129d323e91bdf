/**
 * Issue 17, part 4, at the default mail settings: the SMTP server goes away while partners keep
 * calling over HTTP; no message spends an attempt on the outage; /readyz and the metrics say the
 * transport is down; when the server is back, every message queued during the outage is
 * delivered within 60 s (one 15 s probe interval, then the backlog at once), none twice. Then a
 * second outage, to show the state goes down and up again rather than once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listenTestApp, RESELLER_A_SECRET, seededTemplate, startTestApp } from '../support/harness.js';
import { envelope, operationBody, soapHeaders } from '../support/envelope.js';
import { operationNamed } from '../../src/contract/index.js';
import { freePort, startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { waitFor } from '../support/wait-for.js';

const RESELLER_A = { user: 'reseller-a', password: RESELLER_A_SECRET };
/** At the default AMS_MAIL_PROBE_SECONDS (15): the bound. */
const RECOVERY_BOUND_MS = 60_000;

describe('SMTP server down and back, default mail settings', () => {
  it('holds mail unspent while down, shows it on /readyz and /metrics, delivers the backlog within 60 s of the return, none twice', async (ctx) => {
    const port = await freePort();
    const t = await startTestApp({ template: await seededTemplate(), transport: 'configured', env: { AMS_SMTP_URL: `smtp://127.0.0.1:${port}`, AMS_METRICS_PORT: '0' } });
    const config = t.app.config;
    assert.equal(config.mailProbeSeconds, 15, 'the default probe interval');
    assert.equal(config.mailRetryBaseSeconds, 300, 'the default back-off, which an outage must not cost');
    const server = await listenTestApp(t);
    const db = t.app.store.db;
    let sink: SmtpSink | undefined;
    let serial = 0;

    /** `n` account creations at once over HTTP, each queueing a welcome e-mail. */
    const traffic = async (n: number): Promise<void> => {
      const codes = await Promise.all(
        Array.from({ length: n }, async () => {
          const username = `recovery${++serial}`;
          const op = 'CreateAccountBySize';
          const body = operationBody(
            op,
            { TargetEntityId: 0, Username: username, Password: `recovery-pass-${serial}`, AccountSizeMB: 1024, FullName: username, Email: `${username}@example.com`, IsUltrasafe: false, DisableEmailsNotification: false },
            operationNamed(op)?.style === 'wrapped',
          );
          const h = soapHeaders('1.1', op);
          const r = await fetch(server.url, { method: 'POST', headers: { 'content-type': h.contentType, soapaction: h.soapAction ?? '' }, body: envelope('1.1', body, RESELLER_A) });
          const text = await r.text();
          return /<Code>(\w+)<\/Code>/.exec(text)?.[1] === 'Success' ? 'Success' : text;
        }),
      );
      assert.ok(codes.every((c) => c === 'Success'), codes.join(','));
    };
    const readyz = async () => {
      const r = await fetch(`http://127.0.0.1:${server.port}/readyz`);
      return { status: r.status, body: (await r.json()) as { mailTransport?: { state: string; downSeconds?: number } } };
    };
    const transportMetric = async (): Promise<string | undefined> =>
      /^ams_mail_transport_up (\d)$/m.exec(await (await fetch(`http://127.0.0.1:${t.app.metricsPort()}/metrics`)).text())?.[1];
    const outboxRows = () => db.selectFrom('outbox').select(['message_id', 'state', 'attempts', 'last_error']).execute();

    /** One outage: traffic while down, the server back on the same port under more traffic, the backlog measured. */
    const outage = async (round: number): Promise<number> => {
      await traffic(8);
      await waitFor(() => t.app.mailWorker.transportStatus.state === 'down', 30_000, 'transport marked down');
      await traffic(8); // queued while down: no attempt is made on them until a probe answers
      const down = await readyz();
      assert.equal(down.status, 200, 'an SMTP outage does not take the instance out of the balancer');
      assert.equal(down.body.mailTransport?.state, 'down');
      assert.equal(await transportMetric(), '0');
      const held = await outboxRows();
      assert.ok(held.filter((r) => r.state === 'pending').every((r) => r.attempts === 0), 'no attempt spent on the outage');

      sink = await startSmtpSink({ port });
      const back = Date.now();
      await traffic(8); // and traffic goes on while it recovers
      const expected = serial;
      await waitFor(async () => (sink?.received.length ?? 0) >= expected - (round === 1 ? 0 : 24), RECOVERY_BOUND_MS + 5_000, `round ${round}: all delivered`);
      const recoveryMs = Date.now() - back;
      await waitFor(async () => (await outboxRows()).every((r) => r.state === 'sent'), 10_000, 'all marked sent');
      return recoveryMs;
    };

    try {
      const first = await outage(1);
      const afterFirst = sink!;
      assert.equal(afterFirst.received.length, 24);
      assert.ok(first <= RECOVERY_BOUND_MS, `round 1: delivered ${first} ms after the return`);
      assert.equal((await readyz()).body.mailTransport?.state, 'up');
      assert.equal(await transportMetric(), '1');

      // Second outage: the server goes away again under traffic and comes back.
      await afterFirst.close();
      const second = await outage(2);
      assert.ok(second <= RECOVERY_BOUND_MS, `round 2: delivered ${second} ms after the return`);

      const rows = await outboxRows();
      const ids = [...afterFirst.received, ...sink!.received].map((m) => m.parsed.messageId ?? '');
      assert.equal(rows.length, 48);
      assert.equal(ids.length, 48, 'every message delivered once');
      assert.equal(new Set(ids).size, 48, 'none twice');
      assert.deepEqual([...ids].sort(), rows.map((r) => r.message_id).sort());
      assert.ok(rows.every((r) => r.attempts === 1), 'each counted one attempt: the one that delivered it');
      const logged = t.logLines.filter((l) => /mail server (unreachable|answers again)/.test(l));
      assert.equal(logged.length, 4, 'two log lines per outage, not one per message');
      ctx.diagnostic(`48 messages, two outages: delivered ${first} ms and ${second} ms after the SMTP server's return (probe every 15 s)`);
    } finally {
      await server.close();
      await t.close();
      await sink?.close();
    }
  });
});
