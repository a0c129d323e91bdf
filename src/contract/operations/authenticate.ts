import { field, string } from '../kinds.js';
import { AccountStatus, ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';

export const Authenticate = defineOperation({
  name: 'Authenticate',
  style: 'flat',
  description:
    "Checks a backup account's username/password and reports the account's status and the backup server that holds its files.",
  obsolete: false,
  extension: false,
  request: [field('userName', string), field('password', string)],
  response: [field('AuthenticateResult', ResultInfo), field('accountStatus', AccountStatus), field('backupServerName', string)],
  resultCodes: [
    'Success',
    'UnexpectedError',
    'InvalidInputParameters',
    'InvalidSoapCredentials',
    'ObjectEntityMismatch',
    'AccountNotFound',
    'InvalidAccountCredentials',
    'AccountLocked',
    'TooManyRequests',
  ],
});
