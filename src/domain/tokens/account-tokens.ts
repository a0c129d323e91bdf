/**
 * Tokens for backup accounts: authentication tokens (GetAuthenticationToken, short-lived,
 * revoked by any password change, checked by ValidateAuthenticationToken) and one-time
 * authorization tokens for web sign-in (GetAuthorizationToken, GetAuthorizationTokenByEntity,
 * consumed by RedeemAuthorizationToken). Only digests are stored. A token whose subject is
 * outside the caller's tree is answered exactly like an unknown one.
 */
import { failure, invalidInput, ok, refusal, success, type Failure, type Outcome, type Result } from '../outcome.js';
import type { Account, Caller } from '../ports.js';
import { checkUsername } from '../validation.js';
import { checkAccountPassword } from '../accounts/account-password.js';
import { refuseCancelled } from '../accounts/change-backup-account-password.js';
import { findAccountInTree } from '../accounts/find-in-tree.js';
import { effectiveStatus, type AccountStatus } from '../accounts/account.js';
import type { AccountDeps } from '../accounts/deps.js';

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** Longest token value worth looking up: ours are 43 characters. */
export const MAX_TOKEN_LENGTH = 128;

/** A fresh random token, the digest to store, and its expiry `lifetimeMs` from now. */
export function mintToken(deps: Pick<AccountDeps, 'clock' | 'tokenCodec'>, lifetimeMs: number) {
  const now = deps.clock.now();
  const token = deps.tokenCodec.generate();
  return { token, digest: deps.tokenCodec.digest(token), now, expiresAt: new Date(now.getTime() + lifetimeMs) };
}

/** An account the caller may act on, after its own password was proven (with lock-out), and the generation proven. */
async function provenAccount(
  deps: AccountDeps,
  caller: Caller,
  input: { username: string | null; password: string | null },
  names: { username: string; password: string },
): Promise<Result<{ account: Account; credentialGeneration: number }>> {
  const username = checkUsername(names.username, input.username);
  if (!username.ok) return username;
  if (!input.password) return refusal(invalidInput(`${names.password} is required.`));
  const found = await findAccountInTree(deps.uow, caller, username.value, { signIn: true });
  if (!found.ok) return found;
  const checked = await checkAccountPassword(deps, found.value, input.password);
  if (!checked.ok) return checked;
  const refused = refuseCancelled(found.value);
  if (refused) return refusal(refused);
  return ok({ account: found.value, credentialGeneration: checked.value.credentialGeneration });
}

/** The password proven is no longer the account's: a change committed while the token was being issued. */
const changedMeanwhile = (): Failure => failure('InvalidAccountCredentials');

export async function issueAuthenticationToken(
  deps: AccountDeps,
  caller: Caller,
  input: { username: string | null; password: string | null },
  names: { username: string; password: string },
): Promise<Outcome<IssuedToken>> {
  const proven = await provenAccount(deps, caller, input, names);
  if (!proven.ok) return proven.failure;
  const { token, digest, now, expiresAt } = mintToken(deps, deps.tokens.authenticationTtlMs);
  const stored = await deps.uow.tokens.insertAuthentication({ digest, accountId: proven.value.account.id, credentialGeneration: proven.value.credentialGeneration, expiresAt }, now);
  if (!stored) return changedMeanwhile();
  return success({ token, expiresAt });
}

export interface AuthenticationTokenFacts {
  readonly username: string;
  readonly status: AccountStatus;
  readonly backupServer: string;
  readonly expiresAt: Date;
}

export async function validateAuthenticationToken(
  deps: AccountDeps,
  caller: Caller,
  input: { token: string | null },
  name: string,
): Promise<Outcome<AuthenticationTokenFacts>> {
  if (!input.token) return invalidInput(`${name} is required.`);
  if (input.token.length > MAX_TOKEN_LENGTH) return failure('InvalidToken');
  const stored = await deps.uow.tokens.findAuthentication(deps.tokenCodec.digest(input.token));
  const now = deps.clock.now();
  if (!stored || stored.revokedAt !== null || stored.expiresAt.getTime() <= now.getTime()) return failure('InvalidToken');
  const account = await deps.uow.accounts.findById(stored.accountId);
  // A token bought with a password since changed is worthless, even if it escaped the revocation.
  if (!account || account.credentialGeneration !== stored.credentialGeneration) return failure('InvalidToken');
  if (!(await deps.uow.entities.isWithinTree(caller.entityId, account.entityId))) return failure('InvalidToken');
  return success({ username: account.username, status: effectiveStatus(account, now), backupServer: account.backupServer, expiresAt: stored.expiresAt });
}

/** GetAuthorizationToken: the customer's own credentials buy a one-time web sign-in token. */
export async function issueAuthorizationToken(
  deps: AccountDeps,
  caller: Caller,
  input: { username: string | null; password: string | null },
  names: { username: string; password: string },
): Promise<Outcome<IssuedToken>> {
  const proven = await provenAccount(deps, caller, input, names);
  if (!proven.ok) return proven.failure;
  return storeAuthorization(deps, caller, {
    accountId: proven.value.account.id,
    partnerUserId: null,
    entityId: proven.value.account.entityId,
    credentialGeneration: proven.value.credentialGeneration,
  });
}

/** GetAuthorizationTokenByEntity: the partner vouches for a backup account or a partner user in its tree. */
export async function issueAuthorizationTokenByEntity(
  deps: AccountDeps,
  caller: Caller,
  input: { username: string | null; isAppUser: boolean },
  name: string,
): Promise<Outcome<IssuedToken>> {
  const username = checkUsername(name, input.username);
  if (!username.ok) return username.failure;
  if (input.isAppUser) {
    const found = await findAccountInTree(deps.uow, caller, username.value);
    if (!found.ok) return found.failure;
    const refused = refuseCancelled(found.value);
    if (refused) return refused;
    // The partner vouches for the account as it stands now: a password change later still ends the token.
    return storeAuthorization(deps, caller, {
      accountId: found.value.id,
      partnerUserId: null,
      entityId: found.value.entityId,
      credentialGeneration: found.value.credentialGeneration,
    });
  }
  // Unknown and foreign partner users get the same answer: partners cannot probe each other's users.
  const user = await deps.uow.partnerUsers.findByUsername(username.value);
  if (!user || !(await deps.uow.entities.isWithinTree(caller.entityId, user.entityId))) {
    return failure('ObjectEntityMismatch', 'No partner user of that name in your tree.');
  }
  if (!user.entityActive) return failure('ObjectEntityMismatch', "The partner user's entity is disabled.");
  if (!user.active) return failure('InvalidAccountState', 'The user is disabled.');
  return storeAuthorization(deps, caller, { accountId: null, partnerUserId: user.id, entityId: user.entityId, credentialGeneration: 0 });
}

async function storeAuthorization(
  deps: AccountDeps,
  caller: Caller,
  subject: { accountId: number | null; partnerUserId: number | null; entityId: number; credentialGeneration: number },
): Promise<Outcome<IssuedToken>> {
  const { token, digest, now, expiresAt } = mintToken(deps, deps.tokens.authorizationTtlMs);
  if (!(await deps.uow.tokens.insertAuthorization({ digest, ...subject, issuedBy: caller.userId, expiresAt }, now))) return changedMeanwhile();
  return success({ token, expiresAt });
}

export interface RedeemedAuthorization {
  readonly username: string;
  readonly entityId: number;
  readonly isAppUser: boolean;
}

/** RedeemAuthorizationToken: one use only, also when two redemptions race (one conditional update decides). */
export async function redeemAuthorizationToken(
  deps: AccountDeps,
  caller: Caller,
  input: { token: string | null },
  name: string,
): Promise<Outcome<RedeemedAuthorization>> {
  if (!input.token) return invalidInput(`${name} is required.`);
  if (input.token.length > MAX_TOKEN_LENGTH) return failure('InvalidToken');
  const digest = deps.tokenCodec.digest(input.token);
  const stored = await deps.uow.tokens.findAuthorization(digest);
  if (!stored || !(await deps.uow.entities.isWithinTree(caller.entityId, stored.entityId))) return failure('InvalidToken');
  const subject = stored.accountId !== null ? await deps.uow.accounts.findById(stored.accountId) : undefined;
  const user = stored.partnerUserId !== null ? await deps.uow.partnerUsers.findById(stored.partnerUserId) : undefined;
  const username = subject?.username ?? user?.username;
  // A cancelled account or a disabled user (or one in a disabled entity) can no longer be signed in to.
  if (username === undefined || subject?.status === 'Cancelled' || user?.active === false || user?.entityActive === false) return failure('InvalidToken');
  if (subject && subject.credentialGeneration !== stored.credentialGeneration) return failure('InvalidToken');
  if (!(await deps.uow.tokens.consumeAuthorization(digest, deps.clock.now()))) return failure('InvalidToken');
  return success({ username, entityId: stored.entityId, isAppUser: stored.accountId !== null });
}
