import { field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_LOOKUP_CODES } from './_codes.js';

export const CancelAccount = defineOperation({
  name: 'CancelAccount',
  style: 'flat',
  description: 'Cancels a backup account and e-mails the customer a notice about it.',
  obsolete: false,
  extension: false,
  request: [field('userName', string)],
  response: [field('CancelAccountResult', ResultInfo)],
  resultCodes: ACCOUNT_LOOKUP_CODES,
  accountArgument: 'userName',
});
