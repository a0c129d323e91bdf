/**
 * Brute force on the AuthHeader (issue 6): failed checks are counted per presented user name
 * and per source; past the limit checks are refused without Argon2 and without a database
 * read, answered exactly like any failure and after about as long. A success never resets a
 * count; a partner keeps working from a source it signed in from, whoever blocked its name or
 * that source. The throttle itself on a steered clock: test/security/shared-limits.test.ts; here
 * the real app.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress, throttleKeyOf } from '../../src/security/source-address.js';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';
import { PROVIDER_SECRET, RESELLER_A_SECRET, RESELLER_B_SECRET, listenTestApp, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { envelope, operationBody, soapHeaders, type Credentials } from '../support/envelope.js';
import { waitFor } from '../support/wait-for.js';

describe('the throttle key of a source', () => {
  it('counts an IPv6 /64 as one source, and an IPv4-mapped address as the IPv4 one', () => {
    assert.equal(throttleKeyOf('2001:db8:1:2:aaaa::1'), throttleKeyOf('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    assert.notEqual(throttleKeyOf('2001:db8:1:2::1'), throttleKeyOf('2001:db8:1:3::1'));
    assert.equal(throttleKeyOf('::ffff:203.0.113.5'), '203.0.113.5');
    assert.equal(throttleKeyOf('::1'), '0:0:0:0::/64');
  });
});

describe('the client address behind a trusted proxy', () => {
  const trusted = new Set(['10.0.0.2', '10.0.0.3']);
  it('is the peer unless the peer is trusted', () => {
    assert.equal(clientAddress('203.0.113.5', '198.51.100.1', trusted), '203.0.113.5', 'an untrusted peer cannot claim another address');
    assert.equal(clientAddress('::ffff:10.0.0.2', '198.51.100.1', trusted), '198.51.100.1');
    assert.equal(clientAddress('10.0.0.2', undefined, trusted), '10.0.0.2');
  });
  it('is the right-most untrusted hop, so that a forged left part is ignored', () => {
    assert.equal(clientAddress('10.0.0.2', '1.2.3.4, 198.51.100.1', trusted), '198.51.100.1');
    assert.equal(clientAddress('10.0.0.2', '1.2.3.4, 198.51.100.1, 10.0.0.3', trusted), '198.51.100.1');
    assert.equal(clientAddress('10.0.0.2', 'garbage, 198.51.100.1', trusted), '198.51.100.1');
    assert.equal(clientAddress('10.0.0.2', '198.51.100.1, not-an-ip', trusted), '10.0.0.2', 'a malformed hop: the peer');
  });
});

describe('AuthHeader throttling in the app', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      template: await seededTemplate(),
      env: { AMS_AUTH_FAILURES_PER_USER: '4', AMS_AUTH_FAILURES_PER_ADDRESS: '8', AMS_AUTH_FAILURE_WINDOW_SECONDS: '600' },
    });
  });
  after(async () => t.close());

  let n = 0;
  async function attempt(auth: Credentials, from: string, op = 'GetAccountInfo') {
    const body = envelope('1.1', operationBody(op, { userName: 'alice' }, false), auth);
    const started = performance.now();
    const r = await t.app.soap({ ...soapHeaders('1.1', op), body: Buffer.from(body) }, { requestId: `th-${++n}`, sourceAddress: from, isLocal: false });
    return { ...r, ms: performance.now() - started, code: /<Code>(\w+)<\/Code>/.exec(r.body)?.[1] };
  }

  /** Runs `work` while watching the Argon2 pool: the most hashes in flight or queued at once. */
  async function peakHashing<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, argon2Hasher.limiter.active + argon2Hasher.limiter.queued)), 1);
    try {
      const result = await work();
      return { result, peak: Math.max(peak, argon2Hasher.limiter.active + argon2Hasher.limiter.queued) };
    } finally {
      clearInterval(watch);
    }
  }

  it('refuses a blocked user name without hashing, identically for a known and an unknown name', async () => {
    const wrong = (user: string) => ({ user, password: 'not-the-secret-01' });
    const normal = await attempt(wrong('no-such-partner'), '203.0.113.1');
    for (let i = 0; i < 4; i++) {
      await attempt(wrong('reseller-b'), `203.0.113.${10 + i}`);
      await attempt(wrong('no-such-partner'), `203.0.113.${20 + i}`);
    }
    const { result, peak } = await peakHashing(() =>
      Promise.all([
        ...Array.from({ length: 20 }, () => attempt(wrong('reseller-b'), '203.0.113.30')),
        ...Array.from({ length: 20 }, () => attempt(wrong('no-such-partner'), '203.0.113.31')),
        attempt({ user: 'reseller-b', password: RESELLER_B_SECRET }, '203.0.113.32'),
      ]),
    );
    assert.equal(peak, 0, 'no Argon2 work for refused checks');
    for (const r of result) {
      assert.equal(r.status, 200);
      assert.equal(r.body, normal.body, 'byte for byte the answer of any failed check');
    }
    assert.equal(result[40]?.code, 'InvalidSoapCredentials', 'the right secret is refused too while the name is blocked');
  });

  it('refuses a blocked source for every user but those that signed in there, and a success does not reset the count', async () => {
    const from = '198.51.100.44';
    const good = { user: 'reseller-a', password: RESELLER_A_SECRET };
    const other = { user: 'provider', password: PROVIDER_SECRET };
    for (let i = 0; i < 7; i++) await attempt({ user: `guess-${i}`, password: 'not-the-secret-01' }, from);
    assert.equal((await attempt(good, from)).code, 'Success');
    await attempt({ user: 'guess-x', password: 'not-the-secret-01' }, from);
    const { result, peak } = await peakHashing(() => attempt(other, from));
    assert.equal(result.code, 'InvalidSoapCredentials', 'eighth failure: the source is blocked, a valid secret included');
    assert.equal(peak, 0);
    assert.equal((await attempt(good, from)).code, 'Success', 'the partner that signed in from there still works');
    assert.equal((await attempt(other, '198.51.100.45')).code, 'Success', 'other sources are not blocked');
  });

  it("keeps the partner's own source working when strangers block its name", async () => {
    const good = { user: 'reseller-a', password: RESELLER_A_SECRET };
    // A remembered success (the memo spares the hash) makes the source known just as well.
    assert.equal((await attempt(good, '192.0.2.77')).code, 'Success');
    for (let i = 0; i < 4; i++) await attempt({ user: 'reseller-a', password: `stranger-guess-${i}` }, `203.0.113.${100 + i}`);
    assert.equal((await attempt(good, '203.0.113.200')).code, 'InvalidSoapCredentials', 'a new source is refused');
    assert.equal((await attempt(good, '192.0.2.77')).code, 'Success', 'the known one is not');
  });

  it('answers an unknown user and a wrong secret alike, in about the same time', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    let knownBody = '';
    let unknownBody = '';
    for (let i = 0; i < 3; i++) {
      const k = await attempt({ user: 'provider', password: `wrong-${i}-secret` }, `192.0.2.${200 + i}`);
      const u = await attempt({ user: `ghost-${i}`, password: `wrong-${i}-secret` }, `192.0.2.${210 + i}`);
      known.push(k.ms);
      unknown.push(u.ms);
      knownBody = k.body;
      unknownBody = u.body;
    }
    assert.equal(knownBody, unknownBody);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] ?? 0;
    const ratio = median(unknown) / median(known);
    assert.ok(ratio > 0.5 && ratio < 2, `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms`);
  });
});

describe('behind a trusted proxy', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listenTestApp>>;
  before(async () => {
    t = await startTestApp({ template: await seededTemplate(), env: { AMS_TRUSTED_PROXIES: '127.0.0.1', AMS_AUTH_FAILURES_PER_ADDRESS: '3', AMS_AUTH_FAILURES_PER_USER: '0' } });
    server = await listenTestApp(t);
  });
  after(async () => {
    await server.close(1000);
    await t.close();
  });

  async function post(auth: Credentials, forwardedFor: string, op = 'GetAccountInfo', fields: Record<string, string | boolean> = { userName: 'alice' }) {
    const headers = soapHeaders('1.1', op);
    const r = await fetch(server.url, {
      method: 'POST',
      headers: { 'Content-Type': headers.contentType, SOAPAction: headers.soapAction ?? '', 'X-Forwarded-For': forwardedFor },
      body: envelope('1.1', operationBody(op, fields, op.startsWith('ChangeBackup')), auth),
    });
    return /<Code>(\w+)<\/Code>/.exec(await r.text())?.[1];
  }

  it('throttles and audits the client the proxy names, not the proxy', async () => {
    for (let i = 0; i < 3; i++) await post({ user: 'provider', password: `guess-${i}-secret` }, '10.9.9.9, 198.51.100.9');
    assert.equal(await post({ user: 'provider', password: PROVIDER_SECRET }, '198.51.100.9'), 'InvalidSoapCredentials', 'that client is blocked');
    assert.equal(await post({ user: 'provider', password: PROVIDER_SECRET }, '1.2.3.4, 198.51.100.10'), 'Success', 'other clients behind the same proxy are not');
    assert.equal(
      await post({ user: 'reseller-a', password: RESELLER_A_SECRET }, '198.51.100.10', 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'proxied-password-1', SendEmailToCustomer: false }),
      'Success',
    );
    const audit = await t.app.store.db.selectFrom('audit_log').select('source_address').execute();
    assert.deepEqual(audit.map((a) => a.source_address), ['198.51.100.10']);
  });
});

/**
 * Issue 14 item 7: a refused check must not be recognisable by its timing, at rest or under
 * load: the medians of refused and of real failures differ by less than 25%. A refused check
 * waits its turn in the hasher's queue and then as long as a recent verification took.
 * Probes alternate (real, refused) over HTTP, each from a source of its own behind a trusted proxy.
 */
describe('the timing of a refused check', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listenTestApp>>;
  before(async () => {
    t = await startTestApp({
      template: await seededTemplate(),
      env: { AMS_TRUSTED_PROXIES: '127.0.0.1', AMS_AUTH_FAILURES_PER_USER: '3', AMS_AUTH_FAILURES_PER_ADDRESS: '0' },
    });
    server = await listenTestApp(t);
  });
  after(async () => {
    await server.close(1000);
    await t.close();
  });

  let n = 0;
  async function timed(user: string, password: string, from: string): Promise<{ ms: number; code: string | undefined }> {
    const headers = soapHeaders('1.1', 'GetAccountInfo');
    const started = performance.now();
    const r = await fetch(server.url, {
      method: 'POST',
      headers: { 'Content-Type': headers.contentType, SOAPAction: headers.soapAction ?? '', 'X-Forwarded-For': from },
      body: envelope('1.1', operationBody('GetAccountInfo', { userName: 'alice' }, false), { user, password }),
    });
    const text = await r.text();
    return { ms: performance.now() - started, code: /<Code>(\w+)<\/Code>/.exec(text)?.[1] };
  }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return ((sorted[Math.floor((sorted.length - 1) / 2)] ?? 0) + (sorted[Math.ceil((sorted.length - 1) / 2)] ?? 0)) / 2;
  };

  /** `rounds` pairs of probes: a real failure (a new name each time) and a refused one (a blocked name). */
  async function probe(blocked: string, rounds: number): Promise<{ real: number; refused: number }> {
    const real: number[] = [];
    const refused: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const r = await timed(`real-probe-${++n}`, 'not-the-secret-01', `192.0.2.${n % 250}`);
      const x = await timed(blocked, 'not-the-secret-01', `198.51.100.${n % 250}`);
      assert.equal(r.code, 'InvalidSoapCredentials');
      assert.equal(x.code, 'InvalidSoapCredentials');
      real.push(r.ms);
      refused.push(x.ms);
    }
    return { real: median(real), refused: median(refused) };
  }

  async function block(name: string): Promise<void> {
    for (let i = 0; i < 3; i++) await timed(name, `guess-${i}-secret`, `203.0.113.${i}`);
    const { peak } = await peakHashingOf(() => timed(name, 'guess-x-secret', '203.0.113.99'));
    assert.equal(peak, 0, 'the name is blocked: refused without a hash');
  }

  it('is the same as a real failure at rest (medians within 25%)', async (ctx) => {
    await block('blocked-at-rest');
    const { real, refused } = await probe('blocked-at-rest', 25);
    ctx.diagnostic(`at rest: real ${real.toFixed(1)} ms, refused ${refused.toFixed(1)} ms`);
    assert.ok(Math.abs(refused - real) / real < 0.25, `refused ${refused.toFixed(1)} ms vs real ${real.toFixed(1)} ms`);
  });

  it('is the same as a real failure under load, queueing included (medians within 25%)', async (ctx) => {
    await block('blocked-under-load');
    // Background: 6 wrong secrets always in flight (more than the hasher has slots), new names each.
    let stop = false;
    let background = 0;
    const load = Array.from({ length: 6 }, async (_, w) => {
      while (!stop && background < 2000) {
        background += 1;
        await timed(`load-${w}-${background}`, 'not-the-secret-01', `10.${w}.${Math.floor(background / 250)}.${background % 250}`);
      }
    });
    try {
      // Measure once the load is steady: every worker past its first check, and work queued for the hasher.
      await waitFor(() => background >= 12 && argon2Hasher.limiter.queued > 0, 10_000, 'the background load queueing for the hasher');
      const { real, refused } = await probe('blocked-under-load', 25);
      ctx.diagnostic(`under load: real ${real.toFixed(1)} ms, refused ${refused.toFixed(1)} ms (${background} background checks)`);
      assert.ok(argon2Hasher.limiter.concurrency < 6, 'the load queues for the hasher');
      assert.ok(Math.abs(refused - real) / real < 0.25, `refused ${refused.toFixed(1)} ms vs real ${real.toFixed(1)} ms`);
    } finally {
      stop = true;
      await Promise.all(load);
    }
  });
});

/** The most Argon2 work in flight or queued at once while `work` runs. */
async function peakHashingOf<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = 0;
  const watch = setInterval(() => (peak = Math.max(peak, argon2Hasher.limiter.active + argon2Hasher.limiter.queued)), 1);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, argon2Hasher.limiter.active + argon2Hasher.limiter.queued) };
  } finally {
    clearInterval(watch);
  }
}
