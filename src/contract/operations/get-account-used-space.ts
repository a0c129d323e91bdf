import { field, long, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_LOOKUP_CODES } from './_codes.js';

export const GetAccountUsedSpace = defineOperation({
  name: 'GetAccountUsedSpace',
  style: 'flat',
  description: "Reports how much storage (KB) an account's files occupy.",
  obsolete: false,
  extension: false,
  request: [field('userName', string)],
  accountArgument: 'userName',
  response: [field('GetAccountUsedSpaceResult', ResultInfo), field('usedSpaceInKB', long)],
  resultCodes: ACCOUNT_LOOKUP_CODES,
});
