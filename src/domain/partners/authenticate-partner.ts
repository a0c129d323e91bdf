/**
 * Verifies an AuthHeader (SERVICE.md §2). Every failure looks the same to the caller, and an
 * unknown user name costs one Argon2 verification like a known one, so neither the answer
 * nor its timing tells whether a partner user exists.
 */
import type { Caller, Clock, PartnerUser, PartnerUserRepository, PasswordHasher } from '../ports.js';
import type { CredentialMemo } from './credential-memo.js';

export interface PartnerCredentials {
  readonly UserName: string | null;
  readonly Password: string | null;
}

/**
 * Throttles failed checks per user name and per source (issue 6); implemented in
 * security/auth-throttle.ts. A refused check is answered like any failure, without a hash.
 */
export interface PartnerAuthThrottle {
  allows(username: string, sourceAddress: string): boolean;
  failed(username: string, sourceAddress: string): void;
  /** A success, verified or remembered: the source is known to this user from now on. */
  succeeded(username: string, sourceAddress: string): void;
  /** Waits about as long as a verification takes, so that a refusal is not faster. */
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

/** Longer values cannot be valid and are not worth hashing. */
const MAX_CREDENTIAL_LENGTH = 256;

export class PartnerAuthenticator {
  constructor(private readonly deps: PartnerAuthenticatorDeps) {}

  async authenticate(header: PartnerCredentials | null, sourceAddress = ''): Promise<Caller | undefined> {
    const username = header?.UserName ?? '';
    const password = header?.Password ?? '';
    if (username === '' || password === '' || username.length > MAX_CREDENTIAL_LENGTH || password.length > MAX_CREDENTIAL_LENGTH) {
      return undefined;
    }
    const throttle = this.deps.throttle;
    if (throttle && !throttle.allows(username, sourceAddress)) {
      await throttle.idle();
      return undefined;
    }
    const user = await this.deps.partnerUsers.findByUsername(username);
    if (!user) {
      await this.deps.hasher.verify(this.deps.decoyHash, password);
      throttle?.failed(username, sourceAddress);
      return undefined;
    }
    const nowMs = this.deps.clock.now().getTime();
    let verified = this.deps.memo.has(user.id, user.secretHash, password, nowMs);
    if (!verified) {
      verified = await this.deps.hasher.verify(user.secretHash, password);
      if (verified) this.deps.memo.remember(user.id, user.secretHash, password, nowMs);
    }
    if (!verified || !user.active || !user.entityActive) {
      throttle?.failed(username, sourceAddress);
      return undefined;
    }
    throttle?.succeeded(username, sourceAddress);
    await this.deps.upgradeLegacySecret?.(user, password);
    return { userId: user.id, username: user.username, entityId: user.entityId };
  }
}
