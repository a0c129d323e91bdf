/**
 * Verifies an AuthHeader (SERVICE.md §2). Every failure looks the same to the caller, and an
 * unknown user name costs one Argon2 verification like a known one, so neither the answer
 * nor its timing tells whether a partner user exists.
 */
import type { AccountReadAhead, Caller, Clock, PartnerUser, PartnerUserRepository, PasswordHasher } from '../ports.js';
import type { CredentialMemo } from './credential-memo.js';
import type { ReservedFailure } from './shared-limits.js';

export interface PartnerCredentials {
  readonly UserName: string | null;
  readonly Password: string | null;
}

/** An attempt counted against the failure budgets while it is checked. */
export interface AttemptReservation {
  /** The windows it was counted in, to give back on success. */
  readonly reserved: readonly ReservedFailure[];
  /** The windows it would count in (source, then user name). */
  readonly sourceKey: string;
  readonly userKey: string;
  /** Let past a full window because the pair is known: its failure is counted afterwards. */
  readonly pastBlock: boolean;
}

/**
 * Throttles failed checks per user name and per source across every instance (issues 6 and
 * 14); implemented in security/auth-throttle.ts. An attempt is reserved before its secret is
 * hashed; a refused one is answered like any failure, without a hash.
 */
export interface PartnerAuthThrottle {
  /** This process saw the pair succeed lately: a remembered secret may pass without a reservation. */
  knowsLocally(username: string, sourceAddress: string): boolean;
  /** Counts the attempt in flight; undefined when a budget is spent (refuse it). */
  reserve(username: string, sourceAddress: string): Promise<AttemptReservation | undefined>;
  /** The attempt failed: it stays counted. */
  failed(attempt: AttemptReservation): Promise<void>;
  /** The attempt succeeded: given back, and the source is known to this user from now on. */
  succeeded(attempt: AttemptReservation, username: string, sourceAddress: string): Promise<void>;
  /** Waits as a real check would (queueing and verification), so that a refusal looks like one. */
  idle(): Promise<void>;
}

export interface PartnerAuthenticatorDeps {
  readonly partnerUsers: PartnerUserRepository;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly memo: CredentialMemo;
  /** A hash of a random secret, verified when the user does not exist, to keep timing uniform. */
  readonly decoyHash: string;
  readonly throttle?: PartnerAuthThrottle;
  /** Issue 18: called after a legacy secret verified, to store it as Argon2id. */
  readonly upgradeLegacySecret?: (user: PartnerUser, password: string) => Promise<unknown>;
}

/** How a check ended, with what the log may say about a refused one. */
export interface PartnerCheck {
  readonly caller: Caller | undefined;
  /** The presented user name is an existing partner user (so it may be logged as such). */
  readonly userExists: boolean;
}

/** Longer values cannot be valid and are not worth hashing. */
const MAX_CREDENTIAL_LENGTH = 256;
/** Longer than any stored user name (in code units; validation counts code points): not worth reading ahead. */
const MAX_ACCOUNT_NAME_LENGTH = 1024;
const REFUSED: PartnerCheck = { caller: undefined, userExists: false };

export class PartnerAuthenticator {
  /**
   * Slow checks in flight by (user name, source, secret). A partner whose integration starts
   * with many calls at once presents one secret many times before the first check has ended;
   * each used to reserve a place in the failure windows and hash, and past the window's budget
   * a correct secret was refused (401 / InvalidSoapCredentials). Identical attempts are one
   * guess: they share one reservation and one verification. Distinct secrets are never
   * coalesced, so every different guess still counts. Held in memory only while in flight.
   */
  private readonly inFlight = new Map<string, Promise<boolean>>();

  constructor(private readonly deps: PartnerAuthenticatorDeps) {}

  async authenticate(header: PartnerCredentials | null, sourceAddress = ''): Promise<Caller | undefined> {
    return (await this.check(header, sourceAddress)).caller;
  }

  /**
   * `accountUsername`: the account the call names (the contract's `accountArgument`). It is read
   * in the same statement as the partner user, and a caller that passes carries it as its
   * `readAhead`: the call's first look-up of the account then costs no second round trip.
   */
  async check(header: PartnerCredentials | null, sourceAddress = '', accountUsername?: string): Promise<PartnerCheck> {
    const username = header?.UserName ?? '';
    const password = header?.Password ?? '';
    if (username === '' || password === '' || username.length > MAX_CREDENTIAL_LENGTH || password.length > MAX_CREDENTIAL_LENGTH) {
      return REFUSED;
    }
    const { throttle, memo } = this.deps;
    const { user, readAhead } = await this.readUser(username, accountUsername);
    const callerOf = (u: PartnerUser): Caller => ({ userId: u.id, username: u.username, entityId: u.entityId, ...(readAhead ? { readAhead } : {}) });
    const userExists = user !== undefined;
    const nowMs = this.deps.clock.now().getTime();
    // During a rotation's overlap the replaced secret works too, until the moment it ends.
    const previous = user?.previousSecret !== undefined && nowMs < user.previousSecret.expiresAtMs ? user.previousSecret : undefined;
    const remembered =
      user !== undefined && (memo.has(user.id, user.secretHash, password, nowMs) || (previous !== undefined && memo.has(user.id, previous.hash, password, nowMs)));
    const usable = user !== undefined && user.active && user.entityActive;
    // The happy path: a secret verified lately, from where this user signed in lately. Such a
    // pair is past every block anyway, so it needs neither a reservation nor a hash.
    if (remembered && usable && (throttle === undefined || throttle.knowsLocally(username, sourceAddress))) {
      return { caller: callerOf(user), userExists };
    }
    const flightKey = `${username.toLowerCase()}\u0000${sourceAddress}\u0000${password}`;
    let verification = this.inFlight.get(flightKey);
    if (verification === undefined) {
      verification = this.verifyReserved(user, username, password, sourceAddress, remembered, previous, usable, nowMs);
      this.inFlight.set(flightKey, verification);
      const settled = verification;
      settled
        .finally(() => {
          if (this.inFlight.get(flightKey) === settled) this.inFlight.delete(flightKey);
        })
        .catch(() => undefined); // the rejection is the callers' to see, through `verification`
    }
    // A joined check passes only if this call's own read of the user allows it too.
    if (!(await verification) || user === undefined || !usable) return { caller: undefined, userExists };
    // Issue 18: a legacy secret (from an import) that just verified is replaced by Argon2id.
    await this.deps.upgradeLegacySecret?.(user, password);
    return { caller: callerOf(user), userExists };
  }

  /** The partner user, and the account the call names when it names one (see `check`). */
  private async readUser(username: string, accountUsername: string | undefined): Promise<{ user: PartnerUser | undefined; readAhead?: AccountReadAhead }> {
    if (accountUsername === undefined || accountUsername === '' || accountUsername.length > MAX_ACCOUNT_NAME_LENGTH) {
      return { user: await this.deps.partnerUsers.findByUsername(username) };
    }
    const both = await this.deps.partnerUsers.findByUsernameWithAccount(username, accountUsername);
    return { user: both.user, readAhead: { username: accountUsername, found: both.account } };
  }

  /** Reserves the attempt, verifies the secret and settles the reservation: true when the caller may pass. */
  private async verifyReserved(
    user: PartnerUser | undefined,
    username: string,
    password: string,
    sourceAddress: string,
    remembered: boolean,
    previous: { readonly hash: string; readonly expiresAtMs: number } | undefined,
    usable: boolean,
    nowMs: number,
  ): Promise<boolean> {
    const { throttle, hasher } = this.deps;
    const attempt = throttle ? await throttle.reserve(username, sourceAddress) : undefined;
    if (throttle && attempt === undefined) {
      await throttle.idle();
      return false;
    }
    let verified = remembered;
    if (user === undefined) {
      await hasher.verify(this.deps.decoyHash, password);
    } else if (!verified) {
      verified = await this.matches(user.id, user.secretHash, password, nowMs);
      if (!verified && previous !== undefined) verified = await this.matches(user.id, previous.hash, password, nowMs);
    }
    if (user === undefined || !verified || !usable) {
      if (attempt) await throttle?.failed(attempt);
      return false;
    }
    if (attempt) await throttle?.succeeded(attempt, username, sourceAddress);
    return true;
  }

  /** Whether `password` is the secret stored as `secretHash`: remembered, or verified and then remembered. */
  private async matches(userId: number, secretHash: string, password: string, nowMs: number): Promise<boolean> {
    if (this.deps.memo.has(userId, secretHash, password, nowMs)) return true;
    const verified = await this.deps.hasher.verify(secretHash, password);
    if (verified) this.deps.memo.remember(userId, secretHash, password, nowMs);
    return verified;
  }
}
