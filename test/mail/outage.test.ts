/**
 * The SMTP server is down while accounts change: every notice is queued, the transport is marked
 * down without spending any message's attempts, and probed; when the server comes back, all of
 * them are delivered, none twice (by Message-ID). (test/mail/recovery.test.ts: the same at the
 * default settings, with /readyz and the metrics.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RESELLER_A_SECRET, seededTemplate, startTestApp } from '../support/harness.js';
import { call } from '../support/call.js';
import { freePort, startSmtpSink } from './smtp-sink.js';
import { waitFor } from '../support/wait-for.js';

const RESELLER_A = { user: 'reseller-a', password: RESELLER_A_SECRET };
const ACCOUNTS = 12;

describe('SMTP outage', () => {
  it('queues every notice while the server is down and delivers each exactly once when it is back', async (ctx) => {
    const port = await freePort();
    const t = await startTestApp({
      template: await seededTemplate(),
      transport: 'configured',
      env: { AMS_SMTP_URL: `smtp://127.0.0.1:${port}`, AMS_MAIL_PROBE_SECONDS: '1', AMS_MAIL_CONCURRENCY: '4' },
    });
    const db = t.app.store.db;
    try {
      t.app.mailWorker.start();
      // Changes while the server is down: a welcome and a password notice per account.
      for (let i = 0; i < ACCOUNTS; i++) {
        const username = `outage${i}`;
        const created = await call(
          t,
          'CreateAccountBySize',
          {
            TargetEntityId: 0,
            Username: username,
            Password: `outage-password-${i}`,
            AccountSizeMB: 1024,
            FullName: `Outage ${i}`,
            Email: `${username}@example.com`,
            IsUltrasafe: false,
            DisableEmailsNotification: false,
          },
          RESELLER_A,
        );
        assert.equal(created.code, 'Success');
        const changed = await call(t, 'ChangeBackupAccountPassword', { Username: username, NewPassword: `outage-new-${i}`, SendEmailToCustomer: true }, RESELLER_A);
        assert.equal(changed.code, 'Success');
      }
      const expected = ACCOUNTS * 2;
      // The transport is down; messages tried before it went down were given their attempt back.
      await waitFor(() => t.app.mailWorker.transportStatus.state === 'down', 15_000, 'the transport marked down');
      await waitFor(async () => {
        const rows = await db.selectFrom('outbox').select(['state', 'attempts', 'lease_until']).execute();
        return rows.length === expected && rows.every((r) => r.state === 'pending' && r.lease_until === null);
      }, 15_000, 'every message queued, none held by a send');
      const waiting = await db.selectFrom('outbox').select(['attempts', 'last_error']).execute();
      assert.ok(waiting.every((r) => r.attempts === 0), 'no attempt spent on an unreachable server');
      assert.ok(waiting.some((r) => /ECONNREFUSED|connect/i.test(r.last_error ?? '')), 'the reason is noted on the messages tried');

      // The server comes back on the same address.
      const smtp = await startSmtpSink({ port });
      const back = Date.now();
      try {
        await waitFor(() => smtp.received.length >= expected, 15_000, 'all delivered');
        const drainMs = Date.now() - back;
        await waitFor(async () => (await db.selectFrom('outbox').select('id').where('state', '=', 'sent').execute()).length === expected);
        // Stopping the worker waits for any send still running: after it nothing more can arrive.
        await t.app.mailWorker.stop();
        const rows = await db.selectFrom('outbox').selectAll().execute();
        const ids = smtp.received.map((m) => m.parsed.messageId ?? '');
        assert.equal(smtp.received.length, expected, 'no message twice');
        assert.equal(new Set(ids).size, expected, 'distinct Message-IDs');
        assert.deepEqual([...ids].sort(), rows.map((r) => r.message_id).sort(), 'exactly the queued messages');
        assert.ok(rows.every((r) => r.attempts === 1), 'each delivered at its first counted attempt');
        for (let i = 0; i < ACCOUNTS; i++) {
          const to = smtp.received.filter((m) => m.rcpt.includes(`outage${i}@example.com`)).map((m) => m.parsed.subject);
          assert.deepEqual(to.sort(), ['Welcome to Online Backup', 'Your Online Backup password was changed']);
        }
        // The probe runs every second here, so everything is out within a few seconds of the server's return.
        assert.ok(drainMs < 6_000, `drained in ${drainMs} ms`);
        ctx.diagnostic(`${expected} queued messages delivered ${drainMs} ms after the SMTP server came back`);
      } finally {
        await smtp.close();
      }
    } finally {
      await t.close();
    }
  });
});
