/**
 * The ordered registry of operations: the 21 legacy operations in the service's own
 * (alphabetical) order, then the extensions. Everything that lists operations walks this.
 */
import { Authenticate } from './operations/authenticate.js';
import { CancelAccount } from './operations/cancel-account.js';
import { ChangeAccountEmail } from './operations/change-account-email.js';
import { ChangeAccountLicenseKey } from './operations/change-account-license-key.js';
import { ChangeAccountPassword } from './operations/change-account-password.js';
import { ChangeAccountSize } from './operations/change-account-size.js';
import { ChangeBackupAccountEmail } from './operations/change-backup-account-email.js';
import { ChangeBackupAccountPassword } from './operations/change-backup-account-password.js';
import { CreateAccount } from './operations/create-account.js';
import { CreateAccountByPartnerLicenseKey } from './operations/create-account-by-partner-license-key.js';
import { CreateAccountBySize } from './operations/create-account-by-size.js';
import { CreateUltraSafeAccount } from './operations/create-ultra-safe-account.js';
import { GenerateCreatingAccountToken } from './operations/generate-creating-account-token.js';
import { GetAccountInfo } from './operations/get-account-info.js';
import { GetAccountPayments } from './operations/get-account-payments.js';
import { GetAccountUsedSpace } from './operations/get-account-used-space.js';
import { GetAccountUsedSpaceBySystem } from './operations/get-account-used-space-by-system.js';
import { GetAllAccounts } from './operations/get-all-accounts.js';
import { GetAuthenticationToken } from './operations/get-authentication-token.js';
import { GetAuthorizationToken } from './operations/get-authorization-token.js';
import { GetAuthorizationTokenByEntity } from './operations/get-authorization-token-by-entity.js';
import { CreateAccountByToken } from './operations/create-account-by-token.js';
import { ValidateAuthenticationToken } from './operations/validate-authentication-token.js';
import { RedeemAuthorizationToken } from './operations/redeem-authorization-token.js';

export const OPERATIONS = [
  Authenticate,
  CancelAccount,
  ChangeAccountEmail,
  ChangeAccountLicenseKey,
  ChangeAccountPassword,
  ChangeAccountSize,
  ChangeBackupAccountEmail,
  ChangeBackupAccountPassword,
  CreateAccount,
  CreateAccountByPartnerLicenseKey,
  CreateAccountBySize,
  CreateUltraSafeAccount,
  GenerateCreatingAccountToken,
  GetAccountInfo,
  GetAccountPayments,
  GetAccountUsedSpace,
  GetAccountUsedSpaceBySystem,
  GetAllAccounts,
  GetAuthenticationToken,
  GetAuthorizationToken,
  GetAuthorizationTokenByEntity,
  // Extensions of this implementation, listed after the legacy operations.
  CreateAccountByToken,
  ValidateAuthenticationToken,
  RedeemAuthorizationToken,
] as const;

export type Operation = (typeof OPERATIONS)[number];
export type OperationName = Operation['name'];
export type OperationNamed<N extends OperationName> = Extract<Operation, { name: N }>;

const BY_NAME: ReadonlyMap<string, Operation> = new Map(OPERATIONS.map((op) => [op.name, op]));

export function operationNamed(name: string): Operation | undefined {
  return BY_NAME.get(name);
}

export * from './kinds.js';
export * from './result-codes.js';
export * from './common-types.js';
export * from './operation.js';
export { AccountInfo } from './operations/get-account-info.js';
export { AccountPayment } from './operations/get-account-payments.js';
export { AccountSpace } from './operations/get-account-used-space-by-system.js';
export { GetAllAccountsItem, GetAllAccountsResultCode } from './operations/get-all-accounts.js';
