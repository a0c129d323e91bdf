import type { Clock, LockoutPolicy, PasswordHasher, TokenCodec, UnitOfWork } from '../ports.js';
import type { PasswordPolicy } from '../validation.js';
import type { BackupServerPicker } from './backup-server-picker.js';

export interface TokenPolicy {
  /** GetAuthenticationToken tokens (SERVICE.md: 15 minutes by default). */
  readonly authenticationTtlMs: number;
  /** One-time web sign-in tokens (SERVICE.md: 5 minutes by default). */
  readonly authorizationTtlMs: number;
  /** Longest ValidForHours a creating-account token may ask for. */
  readonly maxCreatingAccountHours: number;
  /** ValidForHours when the request leaves it at 0. */
  readonly defaultCreatingAccountHours: number;
}

/** Everything the account use cases need; built once in the composition root. */
export interface AccountDeps {
  readonly uow: UnitOfWork;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly passwordPolicy: PasswordPolicy;
  readonly lockout: LockoutPolicy;
  /** Chooses a new account's backup server, least-loaded first. */
  readonly backupServers: BackupServerPicker;
  /** Quota of accounts created by calls that do not name one (CreateAccount, licence key). */
  readonly defaultQuotaMb: number;
  readonly tokens: TokenPolicy;
  readonly tokenCodec: TokenCodec;
}
