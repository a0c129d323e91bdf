/**
 * What the AuthHeader throttle and the per-partner request rate need from the database every
 * instance shares (issue 14): each operation is one atomic step there, so that attempts in
 * flight on any process count at once and nothing is granted twice.
 */

/** One failure window to reserve an attempt in. */
export interface FailureBudget {
  /** `s:` + source key or `u:` + keyed digest of the user name. */
  readonly key: string;
  /** Failures (in flight included) the window allows; a reservation beyond it is refused. */
  readonly limit: number;
}

/** An attempt counted in one window: given back on success, kept on failure. */
export interface ReservedFailure {
  readonly key: string;
  readonly windowStart: number;
  /** Failures in the window with this one. */
  readonly failures: number;
}

/** A lease of request tokens and what it left in the shared bucket. */
export interface RequestLease {
  readonly granted: number;
  /** Tokens left in the shared bucket after the lease, at the lease's `nowMs` (a fraction is a token on its way). */
  readonly tokensLeft: number;
}

export interface SharedLimitStore {
  /**
   * Counts one attempt in every window (a window older than `windowMs` starts again at `nowMs`),
   * all or none: undefined when one of them is full, and then nothing changed.
   */
  reserveFailures(budgets: readonly FailureBudget[], windowMs: number, nowMs: number): Promise<readonly ReservedFailure[] | undefined>;
  /** Counts one failure in every window whatever the limit (a known source past a block). */
  recordFailures(keys: readonly string[], windowMs: number, nowMs: number): Promise<readonly ReservedFailure[]>;
  /** Gives reserved attempts back (they succeeded); a window that has started again since is left alone. */
  releaseFailures(reserved: readonly ReservedFailure[]): Promise<void>;
  /** Did this (user, source) pair succeed at or after `sinceMs`? */
  isKnownSource(pairDigest: string, sinceMs: number): Promise<boolean>;
  rememberSource(pairDigest: string, nowMs: number): Promise<void>;
  /**
   * Takes up to `want` tokens from the partner user's bucket (refilled at `perMs` per ms up to
   * `burst`): `want` when there are that many, else 1 when there is one, else 0.
   */
  leaseRequests(partnerUserId: number, want: number, perMs: number, burst: number, nowMs: number): Promise<number>;
  /**
   * The same lease (the same one statement), also answering the tokens the shared bucket held
   * just after it (issue 19: the JSON API's RateLimit-* headers report them).
   */
  leaseRequestsWithState(partnerUserId: number, want: number, perMs: number, burst: number, nowMs: number): Promise<RequestLease>;
  /** Deletes windows and known sources too old to matter. */
  prune(windowsBeforeMs: number, sourcesBeforeMs: number): Promise<void>;
}
