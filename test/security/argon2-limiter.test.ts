/** Argon2 work is bounded: never more hashes at once than the limiter allows, the rest wait their turn. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkLimiter, createArgon2Hasher } from '../../src/security/argon2-hasher.js';

it('runs at most `concurrency` tasks at once, in arrival order', async () => {
  const limiter = new WorkLimiter(2);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 7 }, (_, i) =>
      limiter.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5)); // work that lasts, so that the runs would overlap without the limiter
        order.push(i);
        running--;
      }),
    ),
  );
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(limiter.active, 0);
  assert.equal(limiter.queued, 0);
});

it('releases its slot when a task fails', async () => {
  const limiter = new WorkLimiter(1);
  await assert.rejects(limiter.run(() => Promise.reject(new Error('boom'))));
  assert.equal(await limiter.run(async () => 42), 42);
});

it('hashes with Argon2id and verifies, through the limiter', async () => {
  const hasher = createArgon2Hasher(1);
  const stored = await hasher.hash('a secret of some length');
  assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  const checks = await Promise.all([hasher.verify(stored, 'a secret of some length'), hasher.verify(stored, 'wrong'), hasher.verify('garbage', 'x')]);
  assert.deepEqual(checks, [true, false, false]);
});
