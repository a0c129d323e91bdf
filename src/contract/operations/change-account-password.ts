import { field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_PASSWORD_CODES } from './_codes.js';

export const ChangeAccountPassword = defineOperation({
  name: 'ChangeAccountPassword',
  style: 'flat',
  description: "Changes an account's password given the current one, then e-mails the account holder about the change.",
  obsolete: false,
  extension: false,
  request: [field('userName', string), field('password', string), field('newPassword', string)],
  response: [field('ChangeAccountPasswordResult', ResultInfo)],
  resultCodes: [...ACCOUNT_PASSWORD_CODES, 'InvalidAccountState'],
});
