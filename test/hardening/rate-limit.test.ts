/**
 * The per-partner request rate (issue 6, Result 106 TooManyRequests): a token bucket per
 * partner API user. Unit tests with a steered clock, then the app: over the rate a partner is
 * answered TooManyRequests in every operation's normal response shape (GetAllAccounts:
 * UnexpectedError, its legacy enum has no such value), with nothing done, while other partners
 * go on; the bucket refills with time. The wire fixtures `<Operation>__rate-limited` pin the
 * exact answer of every operation in both SOAP versions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../src/security/rate-limiter.js';
import { OPERATIONS } from '../../src/contract/index.js';
import { failureOutput } from '../../src/handlers/index.js';
import { encodeResponseBody } from '../../src/soap/encode.js';
import { RESELLER_A_SECRET, RESELLER_B_SECRET, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';

const A = { user: 'reseller-a', password: RESELLER_A_SECRET };
const B = { user: 'reseller-b', password: RESELLER_B_SECRET };

describe('token bucket', () => {
  it('allows a burst, then the sustained rate, refilling continuously', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 600, burst: 5, maxKeys: 10, now: () => now });
    assert.deepEqual(Array.from({ length: 6 }, () => limiter.take(1)), [true, true, true, true, true, false]);
    now += 99; // 10 per second: a token every 100 ms
    assert.equal(limiter.take(1), false);
    now += 1;
    assert.equal(limiter.take(1), true);
    assert.equal(limiter.take(1), false);
    now += 60_000; // a long pause refills to the burst, not beyond
    assert.deepEqual(Array.from({ length: 6 }, () => limiter.take(1)), [true, true, true, true, true, false]);
  });

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 1, maxKeys: 10, now: () => 0 });
    assert.equal(limiter.take(1), true);
    assert.equal(limiter.take(1), false);
    assert.equal(limiter.take(2), true);
  });

  it('is off at 0 per minute and keeps no state then', () => {
    const limiter = new RateLimiter({ perMinute: 0, burst: 1, maxKeys: 10 });
    for (let i = 0; i < 1000; i++) assert.equal(limiter.take(1), true);
    assert.equal(limiter.size, 0);
    assert.equal(limiter.enabled, false);
  });

  it('tracks at most maxKeys buckets, dropping the least recently used', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 1, maxKeys: 100, now: () => 0 });
    for (let key = 0; key < 10_000; key++) limiter.take(key);
    assert.equal(limiter.size, 100);
    assert.equal(limiter.take(9_999), false, 'a recent bucket is kept');
  });

  it('keeps a bucket in use past newer ones: it moves to the recent end, at most once a second', () => {
    let now = 0;
    // One token per 10 s: nothing refills noticeably within the test.
    const limiter = new RateLimiter({ perMinute: 6, burst: 1, maxKeys: 3, now: () => now });
    for (const key of [1, 2, 3]) assert.equal(limiter.take(key), true);
    now = 999;
    assert.equal(limiter.take(1), false, 'used within the second: not moved');
    now = 1000;
    assert.equal(limiter.take(1), false, 'used a second after its last move: moved behind 2 and 3');
    assert.equal(limiter.take(4), true);
    assert.equal(limiter.size, 3, 'the table was full: the least recently moved bucket went');
    assert.equal(limiter.take(1), false, 'bucket 1 was kept, still empty');
    assert.equal(limiter.take(2), true, 'bucket 2 was dropped: a new, full one');
    // Order now 1, 4, 2 (1 and 4 moved at 1000). Within the second, use does not move a bucket:
    now = 1500;
    assert.equal(limiter.take(1), false);
    assert.equal(limiter.take(5), true);
    assert.equal(limiter.take(1), true, 'bucket 1 went first after all: its last move is the oldest');
  });

  it('takes about the same time per call with 10 or 10,000 keys (O(1))', () => {
    const time = (keys: number) => {
      const limiter = new RateLimiter({ perMinute: 6_000_000, burst: 1_000_000, maxKeys: keys });
      for (let k = 0; k < keys; k++) limiter.take(k);
      const started = performance.now();
      for (let i = 0; i < 200_000; i++) limiter.take(i % keys);
      return performance.now() - started;
    };
    time(10);
    const small = time(10);
    const large = time(10_000);
    assert.ok(large < small * 5 + 50, `10 keys ${small.toFixed(1)} ms, 10,000 keys ${large.toFixed(1)} ms for 200,000 calls`);
    assert.ok(small / 200_000 < 0.01, `under 10 µs per call (${((small / 200_000) * 1000).toFixed(2)} µs)`);
  });
});

describe('the partner rate in the app', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ template: await seededTemplate(), env: { AMS_PARTNER_REQUESTS_PER_MINUTE: '60', AMS_PARTNER_BURST: '3' } });
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
    assert.equal((await call(t, 'GetAccountInfo', { userName: 'alice' }, A)).code, 'TooManyRequests');
    await new Promise((r) => setTimeout(r, 1100));
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
