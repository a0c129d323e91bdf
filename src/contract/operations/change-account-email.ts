import { field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_PASSWORD_CODES } from './_codes.js';

export const ChangeAccountEmail = defineOperation({
  name: 'ChangeAccountEmail',
  style: 'flat',
  description:
    "Old way to change an account's e-mail address (takes the account's own password) and notify the new address; superseded by ChangeBackupAccountEmail.",
  obsolete: true,
  extension: false,
  request: [field('userName', string), field('password', string), field('email', string)],
  response: [field('ChangeAccountEmailResult', ResultInfo)],
  resultCodes: [...ACCOUNT_PASSWORD_CODES, 'InvalidAccountState'],
});
