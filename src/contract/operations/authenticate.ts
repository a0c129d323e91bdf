import { field, string } from '../kinds.js';
import { AccountStatus, ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_PASSWORD_CODES } from './_codes.js';

export const Authenticate = defineOperation({
  name: 'Authenticate',
  style: 'flat',
  description:
    "Checks a backup account's username/password and reports the account's status and the backup server that holds its files.",
  obsolete: false,
  extension: false,
  request: [field('userName', string), field('password', string)],
  response: [field('AuthenticateResult', ResultInfo), field('accountStatus', AccountStatus), field('backupServerName', string)],
  resultCodes: ACCOUNT_PASSWORD_CODES,
});
