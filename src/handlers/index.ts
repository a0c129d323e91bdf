/**
 * One handler per contract operation. The mapped type makes a missing handler a compile error.
 */
import type { Operation, OperationName, OperationNamed } from '../contract/index.js';
import { handleAuthenticate } from './authenticate.js';
import { handleChangeBackupAccountPassword } from './change-backup-account-password.js';
import { handleCreateAccountBySize } from './create-account-by-size.js';
import { handleGetAccountInfo } from './get-account-info.js';
import type { Handler } from './handler.js';

export const HANDLERS: { readonly [N in OperationName]: Handler<OperationNamed<N>> } = {
  Authenticate: handleAuthenticate,
  ChangeBackupAccountPassword: handleChangeBackupAccountPassword,
  CreateAccountBySize: handleCreateAccountBySize,
  GetAccountInfo: handleGetAccountInfo,
};

/**
 * The handler of an operation, typed loosely for the generic dispatcher. Sound because the
 * arguments it is called with were decoded by the same operation's contract.
 */
export function handlerFor(op: Operation): Handler<Operation> {
  return HANDLERS[op.name] as unknown as Handler<Operation>;
}

export { failureOutput, type Handler, type HandlerContext, type HandlerDeps } from './handler.js';
