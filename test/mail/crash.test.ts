/**
 * The service as a real process (`ams serve`), killed with SIGKILL between claiming a message
 * and finishing its send: the SMTP server has read the whole message but never answers the
 * end of DATA. After a restart against a working server, the message is delivered once the
 * lease runs out, exactly once, with the same Message-ID as the interrupted attempt.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { RESELLER_A_SECRET, seededTemplate } from '../support/harness.js';
import { envelope, operationBody, soapHeaders } from '../support/envelope.js';
import { startSmtpSink } from './smtp-sink.js';
import { waitFor } from '../support/wait-for.js';
import { startService } from '../support/service-process.js';

const LEASE_SECONDS = 3;

function outboxRows(file: string): { id: number; message_id: string; state: string; attempts: number; lease_until: number | null; sent_at: number | null }[] {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id, message_id, state, attempts, lease_until, sent_at FROM outbox ORDER BY id').all() as never;
  } finally {
    db.close();
  }
}

describe('a crash between claim and send', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('after SIGKILL and a restart, the message goes out once the lease runs out, once, with the same Message-ID', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-crash-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const dbFile = path.join(dir, 'ams.sqlite');
    fs.copyFileSync(await seededTemplate(), dbFile);
    const hanging = await startSmtpSink({ hangAfterData: true });
    cleanup.push(() => hanging.close());
    const env = {
      AMS_DATABASE_URL: dbFile,
      AMS_HOST: '127.0.0.1',
      AMS_PORT: '0',
      AMS_LOG_LEVEL: 'info',
      AMS_MAIL_LEASE_SECONDS: String(LEASE_SECONDS),
      AMS_BACKUP_SERVERS: 'backup-01,backup-02',
    };

    // 1. The first instance takes the change, claims the message and starts sending it.
    const first = await startService({ ...env, AMS_SMTP_URL: hanging.url });
    cleanup.push(() => void first.child.kill('SIGKILL'));
    const body = envelope('1.1', operationBody('ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'crash-test-password-1', SendEmailToCustomer: true }, true), {
      user: 'reseller-a',
      password: RESELLER_A_SECRET,
    });
    const headers = soapHeaders('1.1', 'ChangeBackupAccountPassword');
    const response = await fetch(`http://127.0.0.1:${first.port}/WebApi/AccountManagementService/AccountManagementService.asmx`, {
      method: 'POST',
      headers: { 'Content-Type': headers.contentType, SOAPAction: headers.soapAction ?? '' },
      body,
    });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<Code>Success<\/Code>/);
    await waitFor(() => hanging.unanswered.length === 1, 10_000, 'the message read by the hanging server');
    const interrupted = hanging.unanswered[0]!;
    const [claimed] = outboxRows(dbFile);
    assert.ok(claimed);
    assert.equal(claimed.state, 'pending');
    assert.equal(claimed.attempts, 1);
    assert.ok(claimed.lease_until !== null && claimed.lease_until > Date.now(), 'claimed under a lease that still holds');
    assert.equal(interrupted.parsed.messageId, claimed.message_id);

    // 2. SIGKILL: no shutdown code runs, nothing is recorded about the send.
    first.child.kill('SIGKILL');
    assert.deepEqual(await first.exited, { code: null, signal: 'SIGKILL' });
    assert.equal(outboxRows(dbFile)[0]?.state, 'pending');

    // 3. Restart against a working server: the message waits for the lease, then goes out.
    const working = await startSmtpSink();
    cleanup.push(() => working.close());
    const second = await startService({ ...env, AMS_SMTP_URL: working.url });
    cleanup.push(() => void second.child.kill('SIGKILL'));
    await waitFor(() => working.received.length === 1, LEASE_SECONDS * 1000 + 10_000, 'the delivery after the restart');
    const deliveredAt = Date.now();
    assert.ok(deliveredAt >= claimed.lease_until, 'not before the lease ran out');
    const delivered = working.received[0]!;
    assert.equal(delivered.parsed.messageId, claimed.message_id, 'the same Message-ID as the interrupted attempt');
    assert.deepEqual(delivered.rcpt, ['alice@example.com']);
    assert.equal(delivered.parsed.subject, interrupted.parsed.subject);
    assert.equal(delivered.parsed.text, interrupted.parsed.text, 'the same message, rendered again');
    assert.doesNotMatch(delivered.raw, /crash-test-password-1/);

    // 4. Exactly once: the clean shutdown waits for any send still running, so once the process
    // has exited nothing more can arrive; the row is sent after two attempts.
    second.child.kill('SIGTERM');
    assert.deepEqual(await second.exited, { code: 0, signal: null }, 'a clean shutdown on SIGTERM');
    assert.equal(working.received.length, 1);
    const [row] = outboxRows(dbFile);
    assert.equal(row?.state, 'sent');
    assert.equal(row?.attempts, 2);
    assert.ok(second.lines.some((l) => l.includes('"mail delivered"') && l.includes(claimed.message_id)));
  });
});
