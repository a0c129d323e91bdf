/**
 * Issue 14, items 3 and 4, below the app: the AuthHeader throttle and the partner rate on a real
 * migrated database, SQLite and (when AMS_TEST_DATABASE_URL is set) PostgreSQL, with a steered
 * clock. Attempts in flight count: hundreds of concurrent reservations get exactly the budget;
 * two throttles or limiters (two instances' worth: on PostgreSQL over two stores, i.e. two
 * connection pools) share one budget.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthThrottle, KNOWN_SOURCE_MS, nameDigester } from '../../src/security/auth-throttle.js';
import { throttleKeyOf } from '../../src/security/source-address.js';
import { RateLimiter, defaultLeaseSize } from '../../src/security/rate-limiter.js';
import { serviceKey, sharedLimitStore } from '../../src/store/repositories/shared-limits.js';
import type { Store } from '../../src/store/create-db.js';
import type { AttemptReservation } from '../../src/domain/partners/authenticate-partner.js';
import { ENGINES, migratedStore } from '../conformance/engines.js';

for (const engine of ENGINES) {
  describe(`shared limits on ${engine.name}`, () => {
    let store: Store;
    let second: Store;
    let done: () => Promise<void>;
    let digest: (text: string) => string;
    before(async () => {
      const m = await migratedStore(engine);
      store = m.store;
      // Another instance: its own pool on PostgreSQL; SQLite's synchronous driver cannot wait
      // for a lock held by the same process, so there it shares the store (processes: see
      // test/hardening/limits-across-processes.test.ts).
      second = engine.concurrentStores ? m.fresh.open() : store;
      done = async () => {
        if (second !== store) await second.close();
        await m.done();
      };
      digest = nameDigester(await serviceKey(store.db, 'name-digest'));
    });
    after(async () => done());

    const throttle = (s: Store, now: { t: number }, perUser: number, perAddress: number, told: string[] = []) =>
      new AuthThrottle({
        perUser,
        perAddress,
        windowMs: 60_000,
        maxKeys: 1000,
        store: sharedLimitStore(s.db, s.unflushedWrites),
        digest,
        pace: () => Promise.resolve(),
        now: () => now.t,
        onBlock: (what, shown) => told.push(`${what} ${shown}`),
      });

    const fail = async (th: AuthThrottle, user: string, source: string): Promise<boolean> => {
      const a = await th.reserve(user, source);
      if (a) await th.failed(a);
      return a !== undefined;
    };

    it('the database key of the name digest is made once per database and is the same for every store', async () => {
      assert.match(await serviceKey(second.db, 'name-digest'), /^[A-Za-z0-9+/]{43}=$/);
      assert.equal(nameDigester(await serviceKey(second.db, 'name-digest'))('x'), digest('x'));
    });

    it('reserves attempts in flight: 200 concurrent reservations for one name get exactly the budget', async () => {
      const now = { t: 1_000_000 };
      const a = throttle(store, now, 10, 1000);
      const b = throttle(second, now, 10, 1000);
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).reserve('Reseller-X', '203.0.113.7')));
      const granted = results.filter((r): r is AttemptReservation => r !== undefined);
      assert.equal(granted.length, 10, 'no more than the budget, however many at once, over both instances');
      for (const r of granted) await a.failed(r);
      assert.equal(await a.reserve('reseller-x', '198.51.100.1'), undefined, 'the name is blocked from any new source, in any case');
      const rows = await store.db.selectFrom('auth_failure_windows').selectAll().execute();
      assert.ok(!rows.some((r) => r.throttle_key.toLowerCase().includes('reseller')), 'the name is stored only as a digest');
    });

    it('gives a success back, and a success resets nothing else', async () => {
      const now = { t: 2_000_000 };
      const th = throttle(store, now, 3, 1000);
      for (let i = 0; i < 2; i++) assert.ok(await fail(th, 'user-ok', `192.0.2.${i}`));
      const ok = await th.reserve('user-ok', '192.0.2.10');
      assert.ok(ok);
      await th.succeeded(ok, 'user-ok', '192.0.2.10');
      assert.ok(await fail(th, 'user-ok', '192.0.2.11'), 'the third failure is still allowed: the success gave its attempt back');
      assert.equal(await th.reserve('user-ok', '192.0.2.12'), undefined, 'and the count of failures stands');
      const known = await th.reserve('user-ok', '192.0.2.10');
      assert.ok(known, 'the source it signed in from is let past the block');
      now.t += 60_000;
      assert.ok(await th.reserve('user-ok', '192.0.2.12'), 'the window ended');
    });

    it('blocks a source whatever names it tries; a pair known on one instance passes on the other', async () => {
      const now = { t: 3_000_000 };
      const told: string[] = [];
      const a = throttle(store, now, 100, 5, told);
      const b = throttle(second, now, 100, 5, told);
      const good = await a.reserve('partner-p', '203.0.113.9');
      assert.ok(good);
      await a.succeeded(good, 'partner-p', '203.0.113.9');
      for (let i = 0; i < 5; i++) assert.ok(await fail(i % 2 ? a : b, `guess-${i}`, '203.0.113.9'));
      assert.equal(await b.reserve('another', '203.0.113.9'), undefined, 'blocked on the other instance too');
      assert.ok(await b.reserve('partner-p', '203.0.113.9'), 'known there from the database');
      assert.ok(b.knowsLocally('partner-p', '203.0.113.9') === false && a.knowsLocally('PARTNER-P', '203.0.113.9'));
      assert.deepEqual(told, ['source 203.0.113.9'], 'the block is told once (by the instance whose failure filled the window), with the source it blocks');
      now.t += KNOWN_SOURCE_MS + 1;
      for (let i = 0; i < 5; i++) assert.ok(await fail(b, `guess-${i}`, '203.0.113.9'));
      assert.equal(await b.reserve('partner-p', '203.0.113.9'), undefined, 'a known source is forgotten after 24 hours');
    });

    it('tells a user-name block by the short digest, never the name', async () => {
      const told: string[] = [];
      const th = throttle(store, { t: 4_000_000 }, 2, 1000, told);
      for (let i = 0; i < 3; i++) await fail(th, 'Sw4pped-Secret-Value', `198.51.100.${20 + i}`);
      assert.deepEqual(told, [`user name ${digest('sw4pped-secret-value').slice(0, 12)}`]);
    });

    it('counts an IPv6 /64 as one source', async () => {
      assert.equal(throttleKeyOf('2001:db8:1:2:aaaa::1'), throttleKeyOf('2001:db8:1:2:ffff:ffff:ffff:ffff'));
      const th = throttle(store, { t: 5_000_000 }, 100, 2);
      await fail(th, 'x', '2001:db8:1:2::1');
      await fail(th, 'y', '2001:db8:1:2::2');
      assert.equal(await th.reserve('z', '2001:db8:1:2:dead:beef:0:1'), undefined, 'rotating within the /64 does not help');
    });

    it('is off at 0 and then touches no table', async () => {
      const th = throttle(store, { t: 6_000_000 }, 0, 0);
      for (let i = 0; i < 50; i++) await fail(th, 'off-user', '203.0.113.99');
      assert.ok(await th.reserve('off-user', '203.0.113.99'));
      const rows = await store.db.selectFrom('auth_failure_windows').select('throttle_key').where('window_start', '=', 6_000_000).execute();
      assert.equal(rows.length, 0);
    });

    it('prunes windows and pairs too old to matter', async () => {
      const th = throttle(store, { t: 100_000_000 + KNOWN_SOURCE_MS }, 5, 5);
      await th.prune();
      const windows = await store.db.selectFrom('auth_failure_windows').select('throttle_key').execute();
      const pairs = await store.db.selectFrom('auth_known_sources').select('pair_digest').execute();
      assert.deepEqual([windows.length, pairs.length], [0, 0]);
    });

    describe('the partner rate', () => {
      const limiter = (s: Store, now: { t: number }, perMinute: number, burst: number, leaseSize?: number) =>
        new RateLimiter({ perMinute, burst, maxKeys: 100, store: sharedLimitStore(s.db, s.unflushedWrites), now: () => now.t, ...(leaseSize ? { leaseSize } : {}) });
      const take = async (l: RateLimiter, key: number) => l.take(key);

      it('allows a burst, then the sustained rate, refilling continuously', async () => {
        const now = { t: 1_000_000 };
        const l = limiter(store, now, 600, 5);
        const first = [];
        for (let i = 0; i < 6; i++) first.push(await take(l, 101));
        assert.deepEqual(first, [true, true, true, true, true, false]);
        now.t += 99; // 10 per second: a token every 100 ms
        assert.equal(await take(l, 101), false);
        now.t += 1;
        assert.equal(await take(l, 101), true);
        assert.equal(await take(l, 101), false);
        now.t += 60_000; // a long pause refills to the burst, not beyond
        const again = [];
        for (let i = 0; i < 6; i++) again.push(await take(l, 101));
        assert.deepEqual(again, [true, true, true, true, true, false]);
        assert.equal(await take(l, 102), true, 'another key has its own bucket');
      });

      it('gives two instances one bucket: 400 concurrent calls get exactly the burst', async () => {
        const now = { t: 2_000_000 };
        const a = limiter(store, now, 60, 50, 5);
        const b = limiter(second, now, 60, 50, 5);
        const results = await Promise.all(Array.from({ length: 400 }, (_, i) => take(i % 2 ? a : b, 201)));
        assert.equal(results.filter(Boolean).length, 50);
        assert.ok(a.leasesTaken + b.leasesTaken < 60, `calls wait for one lease instead of each taking their own (${a.leasesTaken + b.leasesTaken} leases)`);
      });

      it('is off at 0 and keeps no state then', async () => {
        const l = limiter(store, { t: 0 }, 0, 1);
        for (let i = 0; i < 100; i++) assert.equal(l.take(1), true);
        assert.equal(l.size, 0);
        assert.equal(l.enabled, false);
      });

      it('leases a tenth of a second of the rate at a time, at least 1, within the burst', () => {
        assert.equal(defaultLeaseSize(3000, 100), 5);
        assert.equal(defaultLeaseSize(60, 3), 1);
        assert.equal(defaultLeaseSize(1_000_000, 10_000), 1666);
        assert.equal(defaultLeaseSize(1_000_000, 20), 20);
      });

      it('answers most calls from memory: one lease per lease-size calls', async () => {
        const now = { t: 3_000_000 };
        const l = limiter(store, now, 6_000_000, 1_000_000, 50);
        let sync = 0;
        for (let i = 0; i < 10_000; i++) {
          const r = l.take(301);
          if (r === true) sync += 1;
          else assert.equal(await r, true);
        }
        assert.equal(l.leasesTaken, 200);
        assert.equal(sync, 10_000 - 200);
      });
    });
  });
}
