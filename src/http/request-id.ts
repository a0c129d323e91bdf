/**
 * Request ids the service makes when a client sent none (or an unusable one): UUID-shaped,
 * `8-4-4-4-12` lower-case hex, the format log tools and audit readers always saw, without
 * drawing random bytes for every request. The first 20 hex digits come from one random v4
 * UUID per process (74 random bits, so instances never share a prefix in practice), the last
 * 12 count the process's requests (2^48 before the count wraps).
 *
 * A request id is a correlation handle, echoed to the client and written to the audit log; it
 * never authorises anything, so ids that follow each other within a process disclose nothing.
 * randomUUID refills its random bytes through OpenSSL every 128 ids and formats each one from
 * them: together ~1% of a GetAccountInfo's CPU under load (--cpu-prof).
 */
import { randomUUID } from 'node:crypto';

export function requestIdSource(): () => string {
  const prefix = randomUUID().slice(0, 24); // "xxxxxxxx-xxxx-4xxx-yxxx-"
  let count = 0;
  return () => prefix + (++count).toString(16).padStart(12, '0');
}
