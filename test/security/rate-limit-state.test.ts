/**
 * Issue 19: the partner rate as the JSON API shows it (RateLimit-Limit, -Remaining, -Reset,
 * Retry-After), on a real migrated database, SQLite and (with AMS_TEST_DATABASE_URL) PostgreSQL,
 * with a steered clock. Two limiters (two instances: on PostgreSQL two stores, i.e. two pools)
 * report one shared bucket; reporting costs no SQL; `take` is unchanged.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter, type RateTake } from '../../src/security/rate-limiter.js';
import { sharedLimitStore } from '../../src/store/repositories/shared-limits.js';
import type { Store } from '../../src/store/create-db.js';
import { ENGINES, migratedStore } from '../conformance/engines.js';

for (const engine of ENGINES) {
  describe(`rate limit state on ${engine.name}`, () => {
    let store: Store;
    let second: Store;
    let done: () => Promise<void>;
    before(async () => {
      const m = await migratedStore(engine);
      store = m.store;
      // SQLite's synchronous driver cannot serve two stores of one process that wait on each other.
      second = engine.concurrentStores ? m.fresh.open() : store;
      done = async () => {
        if (second !== store) await second.close();
        await m.done();
      };
    });
    after(async () => done());

    const limiter = (s: Store, now: { t: number }, perMinute: number, burst: number, leaseSize?: number) =>
      new RateLimiter({ perMinute, burst, maxKeys: 100, store: sharedLimitStore(s.db, s.unflushedWrites), now: () => now.t, ...(leaseSize ? { leaseSize } : {}) });
    const taken = async (l: RateLimiter, key: number): Promise<RateTake> => l.takeWithState(key);
    const brief = (t: RateTake) => [t.allowed, t.state?.remaining, t.state?.resetSeconds, t.state?.retryAfterSeconds];

    it('reports limit, remaining and the seconds until a token and the whole limit are back, across two instances', async () => {
      const now = { t: 1_000_000 };
      const a = limiter(store, now, 60, 5, 1); // a token a second
      const b = limiter(second, now, 60, 5, 1);
      assert.deepEqual(a.report(7), { limit: 5, remaining: 5, resetSeconds: 0, retryAfterSeconds: 0, perMinute: 60 }, 'untouched: full');
      assert.deepEqual(brief(await taken(a, 7)), [true, 4, 1, 0]);
      assert.deepEqual(brief(await taken(a, 7)), [true, 3, 2, 0]);
      assert.deepEqual(brief(await taken(a, 7)), [true, 2, 3, 0]);
      assert.deepEqual(brief(await taken(b, 7)), [true, 1, 4, 0], 'the other instance sees what the first took');
      assert.deepEqual(brief(await taken(b, 7)), [true, 0, 5, 1]);
      assert.deepEqual(brief(await taken(b, 7)), [false, 0, 5, 1]);
      assert.deepEqual(brief(await taken(a, 7)), [false, 0, 5, 1], 'refused after a fresh lease: read from the shared bucket');
      now.t += 500;
      assert.deepEqual(a.report(7), { limit: 5, remaining: 0, resetSeconds: 5, retryAfterSeconds: 1, perMinute: 60 }, 'half a token back');
      now.t += 500;
      assert.deepEqual(brief(await taken(a, 7)), [true, 0, 5, 1]);
      now.t += 10_000;
      assert.deepEqual(a.report(7)?.remaining, 5, 'refilled to the limit, not beyond');
      assert.deepEqual(b.report(7)?.resetSeconds, 0);
      assert.deepEqual(a.report(8)?.remaining, 5, 'another key has its own bucket');
    });

    it('counts this process\'s unspent lease and answers from memory while it lasts', async () => {
      const now = { t: 2_000_000 };
      const l = limiter(store, now, 600, 10, 3);
      assert.deepEqual(brief(await taken(l, 9)), [true, 9, 1, 0]);
      const fromMemory = l.takeWithState(9);
      assert.ok(!(fromMemory instanceof Promise), 'a held token answers synchronously, state included');
      assert.deepEqual(brief(fromMemory), [true, 8, 1, 0], "two tokens short at 10 a second: back within a second");
      assert.equal(l.leasesTaken, 1);
      assert.equal(l.take(9), true, 'the boolean take the SOAP path uses is unchanged');
    });

    it('gives 200 concurrent calls on two instances exactly the burst, every refusal with a Retry-After', async () => {
      const now = { t: 3_000_000 };
      const a = limiter(store, now, 60, 20, 2);
      const b = limiter(second, now, 60, 20, 2);
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => taken(i % 2 ? a : b, 11)));
      assert.equal(results.filter((r) => r.allowed).length, 20);
      for (const r of results.filter((x) => !x.allowed)) {
        assert.equal(r.state?.remaining, 0);
        assert.ok((r.state?.retryAfterSeconds ?? 0) >= 1);
        assert.equal(r.state?.limit, 20);
      }
    });

    it('reports nothing when the limit is off', async () => {
      const l = limiter(store, { t: 0 }, 0, 1);
      assert.deepEqual(l.takeWithState(1), { allowed: true, state: null });
      assert.equal(l.report(1), null);
    });
  });
}
