/**
 * Issue 20's goal 1 restated in CPU per request, so that a run says whether its machine leaves
 * the goal within reach at all.
 *
 * On a saturated, pinned server core, throughput is the inverse of CPU per request. With H
 * bare node:http's CPU per request, P the peer's beyond it and A AMS's beyond it (its request
 * line included):
 *
 * - AMS ÷ bare ≥ 0.6 ⇔ H ÷ (H + A) ≥ 0.6 ⇔ A ≤ H × (1 ÷ 0.6 − 1), two thirds of H;
 * - AMS ÷ peer ≥ 4 ⇔ (H + P) ÷ (H + A) ≥ 4 ⇔ A ≤ (P − 3H) ÷ 4.
 *
 * Every server pays H, and H is what differs most between machines (13–42 µs measured), so the
 * same build meets one ratio on one machine and the other on another; A, the work AMS adds, does
 * not depend on it. The budgets can be negative: then no server, however cheap, meets that ratio.
 */
export interface GoalOneBudget {
  /** The most A may be for AMS ÷ bare ≥ 0.6, in µs per request. */
  readonly aboveBareAllowedForBare: number;
  /** The most A may be for AMS ÷ peer ≥ 4, in µs per request. */
  readonly aboveBareAllowedForPeer: number;
  /** The smaller of the two: what both ratios at once leave AMS on this machine. */
  readonly aboveBareAllowedForBoth: number;
}

export const GOAL_ONE = { toBare: 0.6, toPeer: 4 } as const;

const oneDecimal = (n: number): number => Math.round(n * 10) / 10;

/**
 * From the median CPU per request (µs) of bare node:http and the peer. What AMS spent against it
 * is the run's `cpuAboveBareMicrosecondsPerRequest.logOn`.
 */
export function goalOneBudget(cpu: { readonly bare: number; readonly peer: number }): GoalOneBudget {
  const h = cpu.bare;
  const p = cpu.peer - h;
  const forBare = h * (1 / GOAL_ONE.toBare - 1);
  const forPeer = (p - (GOAL_ONE.toPeer - 1) * h) / GOAL_ONE.toPeer;
  return {
    aboveBareAllowedForBare: oneDecimal(forBare),
    aboveBareAllowedForPeer: oneDecimal(forPeer),
    aboveBareAllowedForBoth: oneDecimal(Math.min(forBare, forPeer)),
  };
}
