import { boolean, field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_LOOKUP_CODES } from './_codes.js';

export const ChangeBackupAccountPassword = defineOperation({
  name: 'ChangeBackupAccountPassword',
  style: 'wrapped',
  description: 'Changes password for non-ultrasafe account and optionally sends notification email',
  obsolete: false,
  extension: false,
  request: [field('Username', string), field('NewPassword', string), field('SendEmailToCustomer', boolean)],
  response: [field('Result', ResultInfo)],
  resultCodes: [...ACCOUNT_LOOKUP_CODES, 'UltraSafeNotSupported', 'InvalidAccountState'],
  accountArgument: 'Username',
});
