import { arrayOf, complex, field, long, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_LOOKUP_CODES } from './_codes.js';

export const AccountSpace = complex('AccountSpace', [
  field('Username', string),
  field('UsedSpaceKB', long),
  field('SystemName', string),
  field('DeviceType', string),
]);

export const GetAccountUsedSpaceBySystem = defineOperation({
  name: 'GetAccountUsedSpaceBySystem',
  style: 'wrapped',
  description: "Reports an account's used storage broken down per backed-up system/device.",
  obsolete: false,
  extension: false,
  request: [field('Username', string)],
  accountArgument: 'Username',
  response: [field('Result', ResultInfo), field('AccountSpaces', arrayOf(AccountSpace))],
  resultCodes: ACCOUNT_LOOKUP_CODES,
});
