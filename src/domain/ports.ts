/**
 * What the domain needs from the outside world. Implemented in store/ (SQL), mail/ and app/;
 * the domain itself does no I/O.
 */
import type { AccountStatus } from './accounts/account.js';

export interface Clock {
  now(): Date;
}

export interface PasswordHasher {
  hash(secret: string): Promise<string>;
  verify(hash: string, secret: string): Promise<boolean>;
}

/** The partner API user on whose behalf a call runs. */
export interface Caller {
  readonly userId: number;
  readonly username: string;
  readonly entityId: number;
  /**
   * The account the call names, read in the same statement as the partner check (one round
   * trip to PostgreSQL instead of two, issue 20): see `AccountReadAhead`. Absent when the
   * operation names no account, or the caller was not made by a SOAP call's partner check.
   */
  readonly readAhead?: AccountReadAhead;
}

/**
 * An account read together with the partner user at the start of a call, as of that moment:
 * exactly what `findInTree(username, caller.entityId)` answered then. It may serve only the
 * call's first read of that account outside a transaction (`findAccountInTree`'s `firstRead`),
 * which would have read the same committed state a moment later; never a read inside a
 * transaction or after the call changed something.
 */
export interface AccountReadAhead {
  /** The user name as the call gave it. */
  readonly username: string;
  readonly found: AccountInTree | undefined;
}

/** Facts about the request that the audit log records. */
export interface RequestContext {
  readonly requestId: string;
  readonly sourceAddress: string;
  readonly operation: string;
}

export interface Entity {
  readonly id: number;
  readonly parentId: number | null;
  readonly name: string;
  readonly active: boolean;
  readonly customerTypeCode: string;
}

export interface PartnerUser {
  readonly id: number;
  readonly entityId: number;
  readonly username: string;
  readonly secretHash: string;
  readonly active: boolean;
  /**
   * Whether the user's entity is in force — enabled itself and every entity above it (read
   * together with the user: one query per call, so a disabled subtree is refused at once).
   */
  readonly entityActive: boolean;
  /** The secret a rotation replaced, accepted until `expiresAtMs` (issue 17); absent when none. */
  readonly previousSecret?: { readonly hash: string; readonly expiresAtMs: number };
}

/** An account together with where it stands relative to a caller's entity. */
export interface AccountInTree {
  readonly account: Account;
  /** The account's entity is the caller's entity or below it. */
  readonly inTree: boolean;
  readonly entityActive: boolean;
}

export interface Account {
  readonly id: number;
  readonly username: string;
  readonly passwordHash: string;
  readonly fullName: string;
  readonly email: string;
  readonly entityId: number;
  readonly quotaMb: number;
  readonly usedSpaceKb: number;
  readonly isUltraSafe: boolean;
  readonly status: AccountStatus;
  readonly backupServer: string;
  readonly licenseKey: string;
  readonly localeCode: string;
  readonly emailNotificationsDisabled: boolean;
  readonly signupAt: Date;
  readonly cancelledAt: Date | null;
  readonly lastSignInAt: Date | null;
  readonly lockedUntil: Date | null;
  /** Bumped by every password change: a token bought with an older generation is worthless. */
  readonly credentialGeneration: number;
}

export interface NewAccount {
  readonly username: string;
  readonly passwordHash: string;
  readonly fullName: string;
  readonly firstName: string;
  readonly email: string;
  readonly entityId: number;
  readonly quotaMb: number;
  readonly isUltraSafe: boolean;
  readonly backupServer: string;
  readonly licenseKey: string;
  readonly localeCode: string;
  readonly secretQuestion: string;
  readonly secretAnswerHash: string;
  readonly emailNotificationsDisabled: boolean;
  readonly customerTypeCode: string;
  readonly signupAt: Date;
}

export interface LockoutPolicy {
  /** Password checks (in flight or failed) per window; reaching it with a failure locks the account. */
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockMs: number;
  /** Hard cap on password checks per account per rolling hour, whatever the window settings allow. */
  readonly maxChecksPerHour: number;
}

/**
 * A password check reserved before hashing: the hash and credential generation to check
 * against, read in the same statement that took the reservation. `refused`: locked, or the
 * window's (or the hour's) checks are all taken, some perhaps still in flight.
 */
export type SignInReservation =
  | { readonly granted: true; readonly passwordHash: string; readonly credentialGeneration: number }
  | { readonly granted: false };

export interface AccountRepository {
  findByUsername(username: string): Promise<Account | undefined>;
  /** The account and its place relative to `ancestorEntityId`, in one query (the hot path of every call). */
  findInTree(username: string, ancestorEntityId: number): Promise<AccountInTree | undefined>;
  /** Inserts unless the user name is taken (case-insensitively): then 'duplicate'. */
  insert(account: NewAccount): Promise<{ readonly id: number } | 'duplicate'>;
  /**
   * New password hash and the next credential generation; also clears the check counters and
   * any lock. With `expectedGeneration`, only if the generation is still that one (the caller
   * proved the old password): false when another change came first.
   */
  setPassword(accountId: number, passwordHash: string, at: Date, expectedGeneration?: number): Promise<boolean>;
  /** Takes one password check atomically (one conditional UPDATE … RETURNING), before any hashing. */
  reserveSignInCheck(accountId: number, at: Date, policy: LockoutPolicy): Promise<SignInReservation>;
  /** A reserved check failed: the reservation stays counted; locks the account when the count reached the limit. */
  recordFailedSignIn(accountId: number, at: Date, policy: LockoutPolicy): Promise<{ readonly lockedUntil: Date | null }>;
  /** A reserved check succeeded: the window's count is cleared and the hour's reservation given back. */
  recordSuccessfulSignIn(accountId: number, at: Date): Promise<void>;
  /** Number of accounts on each of the given backup servers (0 for a server with none). */
  countByBackupServer(servers: readonly string[]): Promise<ReadonlyMap<string, number>>;
  findById(id: number): Promise<Account | undefined>;
  update(accountId: number, change: AccountUpdate, at: Date): Promise<void>;
  /** Accounts of `entityId` and every entity below it, optionally of one customer type, by user name. */
  listInTree(entityId: number, customerTypeCode: string | null): Promise<readonly AccountListItem[]>;
  /**
   * The same list in the same order, read in batches of at most `batchSize` as the caller asks
   * for them (GetAllAccounts streams it). No transaction is held between batches: see the store
   * for what a list read during concurrent writes may contain. Stopping early (`return()`) reads
   * no more.
   */
  listInTreeBatches(entityId: number, customerTypeCode: string | null, batchSize: number): AsyncIterable<readonly AccountListItem[]>;
  usageBySystem(accountId: number): Promise<readonly SystemUsage[]>;
  payments(accountId: number): Promise<readonly Payment[]>;
}

export interface AccountUpdate {
  readonly email?: string;
  readonly licenseKey?: string;
  readonly quotaMb?: number;
  readonly status?: AccountStatus;
  readonly cancelledAt?: Date;
}

export interface AccountListItem {
  readonly username: string;
  readonly fullName: string;
  readonly email: string;
  readonly entityId: number;
  readonly customerTypeCode: string;
  readonly paymentPlanId: number;
  readonly signupAt: Date;
}

export interface SystemUsage {
  readonly systemName: string;
  readonly deviceType: string;
  readonly usedKb: number;
}

export interface Payment {
  readonly id: number;
  readonly paidAt: Date;
  /** Decimal text, never a float. */
  readonly amount: string;
  readonly currency: string;
  readonly description: string;
}

export interface EntityRepository {
  findById(id: number): Promise<Entity | undefined>;
  /** True when `entityId` is `ancestorId` itself or lies below it. */
  isWithinTree(ancestorId: number, entityId: number): Promise<boolean>;
}

export interface PartnerUserRepository {
  findByUsername(username: string): Promise<PartnerUser | undefined>;
  /**
   * The partner user and, in the same statement, the account `accountUsername` as
   * `AccountRepository.findInTree(accountUsername, user.entityId)` finds it: one round trip
   * for the two reads nearly every call on an account starts with.
   */
  findByUsernameWithAccount(username: string, accountUsername: string): Promise<{ readonly user: PartnerUser | undefined; readonly account: AccountInTree | undefined }>;
  findById(id: number): Promise<PartnerUser | undefined>;
}

/** Tokens a password change or a cancellation must revoke. */
export type TokenKind = 'authentication' | 'authorization';

/** A token as stored: only the digest of the token's value is ever kept. */
export interface StoredToken {
  readonly digest: string;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
}

export interface AuthenticationToken extends StoredToken {
  readonly accountId: number;
  readonly revokedAt: Date | null;
  /** The account's credential generation the token was bought with. */
  readonly credentialGeneration: number;
}

export interface AuthorizationToken extends StoredToken {
  readonly accountId: number | null;
  readonly partnerUserId: number | null;
  readonly entityId: number;
  readonly credentialGeneration: number;
}

export interface CreatingAccountToken extends StoredToken {
  readonly entityId: number;
  readonly quotaMb: number;
  readonly isUltraSafe: boolean;
}

export interface TokenRepository {
  revokeForAccount(accountId: number, kind: TokenKind, at: Date): Promise<number>;
  /**
   * Stores the token only if the account's credential generation is still `credentialGeneration`
   * (one INSERT … SELECT): false when a password change came in between.
   */
  insertAuthentication(token: { digest: string; accountId: number; credentialGeneration: number; expiresAt: Date }, at: Date): Promise<boolean>;
  findAuthentication(digest: string): Promise<AuthenticationToken | undefined>;
  /** For an account, stored only while its credential generation is still the one given (as above). */
  insertAuthorization(
    token: {
      digest: string;
      accountId: number | null;
      partnerUserId: number | null;
      entityId: number;
      issuedBy: number;
      credentialGeneration: number;
      expiresAt: Date;
    },
    at: Date,
  ): Promise<boolean>;
  findAuthorization(digest: string): Promise<AuthorizationToken | undefined>;
  /**
   * Marks the token used if it still is unused, unexpired and (for an account) of the account's
   * current credential generation; false when another use or a password change won.
   */
  consumeAuthorization(digest: string, at: Date): Promise<boolean>;
  insertCreatingAccount(
    token: { digest: string; entityId: number; quotaMb: number; isUltraSafe: boolean; issuedBy: number; expiresAt: Date },
    at: Date,
  ): Promise<void>;
  findCreatingAccount(digest: string): Promise<CreatingAccountToken | undefined>;
  consumeCreatingAccount(digest: string, accountId: number, at: Date): Promise<boolean>;
}

export interface LicenseKeyRepository {
  /** The entity a partner licence key belongs to, unless unknown or revoked. */
  entityOf(digest: string): Promise<number | undefined>;
}

export interface AuditEntry {
  readonly at: Date;
  readonly context: RequestContext;
  readonly caller: Caller;
  readonly accountId: number | null;
  readonly accountUsername: string;
  readonly outcome: string;
  /** Free-form facts about the change (flags, sizes) — never a secret. */
  readonly detail: Readonly<Record<string, string | number | boolean>>;
}

export interface AuditRepository {
  record(entry: AuditEntry): Promise<void>;
}

export type NotificationEvent = 'account-created' | 'password-changed' | 'email-changed' | 'account-cancelled';

/** An e-mail to send, as template data: rendering happens at delivery. Never a secret. */
export interface Notification {
  readonly event: NotificationEvent;
  /** The entity of the account the notice is about: a sandbox shows captured mail to that partner's tree only. */
  readonly entityId: number;
  readonly to: string;
  readonly username: string;
  readonly fullName: string;
  readonly localeCode: string;
}

export interface OutboxRepository {
  enqueue(notification: Notification, at: Date): Promise<void>;
}

/** Issue 18: swapping a legacy hash for Argon2id after a successful sign-in. */
export interface HashUpgradeRepository {
  /** Stores `to` if the account's hash is still `from` (also in the import ledger); false otherwise. */
  replaceAccountHash(accountId: number, from: string, to: string, at: Date): Promise<boolean>;
  replacePartnerSecret(partnerUserId: number, from: string, to: string, at: Date): Promise<boolean>;
}

export interface Repositories {
  readonly accounts: AccountRepository;
  readonly entities: EntityRepository;
  readonly partnerUsers: PartnerUserRepository;
  readonly tokens: TokenRepository;
  readonly audit: AuditRepository;
  readonly outbox: OutboxRepository;
  readonly licenseKeys: LicenseKeyRepository;
  readonly hashUpgrades: HashUpgradeRepository;
}

/** Repositories outside a transaction, and a way to run a function inside one. */
export interface UnitOfWork extends Repositories {
  /** Everything `work` writes commits together, durably, or not at all. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
}

/** Random tokens and their stored digests (implemented with the CSPRNG and SHA-256). */
export interface TokenCodec {
  generate(prefix?: string): string;
  digest(token: string): string;
}
