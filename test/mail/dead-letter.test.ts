/**
 * A 550 rejection dead-letters the message with the server's reason; the operator sees it in
 * `ams outbox list` and the readiness output, corrects the address with `ams outbox retry ID --to`
 * (a real CLI process on the same database) and the running service delivers it, with the
 * Message-ID it always had. `--all-dead` does the same for every dead message.
 */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BOB_PASSWORD, RESELLER_A_SECRET, RESELLER_B_SECRET, listenTestApp, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';
import type { RunningServer } from '../../src/http/server.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { waitFor } from '../support/wait-for.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RESELLER_A = { user: 'reseller-a', password: RESELLER_A_SECRET };
const RESELLER_B = { user: 'reseller-b', password: RESELLER_B_SECRET };

function ams(env: Record<string, string>, ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/cli/run-cli.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('dead letters and the operator', () => {
  let smtp: SmtpSink;
  let t: TestApp;
  let server: RunningServer & { url: string };
  let env: Record<string, string>;
  /** Addresses the SMTP server refuses with 550. */
  const unknown = new Set(['alice@example.com']);

  before(async () => {
    smtp = await startSmtpSink({
      rejectRecipient: (address) => (unknown.has(address) ? { code: 550, message: `5.1.1 <${address}>: Recipient address rejected: User unknown` } : undefined),
    });
    t = await startTestApp({ template: await seededTemplate(), transport: 'configured', env: { AMS_SMTP_URL: smtp.url } });
    server = await listenTestApp(t); // starts the worker too
    env = { AMS_DATABASE_URL: path.join(t.dir, 'ams.sqlite'), AMS_LOG_LEVEL: 'error' };
  });
  after(async () => {
    await server.close();
    await t.close();
    await smtp.close();
  });

  const rows = () => t.app.store.db.selectFrom('outbox').selectAll().orderBy('id').execute();
  const health = async () => (await (await fetch(`http://127.0.0.1:${server.port}/readyz`)).json()) as Record<string, unknown>;

  it('a 550 rejection dead-letters the message at once, with the reason; /readyz counts it', async () => {
    const r = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'dead-letter-pass-1', SendEmailToCustomer: true }, RESELLER_A);
    assert.equal(r.code, 'Success');
    const ok = await call(t, 'ChangeAccountPassword', { userName: 'bob', password: BOB_PASSWORD, newPassword: 'bob-dead-letter-1' }, RESELLER_B);
    assert.equal(ok.code, 'Success');
    await waitFor(async () => (await rows()).every((row) => row.state !== 'pending'));
    const [dead, sent] = await rows();
    assert.equal(dead?.state, 'dead');
    assert.equal(dead?.attempts, 1, 'no retry of a permanent rejection');
    assert.match(dead?.last_error ?? '', /550/);
    assert.match(dead?.last_error ?? '', /User unknown/);
    assert.equal(sent?.state, 'sent');
    const h = await health();
    assert.equal(h.status, 'ready', 'a dead letter does not make the instance unready');
    assert.deepEqual(h.outbox, { pending: 0, dead: 1, oldestPendingSeconds: null });
  });

  it('ams outbox list shows it (with --state), never the content', async () => {
    const [dead] = await rows();
    // Independent CLI runs in parallel: each is a process start.
    const [all, deadOnly, pending, limited, bogus] = await Promise.all([
      ams(env, 'outbox', 'list'),
      ams(env, 'outbox', 'list', '--state', 'dead'),
      ams(env, 'outbox', 'list', '--state', 'pending'),
      ams(env, 'outbox', 'list', '--limit', '1'),
      ams(env, 'outbox', 'list', '--state', 'lost'),
    ]);
    assert.equal(all.status, 0, all.stderr);
    const lines = all.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^ID\s+EVENT\s+RECIPIENT\s+STATE\s+ATTEMPTS\s+NEXT ATTEMPT\s+LAST ERROR$/);
    assert.equal(lines.length, 3, 'header and two messages, newest first');
    assert.match(lines[1] ?? '', /^2\s+password-changed\s+bob@example\.com\s+sent\s+1\s+-$/);
    assert.equal(deadOnly.status, 0);
    const deadLines = deadOnly.stdout.trim().split('\n');
    assert.equal(deadLines.length, 2);
    assert.match(deadLines[1] ?? '', new RegExp(`^${dead?.id}\\s+password-changed\\s+alice@example\\.com\\s+dead\\s+1\\s+-\\s+.*550.*User unknown`));
    for (const out of [all.stdout, deadOnly.stdout]) assert.doesNotMatch(out, /was changed|Hello|dead-letter-pass-1|<html/i, 'no subject or body');
    assert.equal(pending.stdout, 'no messages\n');
    assert.match(limited.stdout, /\(1 of 2, newest first; --limit N shows more\)/);
    assert.equal(bogus.status, 2, 'an unknown state is a usage error');
  });

  it('ams outbox retry ID --to corrects the address; the running service delivers it with the same Message-ID', async () => {
    const [dead, sent] = await rows();
    assert.ok(dead && sent);
    const [noId, badId, badTo, missing, twice] = await Promise.all([
      ams(env, 'outbox', 'retry'),
      ams(env, 'outbox', 'retry', 'x1'),
      ams(env, 'outbox', 'retry', String(dead.id), '--to', 'not an address'),
      ams(env, 'outbox', 'retry', '9999'),
      ams(env, 'outbox', 'retry', String(sent.id)),
    ]);
    assert.equal(noId.status, 2, 'an ID or --all-dead is required');
    assert.equal(badId.status, 2);
    assert.equal(badTo.status, 2);
    assert.equal((await rows())[0]?.state, 'dead', 'usage errors change nothing');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no outbox message 9999/);
    assert.equal(twice.status, 1, 'a sent message is not sent again');
    assert.match(twice.stderr, /already sent/);

    const before = smtp.received.length;
    const retried = await ams(env, 'outbox', 'retry', String(dead.id), '--to', 'alice.fixed@example.com');
    assert.equal(retried.status, 0, retried.stderr);
    assert.match(retried.stdout, new RegExp(`message ${dead.id} \\(password-changed\\) to alice\\.fixed@example\\.com queued again, due now`));
    // The service notices within its poll interval (50 ms in tests, 5 s by default).
    await waitFor(() => smtp.received.length === before + 1, 10_000, 'the retried message');
    const mail = smtp.received.at(-1)!;
    assert.deepEqual(mail.rcpt, ['alice.fixed@example.com']);
    assert.equal(mail.parsed.messageId, dead.message_id);
    assert.equal(mail.parsed.subject, 'Your Online Backup password was changed');
    await waitFor(async () => (await rows())[0]?.state === 'sent');
    const [row] = await rows();
    assert.equal(row?.recipient, 'alice.fixed@example.com');
    assert.equal(row?.attempts, 1, 'attempts were reset by the retry');
    assert.equal(row?.last_error, null);
    assert.deepEqual((await health()).outbox, { pending: 0, dead: 0, oldestPendingSeconds: null });
  });

  it('ams outbox retry --all-dead requeues every dead message once the server accepts them again', async () => {
    unknown.add('carla@example.com');
    unknown.add('bob@example.com');
    const r1 = await call(t, 'ChangeBackupAccountEmail', { Username: 'alice', Email: 'carla@example.com', SendEmailToCustomer: true }, RESELLER_A);
    const r2 = await call(t, 'CancelAccount', { userName: 'bob' }, RESELLER_B);
    assert.equal(r1.code, 'Success');
    assert.equal(r2.code, 'Success');
    await waitFor(async () => (await rows()).filter((r) => r.state === 'dead').length === 2);
    assert.equal((await ams(env, 'outbox', 'retry', '--all-dead', '--to', 'x@example.com')).status, 2, '--to goes with one ID only');

    unknown.clear(); // the mailboxes exist now
    const before = smtp.received.length;
    const all = await ams(env, 'outbox', 'retry', '--all-dead');
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout, /^2 dead messages queued again, due now$/m);
    await waitFor(() => smtp.received.length === before + 2, 10_000, 'both retried messages');
    const subjects = smtp.received.slice(before).map((m) => `${m.rcpt.join()} ${m.parsed.subject}`);
    assert.deepEqual(subjects.sort(), ['bob@example.com Your Online Backup account was cancelled', 'carla@example.com Your Online Backup e-mail address was changed']);
    await waitFor(async () => (await rows()).every((r) => r.state === 'sent'));
    assert.match((await ams(env, 'outbox', 'retry', '--all-dead')).stdout, /^0 dead messages queued again/);
  });
});
