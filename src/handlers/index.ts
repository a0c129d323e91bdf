/**
 * One handler per contract operation. The mapped type makes a missing handler a compile error.
 */
import type { Operation, OperationName, OperationNamed } from '../contract/index.js';
import { handleAuthenticate } from './authenticate.js';
import { handleCancelAccount } from './cancel-account.js';
import { handleChangeAccountEmail } from './change-account-email.js';
import { handleChangeAccountLicenseKey } from './change-account-license-key.js';
import { handleChangeAccountPassword } from './change-account-password.js';
import { handleChangeAccountSize } from './change-account-size.js';
import { handleChangeBackupAccountEmail } from './change-backup-account-email.js';
import { handleChangeBackupAccountPassword } from './change-backup-account-password.js';
import { handleCreateAccount } from './create-account.js';
import { handleCreateAccountByPartnerLicenseKey } from './create-account-by-partner-license-key.js';
import { handleCreateAccountBySize } from './create-account-by-size.js';
import { handleCreateUltraSafeAccount } from './create-ultra-safe-account.js';
import { handleGenerateCreatingAccountToken } from './generate-creating-account-token.js';
import { handleGetAccountInfo } from './get-account-info.js';
import { handleGetAccountPayments } from './get-account-payments.js';
import { handleGetAccountUsedSpace } from './get-account-used-space.js';
import { handleGetAccountUsedSpaceBySystem } from './get-account-used-space-by-system.js';
import { handleGetAllAccounts } from './get-all-accounts.js';
import { handleGetAuthenticationToken } from './get-authentication-token.js';
import { handleGetAuthorizationToken } from './get-authorization-token.js';
import { handleGetAuthorizationTokenByEntity } from './get-authorization-token-by-entity.js';
import { handleCreateAccountByToken } from './create-account-by-token.js';
import { handleValidateAuthenticationToken } from './validate-authentication-token.js';
import { handleRedeemAuthorizationToken } from './redeem-authorization-token.js';
import type { Handler } from './handler.js';

export const HANDLERS: { readonly [N in OperationName]: Handler<OperationNamed<N>> } = {
  Authenticate: handleAuthenticate,
  CancelAccount: handleCancelAccount,
  ChangeAccountEmail: handleChangeAccountEmail,
  ChangeAccountLicenseKey: handleChangeAccountLicenseKey,
  ChangeAccountPassword: handleChangeAccountPassword,
  ChangeAccountSize: handleChangeAccountSize,
  ChangeBackupAccountEmail: handleChangeBackupAccountEmail,
  ChangeBackupAccountPassword: handleChangeBackupAccountPassword,
  CreateAccount: handleCreateAccount,
  CreateAccountByPartnerLicenseKey: handleCreateAccountByPartnerLicenseKey,
  CreateAccountBySize: handleCreateAccountBySize,
  CreateUltraSafeAccount: handleCreateUltraSafeAccount,
  GenerateCreatingAccountToken: handleGenerateCreatingAccountToken,
  GetAccountInfo: handleGetAccountInfo,
  GetAccountPayments: handleGetAccountPayments,
  GetAccountUsedSpace: handleGetAccountUsedSpace,
  GetAccountUsedSpaceBySystem: handleGetAccountUsedSpaceBySystem,
  GetAllAccounts: handleGetAllAccounts,
  GetAuthenticationToken: handleGetAuthenticationToken,
  GetAuthorizationToken: handleGetAuthorizationToken,
  GetAuthorizationTokenByEntity: handleGetAuthorizationTokenByEntity,
  CreateAccountByToken: handleCreateAccountByToken,
  ValidateAuthenticationToken: handleValidateAuthenticationToken,
  RedeemAuthorizationToken: handleRedeemAuthorizationToken,
};

/**
 * The handler of an operation, typed loosely for the generic dispatcher. Sound because the
 * arguments it is called with were decoded by the same operation's contract.
 */
export function handlerFor(op: Operation): Handler<Operation> {
  return HANDLERS[op.name] as unknown as Handler<Operation>;
}

export { failureOutput, type Handler, type HandlerContext, type HandlerDeps } from './handler.js';
