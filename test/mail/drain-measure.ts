/**
 * Not a test: measures how fast a backlog drains once SMTP is back.
 *
 *   node --import tsx test/mail/drain-measure.ts [MESSAGES] [CONCURRENCY...]
 *
 * Queues MESSAGES notices (as an outage would leave them), then starts the worker against a
 * real SMTP server on loopback (smtp-server, in this process: the figures include its cost) and
 * times until every row is `sent`, for each concurrency, with a new connection per message
 * (the default) and with `?pool=true` on AMS_SMTP_URL (nodemailer keeps connections open).
 * smtp-server waits 100 ms before its greeting (it checks for clients that talk too early), so
 * a new connection per message costs at least that: roughly what a real server's greeting,
 * TLS handshake and AUTH cost too.
 */
import { seededTemplate, startTestApp } from '../support/harness.js';
import { outboxRepository } from '../../src/store/repositories/records.js';
import { startSmtpSink } from './smtp-sink.js';

const messages = Number(process.argv[2] ?? '500');
const concurrencies = process.argv.slice(3).map(Number);

async function measure(concurrency: number, pool: boolean): Promise<number> {
  const smtp = await startSmtpSink();
  const t = await startTestApp({
    template: await seededTemplate(),
    transport: 'configured',
    env: { AMS_SMTP_URL: `${smtp.url}${pool ? '?pool=true&maxConnections=' + concurrency : ''}`, AMS_MAIL_CONCURRENCY: String(concurrency) },
  });
  try {
    const at = new Date();
    await t.app.store.db.transaction().execute(async (trx) => {
      const r = outboxRepository(trx);
      for (let i = 0; i < messages; i++) {
        await r.enqueue({ event: 'password-changed', entityId: 1, to: `user${i}@example.com`, username: `user${i}`, fullName: `User ${i}`, localeCode: i % 3 === 0 ? 'de' : '' }, at);
      }
    });
    const started = performance.now();
    t.app.mailWorker.start();
    for (;;) {
      const { pending, dead } = await t.app.store.db
        .selectFrom('outbox')
        .select((eb) => [
          eb.fn.countAll<number>().filterWhere('state', '=', 'pending').as('pending'),
          eb.fn.countAll<number>().filterWhere('state', '=', 'dead').as('dead'),
        ])
        .executeTakeFirstOrThrow();
      if (Number(dead) > 0) throw new Error(`${dead} dead`);
      if (Number(pending) === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - started;
    if (smtp.received.length !== messages) throw new Error(`received ${smtp.received.length} of ${messages}`);
    if (new Set(smtp.received.map((m) => m.parsed.messageId)).size !== messages) throw new Error('a duplicate Message-ID');
    return ms;
  } finally {
    await t.close();
    await smtp.close();
  }
}

console.log(`| concurrency | connection | ${messages} messages | per second |`);
console.log('| --- | --- | --- | --- |');
for (const c of concurrencies.length ? concurrencies : [1, 4, 16]) {
  for (const pool of [false, true]) {
    const ms = await measure(c, pool);
    console.log(`| ${c} | ${pool ? 'pooled' : 'one per message'} | ${(ms / 1000).toFixed(2)} s | ${Math.round((messages / ms) * 1000)} |`);
  }
}
