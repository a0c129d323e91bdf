/**
 * The keys an import run has seen, with the line each was first seen on: what tells a second
 * row with the same user name (regardless of case) from a delta. A Map of a million strings
 * costs ~100 MB; this keeps a 64-bit digest per key in typed arrays (open addressing, ~24 MB per
 * million), which holds the 300 MB budget of issue 18. Two different keys share a digest with a
 * probability of about n²/2⁶⁵ — for a million keys, one in 3·10⁷ runs — and would be reported
 * as a duplicate, never silently merged.
 */
import { hash } from 'node:crypto';

export class SeenKeys {
  private digests = new BigUint64Array(1 << 12);
  private lines = new Uint32Array(1 << 12);
  private count = 0;

  /** The line `key` was first seen on, or undefined (and then it is remembered with `line`). */
  firstLine(key: string, line: number): number | undefined {
    if ((this.count + 1) * 2 > this.digests.length) this.grow();
    const digest = hash('sha256', key, 'buffer').readBigUInt64LE(0) | 1n; // 0 marks an empty slot
    const found = this.place(this.digests, this.lines, digest, line);
    if (found === undefined) this.count++;
    return found;
  }

  private place(digests: BigUint64Array, lines: Uint32Array, digest: bigint, line: number): number | undefined {
    const mask = digests.length - 1;
    for (let slot = Number(digest & BigInt(mask)); ; slot = (slot + 1) & mask) {
      const there = digests[slot]!;
      if (there === 0n) {
        digests[slot] = digest;
        lines[slot] = line;
        return undefined;
      }
      if (there === digest) return lines[slot]; // not timing-sensitive: 64-bit digests of record keys (user names), no secret
    }
  }

  private grow(): void {
    const [oldDigests, oldLines] = [this.digests, this.lines];
    this.digests = new BigUint64Array(oldDigests.length * 2);
    this.lines = new Uint32Array(oldDigests.length * 2);
    for (let i = 0; i < oldDigests.length; i++) if (oldDigests[i] !== 0n) this.place(this.digests, this.lines, oldDigests[i]!, oldLines[i]!);
  }
}
