import type { Clock, LockoutPolicy, PasswordHasher, UnitOfWork } from '../ports.js';
import type { PasswordPolicy } from '../validation.js';

/** Everything the account use cases need; built once in the composition root. */
export interface AccountDeps {
  readonly uow: UnitOfWork;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly passwordPolicy: PasswordPolicy;
  readonly lockout: LockoutPolicy;
  /** Pool a new account's backup server is chosen from, least-loaded first. */
  readonly backupServers: readonly string[];
}
