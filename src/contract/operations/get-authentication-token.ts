import { field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_PASSWORD_CODES } from './_codes.js';

export const GetAuthenticationToken = defineOperation({
  name: 'GetAuthenticationToken',
  style: 'wrapped',
  description: "Verifies a backup account's credentials and returns a short-lived security token for it.",
  obsolete: false,
  extension: false,
  request: [field('Username', string), field('Password', string)],
  response: [field('Result', ResultInfo), field('Token', string)],
  resultCodes: [...ACCOUNT_PASSWORD_CODES, 'InvalidAccountState'],
});
