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
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockMs: number;
}

export interface AccountRepository {
  findByUsername(username: string): Promise<Account | undefined>;
  /** Inserts unless the user name is taken (case-insensitively): then 'duplicate'. */
  insert(account: NewAccount): Promise<{ readonly id: number } | 'duplicate'>;
  /** New password hash; also clears the failed-sign-in counter and any lock. */
  setPassword(accountId: number, passwordHash: string, at: Date): Promise<void>;
  /** Counts one failed sign-in atomically and locks the account when the policy says so. */
  recordFailedSignIn(accountId: number, at: Date, policy: LockoutPolicy): Promise<{ readonly lockedUntil: Date | null }>;
  recordSuccessfulSignIn(accountId: number, at: Date): Promise<void>;
  /** Number of accounts on each of the given backup servers (0 for a server with none). */
  countByBackupServer(servers: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

export interface EntityRepository {
  findById(id: number): Promise<Entity | undefined>;
  /** True when `entityId` is `ancestorId` itself or lies below it. */
  isWithinTree(ancestorId: number, entityId: number): Promise<boolean>;
}

export interface PartnerUserRepository {
  findByUsername(username: string): Promise<PartnerUser | undefined>;
}

export type TokenKind = 'authentication' | 'authorization' | 'creating-account';

export interface TokenRepository {
  revokeForAccount(accountId: number, kind: TokenKind, at: Date): Promise<number>;
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
  readonly to: string;
  readonly username: string;
  readonly fullName: string;
  readonly localeCode: string;
}

export interface OutboxRepository {
  enqueue(notification: Notification, at: Date): Promise<void>;
}

export interface Repositories {
  readonly accounts: AccountRepository;
  readonly entities: EntityRepository;
  readonly partnerUsers: PartnerUserRepository;
  readonly tokens: TokenRepository;
  readonly audit: AuditRepository;
  readonly outbox: OutboxRepository;
}

/** Repositories outside a transaction, and a way to run a function inside one. */
export interface UnitOfWork extends Repositories {
  /** Everything `work` writes commits together, durably, or not at all. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
}
