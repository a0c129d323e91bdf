/**
 * Where a request comes from, for the audit log and the per-address throttle.
 *
 * - Behind a load balancer every connection comes from the balancer: only when the peer is
 *   one of `AMS_TRUSTED_PROXIES` is `X-Forwarded-For` read, from the right, skipping the
 *   trusted hops; the first untrusted entry is the client. Entries a client wrote itself sit
 *   further left and are never reached, so the header cannot be used to pose as someone else.
 * - For throttling, an IPv6 client is its /64 (one subscriber's prefix: rotating addresses
 *   within it must not reset the count), an IPv4-mapped IPv6 address is the IPv4 address.
 */
import { isIP } from 'node:net';

/** `::ffff:192.0.2.1` → `192.0.2.1`; anything else unchanged (minus an IPv6 zone id). */
export function plainAddress(address: string): string {
  const zone = address.indexOf('%');
  const a = (zone === -1 ? address : address.slice(0, zone)).trim();
  // Every request passes here: the regular expression only for what can be a mapped address.
  if (!a.startsWith('::')) return a;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return mapped?.[1] ?? a;
}

/** The eight 16-bit groups of a valid IPv6 address, or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** The key one source is throttled under: the IPv4 address, or the IPv6 /64 prefix. */
export function throttleKeyOf(address: string): string {
  const plain = plainAddress(address);
  const groups = ipv6Groups(plain);
  if (!groups) return plain;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The client's address: the peer, or — when the peer is a trusted proxy — what the proxies recorded. */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: ReadonlySet<string>): string {
  const direct = plainAddress(peer ?? '');
  if (trustedProxies.size === 0 || !trustedProxies.has(direct) || forwardedFor === undefined) return direct;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((h) => plainAddress(h))
    .filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) return direct; // a malformed chain: trust only what we saw
    if (!trustedProxies.has(hop)) return hop;
  }
  return hops[0] ?? direct;
}
