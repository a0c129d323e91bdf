/**
 * Argon2id with OWASP's parameters (m=19456 KiB, t=2, p=1) via @node-rs/argon2, which hashes
 * on libuv's thread pool: the event loop never waits for a hash.
 */
import { Algorithm, hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../domain/ports.js';

export const ARGON2_PARAMETERS = Object.freeze({
  algorithm: Algorithm.Argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

export const argon2Hasher: PasswordHasher = {
  hash: (secret) => hash(secret, ARGON2_PARAMETERS),
  async verify(stored, secret) {
    try {
      return await verify(stored, secret);
    } catch {
      return false; // a malformed stored hash verifies nothing
    }
  },
};
