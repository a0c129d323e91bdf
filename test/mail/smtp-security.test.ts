/**
 * SMTP as configured by the README's settings: AUTH (PLAIN and LOGIN), STARTTLS and smtps://
 * against a certificate made in the test, the CA file that makes it trusted, and the refusals
 * that keep a password off the wire: no credentials without TLS unless asked, no unverified
 * certificate unless asked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RESELLER_A_SECRET, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';
import { loadConfig } from '../../src/config/config.js';
import { configuredMailTransport } from '../../src/app/mail-transport.js';
import { createLogger } from '../../src/observability/logger.js';
import { selfSignedCertificate, type SelfSigned } from './self-signed.js';
import { startSmtpSink, type SinkOptions, type SmtpSink } from './smtp-sink.js';
import { waitFor } from '../support/wait-for.js';

const RESELLER_A = { user: 'reseller-a', password: RESELLER_A_SECRET };
const SMTP_USER = 'mailer@backup.example';
const SMTP_PASSWORD = 'p@ss:w/rd%smtp-1';
/** user:password as they go into a URL: percent-encoded. */
const CREDENTIALS = `${encodeURIComponent(SMTP_USER)}:${encodeURIComponent(SMTP_PASSWORD)}`;

interface Outcome {
  readonly sink: SmtpSink;
  readonly t: TestApp;
  readonly row: { state: string; attempts: number; last_error: string | null };
}

/**
 * Starts a sink and an app configured by `env(sink)`, changes alice's password with a notice,
 * and waits until the outbox row is sent or has failed once.
 */
async function deliverOnce(sinkOptions: SinkOptions, env: (sink: SmtpSink) => Record<string, string>): Promise<Outcome> {
  const sink = await startSmtpSink(sinkOptions);
  const t = await startTestApp({ template: await seededTemplate(), transport: 'configured', env: env(sink) });
  const r = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'smtp-security-pass-1', SendEmailToCustomer: true }, RESELLER_A);
  assert.equal(r.code, 'Success');
  t.app.mailWorker.start();
  const row = () => t.app.store.db.selectFrom('outbox').select(['state', 'attempts', 'last_error']).executeTakeFirstOrThrow();
  await waitFor(async () => {
    const r = await row();
    return r.state === 'sent' || r.last_error !== null;
  }, 15_000);
  await t.app.mailWorker.stop();
  return { sink, t, row: await row() };
}

describe('SMTP authentication and TLS', () => {
  let certificate: SelfSigned;
  let caFile: string;
  const open: Outcome[] = [];

  before(() => {
    certificate = selfSignedCertificate('localhost');
    caFile = path.join(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'ams-smtp-ca-')), 'smtp-ca.pem');
    fs.writeFileSync(caFile, certificate.cert);
  });
  after(async () => {
    for (const o of open) {
      await o.t.close();
      await o.sink.close();
    }
    fs.rmSync(path.dirname(caFile), { recursive: true, force: true });
  });

  async function run(sinkOptions: SinkOptions, env: (sink: SmtpSink) => Record<string, string>): Promise<Outcome> {
    const o = await deliverOnce(sinkOptions, env);
    open.push(o);
    return o;
  }

  for (const method of ['PLAIN', 'LOGIN'] as const) {
    it(`authenticates with AUTH ${method} (credentials percent-encoded in AMS_SMTP_URL)`, async () => {
      const { sink, t, row } = await run({ auth: { user: SMTP_USER, password: SMTP_PASSWORD, methods: [method] } }, (s) => ({
        AMS_SMTP_URL: `smtp://${CREDENTIALS}@127.0.0.1:${s.port}`,
        // This sink has no TLS at all: sending credentials in clear must be asked for.
        AMS_SMTP_REQUIRE_TLS: 'false',
      }));
      assert.equal(row.state, 'sent', row.last_error ?? '');
      assert.deepEqual(sink.authAttempts, [{ method, user: SMTP_USER, ok: true }]);
      assert.equal(sink.received.length, 1);
      assert.equal(sink.received[0]?.user, SMTP_USER);
      assert.deepEqual(sink.received[0]?.rcpt, ['alice@example.com']);
      for (const line of t.logLines) assert.ok(!line.includes(SMTP_PASSWORD) && !line.includes(encodeURIComponent(SMTP_PASSWORD)), 'the SMTP password is never logged');
    });
  }

  it('a wrong SMTP password marks the transport down, not the message: no attempt spent (535 is about us)', async () => {
    const { sink, row, t } = await run({ auth: { user: SMTP_USER, password: SMTP_PASSWORD, methods: ['PLAIN'] } }, (s) => ({
      AMS_SMTP_URL: `smtp://${encodeURIComponent(SMTP_USER)}:wrong@127.0.0.1:${s.port}`,
      AMS_SMTP_REQUIRE_TLS: 'false',
    }));
    assert.equal(row.state, 'pending');
    assert.equal(row.attempts, 0, 'held for the probe, its attempts untouched');
    assert.equal(t.app.mailWorker.transportStatus.state, 'down');
    assert.match(row.last_error ?? '', /535/);
    assert.equal(sink.received.length, 0);
  });

  it('with credentials and no STARTTLS on offer, sends nothing: the password never crosses in clear', async () => {
    const { sink, row } = await run({ auth: { user: SMTP_USER, password: SMTP_PASSWORD, methods: ['PLAIN'] } }, (s) => ({
      AMS_SMTP_URL: `smtp://${CREDENTIALS}@127.0.0.1:${s.port}`,
    }));
    assert.equal(row.state, 'pending');
    assert.match(row.last_error ?? '', /STARTTLS.*see AMS_SMTP_REQUIRE_TLS/);
    assert.deepEqual(sink.authAttempts, [], 'no AUTH was tried');
    assert.equal(sink.received.length, 0);
  });

  it('STARTTLS with AUTH, the self-signed certificate trusted through AMS_SMTP_CA_FILE', async () => {
    const { sink, row } = await run({ tls: certificate, auth: { user: SMTP_USER, password: SMTP_PASSWORD, methods: ['PLAIN', 'LOGIN'] } }, (s) => ({
      AMS_SMTP_URL: `smtp://${CREDENTIALS}@127.0.0.1:${s.port}`,
      AMS_SMTP_CA_FILE: caFile,
    }));
    assert.equal(row.state, 'sent', row.last_error ?? '');
    assert.equal(sink.received.length, 1);
    assert.equal(sink.received[0]?.secure, true, 'the session was upgraded with STARTTLS before MAIL FROM');
    assert.equal(sink.received[0]?.user, SMTP_USER);
  });

  it('STARTTLS to a certificate nobody vouches for fails before AUTH, and is retried', async () => {
    const { sink, row } = await run({ tls: certificate, auth: { user: SMTP_USER, password: SMTP_PASSWORD, methods: ['PLAIN'] } }, (s) => ({
      AMS_SMTP_URL: `smtp://${CREDENTIALS}@127.0.0.1:${s.port}`,
    }));
    assert.equal(row.state, 'pending');
    assert.match(row.last_error ?? '', /self-signed certificate \(the server certificate is not trusted: see AMS_SMTP_CA_FILE\)/);
    assert.equal(row.attempts, 0, 'a TLS failure is the transport\'s: no attempt spent');
    assert.deepEqual(sink.authAttempts, []);
    assert.equal(sink.received.length, 0);
  });

  it('AMS_SMTP_TLS_REJECT_UNAUTHORIZED=false accepts that certificate, and says so in the log', async () => {
    const { sink, t, row } = await run({ tls: certificate }, (s) => ({
      AMS_SMTP_URL: `smtp://127.0.0.1:${s.port}`,
      AMS_SMTP_REQUIRE_TLS: 'true',
      AMS_SMTP_TLS_REJECT_UNAUTHORIZED: 'false',
    }));
    assert.equal(row.state, 'sent', row.last_error ?? '');
    assert.equal(sink.received[0]?.secure, true);
    assert.ok(t.logLines.some((l) => l.includes('AMS_SMTP_TLS_REJECT_UNAUTHORIZED=false')), 'a warning at start');
  });

  it('smtps:// (TLS from the first byte) with AUTH and the CA file', async () => {
    const { sink, row } = await run({ tls: certificate, secure: true, auth: { user: SMTP_USER, password: SMTP_PASSWORD, methods: ['LOGIN'] } }, (s) => ({
      AMS_SMTP_URL: `smtps://${CREDENTIALS}@127.0.0.1:${s.port}`,
      AMS_SMTP_CA_FILE: caFile,
    }));
    assert.equal(row.state, 'sent', row.last_error ?? '');
    assert.equal(sink.received[0]?.secure, true);
    assert.deepEqual(sink.authAttempts, [{ method: 'LOGIN', user: SMTP_USER, ok: true }]);
  });

  it('refuses to start with an unreadable CA file, or one without a certificate', () => {
    const logger = createLogger('error', () => undefined);
    const settings = { ...loadConfig({ AMS_SMTP_URL: 'smtp://127.0.0.1:25' }), smtpCaFile: '/nonexistent/ca.pem' };
    assert.throws(() => configuredMailTransport(settings, logger), /AMS_SMTP_CA_FILE: cannot read \/nonexistent\/ca\.pem/);
    const notPem = path.join(path.dirname(caFile), 'not.pem');
    fs.writeFileSync(notPem, 'hello');
    assert.throws(() => configuredMailTransport({ ...settings, smtpCaFile: notPem }, logger), /holds no PEM certificate/);
  });

  it('rejects malformed TLS settings', () => {
    assert.throws(() => loadConfig({ AMS_SMTP_REQUIRE_TLS: 'maybe' }), /AMS_SMTP_REQUIRE_TLS must be true or false/);
    assert.throws(() => loadConfig({ AMS_SMTP_URL: 'http://mail' }), /smtp:\/\/ or smtps:\/\//);
  });
});
