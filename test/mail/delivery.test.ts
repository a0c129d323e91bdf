/**
 * Notification delivery through a real SMTP server in-process (smtp-server, parsed with
 * mailparser), and through the pickup folder when no SMTP server is configured.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { RESELLER_A_SECRET, seededTemplate, startTestApp } from '../support/harness.js';
import { call } from '../support/call.js';
import { pickupFolderTransport } from '../../src/mail/pickup-transport.js';

const AUTH = { user: 'reseller-a', password: RESELLER_A_SECRET };
const NEW_PASSWORD = 'smtp-test-password-1';

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('notification delivery', () => {
  it('sends the password-changed e-mail through SMTP, without the password', async () => {
    const received: { raw: string; parsed: ParsedMail; rcpt: string[] }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, done) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          void simpleParser(raw).then((parsed) => {
            received.push({ raw, parsed, rcpt: session.envelope.rcptTo.map((r) => r.address) });
            done();
          });
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    const t = await startTestApp({
      template: await seededTemplate(),
      transport: 'configured',
      env: { AMS_SMTP_URL: `smtp://127.0.0.1:${port}`, AMS_MAIL_FROM: 'Backup Co <no-reply@backup.example>', AMS_PROVIDER_NAME: 'Backup Co' },
    });
    try {
      const r = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: NEW_PASSWORD, SendEmailToCustomer: true }, AUTH);
      assert.equal(r.code, 'Success');
      t.app.mailWorker.start();
      await waitFor(() => received.length === 1);
      const mail = received[0]!;
      assert.deepEqual(mail.rcpt, ['alice@example.com']);
      assert.equal(mail.parsed.subject, 'Your Backup Co password was changed');
      assert.equal(mail.parsed.from?.text, '"Backup Co" <no-reply@backup.example>');
      assert.match(mail.parsed.text ?? '', /password of your backup account "alice" was changed/);
      assert.ok(mail.parsed.html, 'has an HTML part');
      assert.match(mail.parsed.messageId ?? '', /^<[0-9a-f-]+@ams\.invalid>$/);
      assert.doesNotMatch(mail.raw, new RegExp(NEW_PASSWORD));
      const row = await t.app.store.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
      assert.equal(row.state, 'sent');
      assert.equal(row.message_id, mail.parsed.messageId);
    } finally {
      await t.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('writes .eml files to the pickup folder when no SMTP server is set', async () => {
    const t0 = await startTestApp({ template: await seededTemplate() });
    const pickup = path.join(t0.dir, 'pickup');
    await t0.close();
    const t = await startTestApp({ template: await seededTemplate(), transport: pickupFolderTransport(pickup) });
    try {
      const r = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: NEW_PASSWORD, SendEmailToCustomer: true }, AUTH);
      assert.equal(r.code, 'Success');
      t.app.mailWorker.start();
      await waitFor(() => fs.existsSync(pickup) && fs.readdirSync(pickup).some((f) => f.endsWith('.eml')));
      const files = fs.readdirSync(pickup);
      assert.equal(files.length, 1, 'one finished file, no temporary left behind');
      const raw = fs.readFileSync(path.join(pickup, files[0]!), 'utf8');
      const parsed = await simpleParser(raw);
      assert.equal(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '', 'alice@example.com');
      assert.doesNotMatch(raw, new RegExp(NEW_PASSWORD));
    } finally {
      await t.close();
      fs.rmSync(pickup, { recursive: true, force: true });
    }
  });
});
