/**
 * The partner rate as every call path asks it (security/rate-limiter.ts gives the answers): one
 * token per call per partner user.
 */

/** true or false while this process holds the user's tokens; a promise while it leases more from the shared store. */
export interface PartnerRate {
  take(userId: number): boolean | Promise<boolean>;
}

/**
 * The verdict on one call: take()'s answer, or true for a call that is not rated (a read that
 * completes a call already counted). It stays a plain boolean whenever take() answered at once,
 * the common path, so a caller that awaits only a promise (`allowed === true || (await allowed)`)
 * spends no turn of the event loop on it: invokeAs relies on that for SOAP's throughput.
 */
export function rateAllows(rate: PartnerRate, userId: number, rated = true): boolean | Promise<boolean> {
  return !rated || rate.take(userId);
}
