/**
 * Rotating a partner secret (issue 17): the old secret stops at once, or after an overlap so
 * the partner can redeploy without downtime. At most two secrets live at any time.
 */

/** A partner redeploys within a week or is not helped by a longer overlap; the old secret must end. */
export const MAX_ROTATION_OVERLAP_MS = 7 * 24 * 60 * 60 * 1000;

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `0`, or one or more number+unit pairs (`90s`, `15m`, `1h30m`, `7d`), as milliseconds; or a
 * message saying why not. Bounded to MAX_ROTATION_OVERLAP_MS.
 */
export function parseOverlap(text: string): { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string } {
  const bad = { ok: false as const, message: `--overlap ${JSON.stringify(text)} is not a duration: use 0 or e.g. 90s, 15m, 1h30m, 7d (at most 7d)` };
  if (text === '0') return { ok: true, ms: 0 };
  if (text.length > 32 || !/^(\d{1,9}[smhd])+$/.test(text)) return bad;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhd])/g)) ms += Number(amount) * (UNIT_MS[unit as string] as number);
  if (ms > MAX_ROTATION_OVERLAP_MS) return { ok: false, message: `--overlap ${text} is longer than the 7 days allowed` };
  return { ok: true, ms };
}

export interface RotatedSecret {
  readonly secretHash: string;
  /** The replaced secret's hash while the overlap lasts; null when the old secret stops at once. */
  readonly previousSecretHash: string | null;
  readonly previousSecretExpiresAt: Date | null;
}

/** What the partner user's row holds after a rotation at `now` with `overlapMs`. */
export function rotateSecret(currentHash: string, newHash: string, overlapMs: number, now: Date): RotatedSecret {
  if (overlapMs <= 0) return { secretHash: newHash, previousSecretHash: null, previousSecretExpiresAt: null };
  return { secretHash: newHash, previousSecretHash: currentHash, previousSecretExpiresAt: new Date(now.getTime() + overlapMs) };
}
