import { RESULT_CODE_NAMES, resultNumber, type ResultCodeName } from './result-codes.js';
import { complex, enumeration, field, int, string, type FieldsValue } from './kinds.js';

/** The service's target namespace [legacy]: no `http://`. */
export const SERVICE_NAMESPACE = 'sosonlinebackup.com';
export const SERVICE_NAME = 'AccountManagementService';
export const SERVICE_PATH = '/WebApi/AccountManagementService/AccountManagementService.asmx';

export const ResultCode = enumeration('ResultCode', RESULT_CODE_NAMES);

/** The standard result object: `<Result><Result>0</Result><Code>Success</Code><Message /></Result>`. */
export const ResultInfo = complex('ResultInfo', [
  field('Result', int),
  field('Code', ResultCode),
  field('Message', string),
]);
export type ResultInfoValue = NonNullable<FieldsValue<(typeof ResultInfo)['fields']>>;

/** The SOAP header carrying a partner API user's credentials [legacy]. */
export const AuthHeader = complex('AuthHeader', [field('UserName', string), field('Password', string)]);
export type AuthHeaderValue = FieldsValue<(typeof AuthHeader)['fields']>;

export const AccountStatus = enumeration('accountStatus', [
  'Active',
  'Cancelled',
  'Expired',
  'Inactive',
  'Locked',
  'Suspended',
]);
export type AccountStatusValue = (typeof AccountStatus)['values'][number];

/** Builds a ResultInfo value; Message is `''` (written `<Message />`) unless given. */
export function resultInfo(code: ResultCodeName, message = ''): ResultInfoValue {
  return { Result: resultNumber(code), Code: code, Message: message };
}
