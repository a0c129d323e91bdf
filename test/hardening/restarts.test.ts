/**
 * Crashes and restarts of a real `ams serve` process (issue 6).
 *
 * - SIGTERM in the middle of a burst of password resets on kept-alive connections: every
 *   request already received is answered (Success, with `Connection: close`), no new
 *   connection is taken, the mail worker finishes the sends it started, and the process exits
 *   0 promptly (not after the 60 s keep-alive timeout).
 * - SIGKILL in the middle of a load of password resets on distinct accounts: after a restart,
 *   every reset that was answered Success is in the database — the new password, its audit row
 *   (found by our X-Request-Id), its outbox row when an e-mail was asked for — every other
 *   account holds its old or its new password with its audit row (never half a change), and
 *   `PRAGMA integrity_check` says ok.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';
import { RESELLER_A_SECRET } from '../support/harness.js';
import { OLD_PASSWORD, databaseWithAccounts, readOnly, soapCall, type HttpAnswer } from './service-process.js';
import { startService } from '../support/service-process.js';

const AUTH = { user: 'reseller-a', password: RESELLER_A_SECRET };
const code = (a: HttpAnswer) => /<Code>(\w+)<\/Code>/.exec(a.body)?.[1];

describe('crashes and restarts', () => {
  const cleanup: (() => void)[] = [];
  after(() => {
    for (const c of cleanup.reverse()) c();
  });

  it('SIGTERM answers the requests in flight, finishes the mail worker, and exits 0 promptly', async (t) => {
    const { dir, file, accounts } = await databaseWithAccounts(16);
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const pickup = path.join(dir, 'pickup');
    const service = await startService({
      AMS_DATABASE_URL: file,
      AMS_MAIL_PICKUP_DIR: pickup,
      AMS_KEEP_ALIVE_TIMEOUT_MS: '60000',
      AMS_SHUTDOWN_TIMEOUT_MS: '20000',
    });
    cleanup.push(() => void service.child.kill('SIGKILL'));
    const agent = new http.Agent({ keepAlive: true, maxSockets: accounts.length });
    cleanup.push(() => agent.destroy());
    // Warm the connections (and the partner memo) first, so every reset below rides a kept-alive one.
    await Promise.all(accounts.map((a, i) => soapCall(agent, service.port, 'GetAccountInfo', { userName: a }, AUTH, `warm-${i}`)));

    let first!: () => void;
    const firstAnswered = new Promise<void>((r) => (first = r));
    const inOrder: (string | undefined)[] = [];
    const resets = accounts.map((account, i) =>
      soapCall(agent, service.port, 'ChangeBackupAccountPassword', { Username: account, NewPassword: `drained-password-${i}`, SendEmailToCustomer: true }, AUTH, `drain-${i}`).then((a) => {
        inOrder.push(a.connection);
        first();
        return a;
      }),
    );
    await firstAnswered;
    const signalledAt = performance.now();
    service.child.kill('SIGTERM');
    const answers = await Promise.all(resets);
    const exit = await service.exited;
    const exitMs = performance.now() - signalledAt;
    t.diagnostic(`SIGTERM with ${answers.length - 1} resets in flight: exit ${exit.code} after ${exitMs.toFixed(0)} ms`);

    assert.deepEqual(
      answers.map((a) => [a.status, code(a)]),
      answers.map(() => [200, 'Success']),
      'every request received before SIGTERM was answered',
    );
    // Answers written once the drain began close their connection (a few may precede the signal).
    const drainBegan = inOrder.indexOf('close');
    assert.ok(drainBegan > 0 && inOrder.slice(drainBegan).every((c) => c === 'close'), `Connection headers in answer order: ${inOrder.join()}`);
    assert.deepEqual(exit, { code: 0, signal: null }, 'a clean exit');
    assert.ok(exitMs < 10_000, `exited in ${exitMs.toFixed(0)} ms, not after the keep-alive timeout`);
    await assert.rejects(soapCall(new http.Agent(), service.port, 'GetAccountInfo', { userName: 'alice' }, AUTH, 'late'), 'no new connection after the drain');

    const db = readOnly(file);
    try {
      const outbox = db.prepare("SELECT state, attempts, lease_until FROM outbox WHERE event = 'password-changed'").all() as { state: string; attempts: number; lease_until: number | null }[];
      assert.equal(outbox.length, accounts.length, 'every acknowledged reset queued its e-mail');
      const interrupted = outbox.filter((m) => m.state === 'pending' && m.attempts > 0 && m.lease_until !== null && m.lease_until > Date.now());
      assert.deepEqual(interrupted, [], 'no send was left half-done: each claimed message was finished');
      const sent = outbox.filter((m) => m.state === 'sent').length;
      assert.equal(fs.existsSync(pickup) ? fs.readdirSync(pickup).filter((f) => f.endsWith('.eml')).length : 0, sent, 'one .eml per sent message');
      t.diagnostic(`outbox after the drain: ${sent} sent, ${outbox.length - sent} pending for the next start`);
      assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
    } finally {
      db.close();
    }
    assert.ok(service.lines.some((l) => l.includes('"stopped"') && l.includes('"drained":true')), 'logged a drained stop');
  });

  it('SIGKILL under a load of password resets loses no acknowledged change', async (t) => {
    const COUNT = 240;
    const CONCURRENCY = 24;
    const KILL_AFTER = 60;
    const { dir, file, accounts } = await databaseWithAccounts(COUNT);
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const env = {
      AMS_DATABASE_URL: file,
      AMS_MAIL_PICKUP_DIR: path.join(dir, 'pickup'),
      AMS_PARTNER_REQUESTS_PER_MINUTE: '1000000',
      AMS_PARTNER_BURST: '10000',
    };
    const service = await startService(env);
    cleanup.push(() => void service.child.kill('SIGKILL'));
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    cleanup.push(() => agent.destroy());

    type Outcome = { account: string; password: string; email: boolean; requestId: string; answer?: HttpAnswer; error?: string };
    const outcomes: Outcome[] = accounts.map((account, i) => ({ account, password: `after-crash-${i}-pw`, email: i % 2 === 0, requestId: `crash-${i}` }));
    let acknowledged = 0;
    let killed = false;
    let next = 0;
    const worker = async () => {
      while (next < outcomes.length && !killed) {
        const o = outcomes[next++]!;
        try {
          o.answer = await soapCall(agent, service.port, 'ChangeBackupAccountPassword', { Username: o.account, NewPassword: o.password, SendEmailToCustomer: o.email }, AUTH, o.requestId);
          if (code(o.answer) === 'Success' && ++acknowledged >= KILL_AFTER && !killed) {
            killed = true;
            service.child.kill('SIGKILL');
          }
        } catch (err) {
          o.error = err instanceof Error ? err.message : String(err);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    assert.deepEqual(await service.exited, { code: null, signal: 'SIGKILL' });
    const acked = outcomes.filter((o) => o.answer && code(o.answer) === 'Success');
    const sent = outcomes.filter((o) => o.answer || o.error);
    assert.ok(acked.length >= KILL_AFTER);
    assert.ok(outcomes.some((o) => o.error), 'some requests were cut by the kill (in flight)');

    // Restart on the same file: it must open, migrate and serve.
    const restarted = await startService(env);
    cleanup.push(() => void restarted.child.kill('SIGKILL'));
    const sample = acked[0]!;
    const signIn = await soapCall(new http.Agent(), restarted.port, 'Authenticate', { userName: sample.account, password: sample.password }, AUTH, 'after-restart');
    assert.equal(code(signIn), 'Success', 'the new password works after the restart');
    restarted.child.kill('SIGTERM');
    assert.deepEqual(await restarted.exited, { code: 0, signal: null });

    const db = readOnly(file);
    let found = 0;
    let committedUnanswered = 0;
    try {
      assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
      const hashOf = db.prepare('SELECT password_hash AS h FROM accounts WHERE username = ?');
      const auditOf = db.prepare("SELECT request_id, outcome, actor_username, source_address FROM audit_log WHERE account_username = ? AND operation = 'ChangeBackupAccountPassword'");
      const mailOf = db.prepare("SELECT count(*) AS n FROM outbox WHERE event = 'password-changed' AND recipient = ?");
      for (const o of sent) {
        const { h } = hashOf.get(o.account) as { h: string };
        const isNew = await argon2Hasher.verify(h, o.password);
        const audit = auditOf.all(o.account) as { request_id: string; outcome: string; actor_username: string; source_address: string }[];
        const mails = (mailOf.get(`${o.account}@example.com`) as { n: number }).n;
        if (o.answer && code(o.answer) === 'Success') {
          assert.ok(isNew, `${o.account}: acknowledged new password stored`);
          assert.deepEqual(audit.map((a) => [a.request_id, a.outcome, a.actor_username]), [[o.requestId, 'Success', 'reseller-a']], `${o.account}: its audit row`);
          assert.match(audit[0]!.source_address, /127\.0\.0\.1/);
          assert.equal(mails, o.email ? 1 : 0, `${o.account}: its outbox row`);
          found++;
        } else {
          // Cut in flight: all of the change or none of it.
          assert.ok(isNew || (await argon2Hasher.verify(h, OLD_PASSWORD)), `${o.account}: old or new password`);
          assert.equal(audit.length, isNew ? 1 : 0, `${o.account}: audit row iff changed`);
          assert.equal(mails, isNew && o.email ? 1 : 0, `${o.account}: outbox row iff changed and asked`);
          if (isNew) committedUnanswered++;
        }
      }
    } finally {
      db.close();
    }
    t.diagnostic(
      `SIGKILL after ${acked.length} acknowledged resets (${sent.length} sent, ${sent.length - acked.length} cut in flight): ` +
        `${found}/${acked.length} found with audit and outbox rows; ${committedUnanswered} of the cut ones had committed; integrity_check ok`,
    );
    assert.equal(found, acked.length);
  });
});
