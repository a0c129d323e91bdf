/**
 * The per-partner request rate (issue 6, Result 106 TooManyRequests): a token bucket per
 * partner API user (its unit tests, shared by instances: test/security/shared-limits.test.ts). The app: over the rate a partner is
 * answered TooManyRequests in every operation's normal response shape (GetAllAccounts:
 * UnexpectedError, its legacy enum has no such value), with nothing done, while other partners
 * go on; the bucket refills with time. The wire fixtures `<Operation>__rate-limited` pin the
 * exact answer of every operation in both SOAP versions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATIONS } from '../../src/contract/index.js';
import { failureOutput } from '../../src/handlers/index.js';
import { encodeResponseBody } from '../../src/soap/encode.js';
import { RESELLER_A_SECRET, RESELLER_B_SECRET, seededTemplate, startTestApp, steppingClock, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';

const A = { user: 'reseller-a', password: RESELLER_A_SECRET };
const B = { user: 'reseller-b', password: RESELLER_B_SECRET };

describe('the partner rate in the app', () => {
  let t: TestApp;
  const clock = steppingClock();
  before(async () => {
    t = await startTestApp({ clock, template: await seededTemplate(), env: { AMS_PARTNER_REQUESTS_PER_MINUTE: '60', AMS_PARTNER_BURST: '3' } });
  });
  after(async () => t.close());

  it('answers TooManyRequests past the burst, does nothing then, and leaves other partners alone', async () => {
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await call(t, 'GetAccountInfo', { userName: 'alice' }, A)).code);
    assert.deepEqual(codes, ['Success', 'Success', 'Success']);
    const refused = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'never-applied-1', SendEmailToCustomer: true }, A, '1.2');
    assert.equal(refused.response.status, 200);
    assert.equal(refused.code, 'TooManyRequests');
    assert.match(refused.response.body, /<Result>106<\/Result><Code>TooManyRequests<\/Code>/);
    assert.match(refused.message ?? '', /Too many requests/);
    const audit = await t.app.store.db.selectFrom('audit_log').select('id').execute();
    assert.equal(audit.length, 0, 'nothing was changed');
    assert.equal((await call(t, 'GetAccountInfo', { userName: 'bob' }, B)).code, 'Success', 'another partner has its own bucket');
    // Wrong credentials are not rated (they are throttled elsewhere): still InvalidSoapCredentials.
    assert.equal((await call(t, 'GetAccountInfo', { userName: 'alice' }, { user: 'reseller-a', password: 'wrong-secret-001' })).code, 'InvalidSoapCredentials');
  });

  it('lets the partner in again once a token has refilled (one per second here)', async () => {
    // Whatever refilled while the previous test ran (the clock is wall time plus steps) is spent first.
    let code: string | undefined = 'Success';
    for (let i = 0; i < 10 && code === 'Success'; i++) code = (await call(t, 'GetAccountInfo', { userName: 'alice' }, A)).code;
    assert.equal(code, 'TooManyRequests');
    // The limiter reads the app's clock: a second stepped over refills one token, no sleep needed.
    clock.advance(1000);
    assert.equal((await call(t, 'GetAccountInfo', { userName: 'alice' }, A)).code, 'Success');
    assert.equal((await call(t, 'GetAccountInfo', { userName: 'alice' }, A)).code, 'TooManyRequests');
  });
});

describe('the TooManyRequests answer of every operation', () => {
  it('is the operation\'s normal response shape; GetAllAccounts answers UnexpectedError', () => {
    for (const op of OPERATIONS) {
      const xml = encodeResponseBody(op, failureOutput(op, 'TooManyRequests', 'x'));
      assert.match(xml, new RegExp(`^<${op.name}Response xmlns="sosonlinebackup.com"><${op.name}Result>`), op.name);
      if (op.name === 'GetAllAccounts') {
        assert.match(xml, /<Result>UnexpectedError<\/Result>/);
        assert.ok(!op.resultCodes.includes('TooManyRequests'));
      } else {
        assert.match(xml, /<Result>106<\/Result><Code>TooManyRequests<\/Code>/, op.name);
        assert.ok(op.resultCodes.includes('TooManyRequests'), `${op.name} documents TooManyRequests`);
      }
    }
  });
});
