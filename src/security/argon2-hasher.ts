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

export interface Argon2Hasher extends PasswordHasher {
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
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    if (listeners.size === 0) return work();
    const started = process.hrtime.bigint();
    try {
      return await work();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      for (const listener of listeners) listener(seconds);
    }
  };
  return {
    limiter,
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
