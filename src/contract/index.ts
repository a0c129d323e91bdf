/**
 * The ordered registry of operations: the legacy operations in the service's own
 * (alphabetical) order, then the extensions. Everything that lists operations walks this.
 */
import { Authenticate } from './operations/authenticate.js';
import { ChangeBackupAccountPassword } from './operations/change-backup-account-password.js';
import { CreateAccountBySize } from './operations/create-account-by-size.js';
import { GetAccountInfo } from './operations/get-account-info.js';

export const OPERATIONS = [Authenticate, ChangeBackupAccountPassword, CreateAccountBySize, GetAccountInfo] as const;

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
