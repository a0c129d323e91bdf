/**
 * Argon2id with OWASP's parameters (m=19456 KiB, t=2, p=1) via @node-rs/argon2, which hashes
 * on libuv's thread pool: the event loop never runs a hash itself.
 *
 * At most `concurrency` hashes run at once (default: one per core). More would not finish
 * sooner — each hash keeps a core busy — but they would crowd out the event loop and every
 * other request, so a sign-in flood could starve GetAccountInfo. Excess work waits in a FIFO.
 */
import { availableParallelism } from 'node:os';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../domain/ports.js';

export const ARGON2_PARAMETERS = Object.freeze({
  algorithm: Algorithm.Argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

/** A counting semaphore: `run` starts the task when a slot is free. */
export class WorkLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly concurrency: number) {}

  get queued(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * Recent durations of hashes and verifications (once they had a slot), to draw from: a
 * refused check waits one of them, so refusals share the real checks' distribution (issue 14).
 */
export class DurationSamples {
  private readonly ring: number[] = [];
  private next = 0;

  constructor(
    private readonly size = 16,
    /** What is drawn before anything was measured. */
    private readonly initialMs = 50,
  ) {}

  add(ms: number): void {
    if (this.ring.length < this.size) this.ring.push(ms);
    else this.ring[this.next] = ms;
    this.next = (this.next + 1) % this.size;
  }

  draw(): number {
    if (this.ring.length === 0) return this.initialMs;
    return this.ring[Math.floor(Math.random() * this.ring.length)] ?? this.initialMs;
  }
}

/** A refused check never waits longer than this once it has its turn, whatever a flood did to real ones. */
const MAX_PACE_MS = 2_000;

/**
 * A sleep that makes up for the event loop's lateness. A measured verification already
 * includes the loop's delay in noticing it ended; a timer of that length would pay the delay
 * a second time (under load refusals came out ~15% slower). So each wait asks for the wanted
 * time less the timers' recent lateness (a moving average of what it measures itself).
 */
class LateTimer {
  private lateMs = 0;

  async wait(wantedMs: number): Promise<void> {
    const asked = Math.max(0, Math.min(MAX_PACE_MS, wantedMs) - this.lateMs);
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, asked));
    this.lateMs += (performance.now() - started - asked - this.lateMs) / 8;
  }
}

export interface PacedHasher extends PasswordHasher {
  /**
   * Takes a turn in the hasher's queue like a verification, gives the slot straight back, then
   * waits as long as a recent verification took: a refused check queues and lasts like a real
   * one without spending Argon2 CPU or holding a slot a real check could use.
   */
  pace(): Promise<void>;
}

export interface Argon2Hasher extends PacedHasher {
  readonly limiter: WorkLimiter;
  /**
   * `listener` hears how many seconds each hash or verification took once it had a slot (the
   * wait excluded), for the metrics; returns the function that stops it.
   */
  onTimed(listener: (seconds: number) => void): () => void;
}

export function createArgon2Hasher(concurrency = availableParallelism()): Argon2Hasher {
  const limiter = new WorkLimiter(Math.max(1, concurrency));
  const listeners = new Set<(seconds: number) => void>();
  const samples = new DurationSamples();
  const pacer = new LateTimer();
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = process.hrtime.bigint();
    try {
      return await work();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      samples.add(seconds * 1000);
      for (const listener of listeners) listener(seconds);
    }
  };
  return {
    limiter,
    async pace() {
      await limiter.run(() => Promise.resolve());
      await pacer.wait(samples.draw());
    },
    onTimed(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    hash: (secret) => limiter.run(() => timed(() => hash(secret, ARGON2_PARAMETERS))),
    verify: (stored, secret) =>
      limiter.run(() =>
        timed(async () => {
          try {
            return await verify(stored, secret);
          } catch {
            return false; // a malformed stored hash verifies nothing
          }
        }),
      ),
  };
}

/** The process-wide hasher for code without a composition root of its own (CLI, tests). */
export const argon2Hasher: Argon2Hasher = createArgon2Hasher();

/**
 * `hasher` with `pace()`, for a hasher that has none (tests inject their own): it draws from
 * the durations of its verifications as a whole, having no queue of its own to wait in.
 */
export function withPacing(hasher: PasswordHasher | PacedHasher): PacedHasher {
  if ('pace' in hasher) return hasher;
  const samples = new DurationSamples();
  const pacer = new LateTimer();
  return {
    hash: (secret) => hasher.hash(secret),
    verify: async (stored, secret) => {
      const started = performance.now();
      try {
        return await hasher.verify(stored, secret);
      } finally {
        samples.add(performance.now() - started);
      }
    },
    pace: () => pacer.wait(samples.draw()),
  };
}
