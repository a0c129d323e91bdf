import { field, long, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_LOOKUP_CODES } from './_codes.js';

export const ChangeAccountSize = defineOperation({
  name: 'ChangeAccountSize',
  style: 'flat',
  description: "Changes an account's storage quota, expressed in MB.",
  obsolete: false,
  extension: false,
  request: [field('userName', string), field('sizeInMB', long)],
  response: [field('ChangeAccountSizeResult', ResultInfo)],
  resultCodes: [...ACCOUNT_LOOKUP_CODES, 'InvalidAccountState'],
  accountArgument: 'userName',
});
