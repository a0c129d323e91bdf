/**
 * Mail queued by a call goes out at once, not at the mail worker's next poll: the transaction
 * that queued it nudges the worker when it commits (src/store/unit-of-work.ts). The worker
 * polls here only every ten minutes, so only the nudge can deliver within the test. That a
 * transaction queueing no mail nudges nothing is checked in test/store/unit-of-work.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RESELLER_A_SECRET, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';
import { waitFor } from '../support/wait-for.js';

const A = { user: 'reseller-a', password: RESELLER_A_SECRET };

describe('the mail worker is nudged by a commit that queued mail', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ mailPollIntervalMs: 600_000 });
  });
  after(async () => t.close());

  it('delivers the notice of a ChangeBackupAccountPassword at once, with the next poll ten minutes away', async () => {
    // Its first look at the queue happens now, and finds nothing: the next is ten minutes away.
    t.app.mailWorker.start();
    // A first call, queueing no mail, while the partner's secret is hashed once (~15 ms).
    const quiet = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'another-password', SendEmailToCustomer: false }, A);
    assert.equal(quiet.code, 'Success');
    const notified = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'yet-another-password', SendEmailToCustomer: true }, A);
    assert.equal(notified.code, 'Success');
    await waitFor(() => t.mail.sent.length === 1, 5_000, 'the notice delivered');
    assert.equal(t.mail.sent[0]!.to, 'alice@example.com');
  });
});
