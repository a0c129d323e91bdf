/**
 * A short-lived memory of successful partner verifications, so that steady traffic does not
 * pay one Argon2 hash per call (SERVICE.md §2). It keeps neither names nor passwords: entries
 * are keyed by a SHA-256 digest, under a per-process random key, of user id + stored secret
 * hash + presented password. Rotating a secret changes the stored hash, so every remembered
 * entry of the old secret stops matching at once, on every instance, without any message
 * between them.
 */
import { hash, randomBytes } from 'node:crypto';

export interface CredentialMemoOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
}

export class CredentialMemo {
  private readonly key = randomBytes(32).toString('base64');
  private readonly entries = new Map<string, number>();

  constructor(private readonly options: CredentialMemoOptions) {}

  /**
   * SHA-256 over key + message rather than an HMAC: it runs on every SOAP call, one-shot
   * `crypto.hash` costs about a quarter of createHmac's object and its two calls, and the
   * digest never leaves the process, so length extension (the reason HMAC exists) gives an
   * attacker nothing. What matters holds: without the random key, a digest reveals nothing
   * about the password and cannot be precomputed.
   */
  private digest(userId: number, secretHash: string, password: string): string {
    return hash('sha256', `${this.key}\u0000${userId}\u0000${secretHash}\u0000${password}`, 'base64');
  }

  has(userId: number, secretHash: string, password: string, nowMs: number): boolean {
    const key = this.digest(userId, secretHash, password);
    const expires = this.entries.get(key);
    if (expires === undefined) return false;
    if (expires <= nowMs) {
      this.entries.delete(key);
      return false;
    }
    return true;
  }

  remember(userId: number, secretHash: string, password: string, nowMs: number): void {
    if (this.options.ttlMs <= 0) return;
    const key = this.digest(userId, secretHash, password);
    this.entries.delete(key);
    // Maps iterate in insertion order: the first key is the oldest entry.
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, nowMs + this.options.ttlMs);
  }

  /** Forget everything (a secret was rotated in this process; other instances rely on the hash). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
