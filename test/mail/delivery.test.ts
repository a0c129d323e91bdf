/**
 * Every notification event of SERVICE.md §7, driven through the SOAP pipeline and delivered to
 * a real SMTP server in-process (smtp-server, parsed with mailparser): the right recipient,
 * subject, body and language, and no password or token anywhere in the raw message. Then the
 * pickup folder, used when no SMTP server is configured.
 */
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { ALICE_PASSWORD, BOB_PASSWORD, RESELLER_A_SECRET, RESELLER_B_SECRET, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';
import { pickupFileName, pickupFolderTransport } from '../../src/mail/pickup-transport.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from './smtp-sink.js';
import { waitFor } from '../support/wait-for.js';

const RESELLER_A = { user: 'reseller-a', password: RESELLER_A_SECRET };
const RESELLER_B = { user: 'reseller-b', password: RESELLER_B_SECRET };

/** Every secret that crosses the SOAP interface in this file: none may reach an e-mail. */
const SECRETS = {
  carol: 'carol-initial-password-1',
  dieter: 'dieter-initial-password-1',
  felix: 'felix-initial-password-1',
  tokenAccount: 'token-account-password-1',
  quiet: 'quiet-initial-password-1',
  aliceReset: 'alice-reset-password-1',
  aliceNoMail: 'alice-silent-password-1',
  bobNew: 'bob-own-new-password-1',
};

describe('notification e-mails through SMTP, one per event', () => {
  let smtp: SmtpSink;
  let t: TestApp;
  const tokens: string[] = [];

  before(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp({
      template: await seededTemplate(),
      transport: 'configured',
      env: {
        AMS_SMTP_URL: smtp.url,
        AMS_MAIL_FROM: 'Backup Co <no-reply@backup.example>',
        AMS_PROVIDER_NAME: 'Backup Co',
        AMS_SUPPORT_EMAIL: 'help@backup.example',
      },
    });
    t.app.mailWorker.start();
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  /** The one message delivered to `to` since the call, waiting for the worker. */
  async function mailTo(to: string): Promise<ReceivedMail> {
    await waitFor(() => smtp.received.some((m) => m.rcpt.includes(to)), 10_000, `a message to ${to}`);
    const all = smtp.received.filter((m) => m.rcpt.includes(to));
    assert.equal(all.length, 1, `exactly one message to ${to}`);
    return all[0]!;
  }

  function assertWellFormed(mail: ReceivedMail): void {
    assert.equal(mail.parsed.from?.text, '"Backup Co" <no-reply@backup.example>');
    assert.equal(mail.from, 'no-reply@backup.example', 'envelope sender');
    assert.match(mail.parsed.messageId ?? '', /^<[0-9a-f-]{36}@ams\.invalid>$/);
    assert.ok(mail.parsed.text, 'has a plain-text part');
    assert.ok(typeof mail.parsed.html === 'string' && mail.parsed.html.includes('<html'), 'has an HTML part');
    assert.equal(mail.parsed.headers.get('auto-submitted'), 'auto-generated');
    assert.match(mail.parsed.text ?? '', /help@backup\.example/, 'names the support address');
    assert.match(String(mail.parsed.html), /href="mailto:help@backup\.example"/);
  }

  it('account created (CreateAccountBySize): a welcome to the new address', async () => {
    const r = await call(
      t,
      'CreateAccountBySize',
      {
        TargetEntityId: 0,
        Username: 'carol',
        Password: SECRETS.carol,
        AccountSizeMB: 2048,
        FullName: 'Carol Client',
        Email: 'carol@example.com',
        IsUltrasafe: false,
        DisableEmailsNotification: false,
      },
      RESELLER_A,
    );
    assert.equal(r.code, 'Success');
    const mail = await mailTo('carol@example.com');
    assertWellFormed(mail);
    assert.deepEqual(mail.rcpt, ['carol@example.com']);
    assert.equal(mail.parsed.subject, 'Welcome to Backup Co');
    assert.match(mail.parsed.text ?? '', /^Hello Carol Client,/);
    assert.match(mail.parsed.text ?? '', /Your Backup Co backup account "carol" has been created\./);
    assert.match(String(mail.parsed.html), /<p>Your Backup Co backup account "carol" has been created\.<\/p>/);
  });

  it('account created with DisableEmailsNotification: no e-mail', async () => {
    const r = await call(
      t,
      'CreateAccountBySize',
      {
        TargetEntityId: 0,
        Username: 'quiet',
        Password: SECRETS.quiet,
        AccountSizeMB: 2048,
        FullName: 'Quiet Client',
        Email: 'quiet@example.com',
        IsUltrasafe: false,
        DisableEmailsNotification: true,
      },
      RESELLER_A,
    );
    assert.equal(r.code, 'Success');
    const rows = await t.app.store.db.selectFrom('outbox').select('recipient').where('recipient', '=', 'quiet@example.com').execute();
    assert.equal(rows.length, 0, 'nothing queued');
  });

  it('account created with a German locale (CreateAccount localeCode de-DE): the welcome is in German', async () => {
    const r = await call(
      t,
      'CreateAccount',
      { firstName: 'Dieter', userName: 'dieter', password: SECRETS.dieter, email: 'dieter@example.de', licenseKey: 'LK-DE', localeCode: 'de-DE' },
      RESELLER_A,
    );
    assert.equal(r.code, 'Success');
    const mail = await mailTo('dieter@example.de');
    assertWellFormed(mail);
    assert.equal(mail.parsed.subject, 'Willkommen bei Backup Co');
    assert.match(mail.parsed.text ?? '', /Ihr Backup-Konto „dieter“ bei Backup Co wurde eingerichtet\./);
    assert.match(mail.parsed.text ?? '', /Fragen\? Schreiben Sie an help@backup\.example\./);
    assert.equal(mail.parsed.headers.get('content-language'), 'de');
    assert.match(String(mail.parsed.html), /<html lang="de">/);
  });

  it('account created with a French locale (CreateUltraSafeAccount fr-CA): the welcome is in French', async () => {
    const r = await call(
      t,
      'CreateUltraSafeAccount',
      {
        firstName: 'Félix',
        userName: 'felix',
        password: SECRETS.felix,
        email: 'felix@example.ca',
        licenseKey: 'LK-FR',
        localeCode: 'fr-CA',
        secretQuestion: 'Ville natale ?',
        answer: 'Québec',
      },
      RESELLER_A,
    );
    assert.equal(r.code, 'Success');
    const mail = await mailTo('felix@example.ca');
    assertWellFormed(mail);
    assert.equal(mail.parsed.subject, 'Bienvenue chez Backup Co');
    assert.match(mail.parsed.text ?? '', /Votre compte de sauvegarde Backup Co «\u00a0felix\u00a0» a été créé\./);
    assert.equal(mail.parsed.headers.get('content-language'), 'fr');
    assert.doesNotMatch(mail.raw, /Québec|Qu=C3=A9bec/, 'not the secret answer either');
  });

  it('account created by token (CreateAccountByToken): a welcome without the token', async () => {
    const g = await call(t, 'GenerateCreatingAccountToken', { TargetEntityId: 0, AccountSizeMB: 1024, IsUltrasafe: false, ValidForHours: 2 }, RESELLER_A);
    assert.equal(g.code, 'Success');
    const token = g.text('Token');
    assert.ok(token && token.length >= 20);
    tokens.push(token);
    const r = await call(
      t,
      'CreateAccountByToken',
      { Token: token, Username: 'tokened', Password: SECRETS.tokenAccount, FullName: 'Token Holder', Email: 'tokened@example.com' },
      RESELLER_A,
    );
    assert.equal(r.code, 'Success');
    const mail = await mailTo('tokened@example.com');
    assert.equal(mail.parsed.subject, 'Welcome to Backup Co');
  });

  it('password changed by the partner (ChangeBackupAccountPassword, SendEmailToCustomer): a notice without the password', async () => {
    const silent = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: SECRETS.aliceNoMail, SendEmailToCustomer: false }, RESELLER_A);
    assert.equal(silent.code, 'Success');
    const r = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: SECRETS.aliceReset, SendEmailToCustomer: true }, RESELLER_A);
    assert.equal(r.code, 'Success');
    const mail = await mailTo('alice@example.com');
    assertWellFormed(mail);
    assert.equal(mail.parsed.subject, 'Your Backup Co password was changed');
    assert.match(mail.parsed.text ?? '', /^Hello Alice Example,/);
    assert.match(mail.parsed.text ?? '', /The password of your backup account "alice" was changed\./);
  });

  it('password changed by the holder (ChangeAccountPassword): always notified', async () => {
    const r = await call(t, 'ChangeAccountPassword', { userName: 'bob', password: BOB_PASSWORD, newPassword: SECRETS.bobNew }, RESELLER_B);
    assert.equal(r.code, 'Success');
    const mail = await mailTo('bob@example.com');
    assertWellFormed(mail);
    assert.equal(mail.parsed.subject, 'Your Backup Co password was changed');
    assert.match(mail.parsed.text ?? '', /backup account "bob" was changed/);
  });

  it('e-mail changed (ChangeBackupAccountEmail): the notice goes to the new address, not the old one', async () => {
    const before = smtp.received.length;
    const r = await call(t, 'ChangeBackupAccountEmail', { Username: 'alice', Email: 'alice.new@example.org', SendEmailToCustomer: true }, RESELLER_A);
    assert.equal(r.code, 'Success');
    const mail = await mailTo('alice.new@example.org');
    assertWellFormed(mail);
    assert.deepEqual(mail.rcpt, ['alice.new@example.org']);
    assert.equal(mail.parsed.subject, 'Your Backup Co e-mail address was changed');
    assert.match(mail.parsed.text ?? '', /This address is now the contact address of the backup account "alice"\./);
    assert.equal(smtp.received.length, before + 1, 'nothing to the old address');
  });

  it('account cancelled (CancelAccount): a notice to the current address', async () => {
    const r = await call(t, 'CancelAccount', { userName: 'alice' }, RESELLER_A);
    assert.equal(r.code, 'Success');
    await waitFor(() => smtp.received.filter((m) => m.rcpt.includes('alice.new@example.org')).length === 2, 10_000, 'the cancellation notice');
    const mail = smtp.received.filter((m) => m.rcpt.includes('alice.new@example.org'))[1]!;
    assertWellFormed(mail);
    assert.equal(mail.parsed.subject, 'Your Backup Co account was cancelled');
    assert.match(mail.parsed.text ?? '', /Your backup account "alice" has been cancelled\./);
    const again = await call(t, 'CancelAccount', { userName: 'alice' }, RESELLER_A);
    assert.equal(again.code, 'Success');
    const rows = await t.app.store.db.selectFrom('outbox').select('id').where('event', '=', 'account-cancelled').execute();
    assert.equal(rows.length, 1, 'cancelling again sends no second notice');
  });

  it('never carries a password, token or secret answer; every message is in the outbox as sent, once', async () => {
    await waitFor(async () => {
      const pending = await t.app.store.db.selectFrom('outbox').select('id').where('state', '!=', 'sent').execute();
      return pending.length === 0;
    });
    const rows = await t.app.store.db.selectFrom('outbox').selectAll().orderBy('id').execute();
    assert.deepEqual(
      rows.map((r) => r.event),
      ['account-created', 'account-created', 'account-created', 'account-created', 'password-changed', 'password-changed', 'email-changed', 'account-cancelled'],
    );
    assert.equal(smtp.received.length, rows.length);
    const ids = smtp.received.map((m) => m.parsed.messageId);
    assert.deepEqual([...ids].sort(), rows.map((r) => r.message_id).sort(), 'one delivery per outbox row, by Message-ID');
    const forbidden = [...Object.values(SECRETS), ALICE_PASSWORD, BOB_PASSWORD, RESELLER_A_SECRET, RESELLER_B_SECRET, ...tokens];
    for (const mail of smtp.received) {
      // Raw bytes, and the decoded parts (a secret could hide in quoted-printable or base64).
      const decoded = `${mail.raw}\n${mail.parsed.subject ?? ''}\n${mail.parsed.text ?? ''}\n${String(mail.parsed.html)}`;
      for (const secret of forbidden) assert.ok(!decoded.includes(secret), `"${secret}" must not appear in the message to ${mail.rcpt.join(',')}`);
    }
    for (const row of rows) {
      assert.deepEqual(Object.keys(JSON.parse(row.payload) as object).sort(), ['fullName', 'localeCode', 'username'], 'the payload holds template data only');
      for (const secret of forbidden) assert.ok(!JSON.stringify(row).includes(secret));
    }
  });
});

describe('the pickup folder (no SMTP server configured)', () => {
  it('writes one .eml per message atomically: no temporary file remains, a resend overwrites', async () => {
    const t = await startTestApp({ template: await seededTemplate(), transport: 'configured' });
    const pickup = path.join(t.dir, 'pickup');
    try {
      for (const [i, send] of [true, false, true].entries()) {
        const r = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: `pickup-password-${i}`, SendEmailToCustomer: send }, RESELLER_A);
        assert.equal(r.code, 'Success');
      }
      t.app.mailWorker.start();
      await waitFor(() => fs.existsSync(pickup) && fs.readdirSync(pickup).filter((f) => f.endsWith('.eml')).length === 2);
      await waitFor(async () => (await t.app.store.db.selectFrom('outbox').select('id').where('state', '=', 'sent').execute()).length === 2);
      const files = fs.readdirSync(pickup).sort();
      assert.equal(files.length, 2, `only the finished files, no temporary left behind: ${files.join(', ')}`);
      const rows = await t.app.store.db.selectFrom('outbox').selectAll().orderBy('id').execute();
      assert.deepEqual(files, rows.map((r) => `${r.message_id.slice(1, -1)}.eml`).sort(), 'named by Message-ID');
      for (const file of files) {
        const raw = fs.readFileSync(path.join(pickup, file), 'utf8');
        const parsed = await simpleParser(raw);
        assert.equal(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '', 'alice@example.com');
        assert.equal(parsed.subject, 'Your Online Backup password was changed');
        assert.ok(parsed.html && parsed.text);
        assert.doesNotMatch(raw, /pickup-password-/);
      }

      // A resend of the same message (after a crash) replaces the file instead of adding one.
      const transport = pickupFolderTransport(pickup);
      const first = rows[0]!;
      await transport.send({ messageId: first.message_id, from: 'a@b.example', to: 'alice@example.com', subject: 's', text: 't', html: '<p>t</p>' });
      assert.equal(fs.readdirSync(pickup).length, 2);
    } finally {
      await t.close();
    }
  });

  it('leaves no temporary file behind when the write fails', async () => {
    const t = await startTestApp({ empty: true });
    try {
      // The rename fails after the temporary file was written: a directory holds the final name.
      const folder = path.join(t.dir, 'pickup-failing');
      const messageId = '<0f1e2d3c-aaaa-bbbb-cccc-000000000001@ams.invalid>';
      fs.mkdirSync(path.join(folder, pickupFileName(messageId)), { recursive: true });
      fs.writeFileSync(path.join(folder, pickupFileName(messageId), 'occupied'), 'x');
      const transport = pickupFolderTransport(folder);
      await assert.rejects(transport.send({ messageId, from: 'a@b.example', to: 'c@d.example', subject: 's', text: 't', html: 't' }), {
        name: 'MailDeliveryError',
      });
      assert.deepEqual(fs.readdirSync(folder), [pickupFileName(messageId)], 'the temporary file was removed');
    } finally {
      await t.close();
    }
  });
});
