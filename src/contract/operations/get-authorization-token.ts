import { field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_PASSWORD_CODES } from './_codes.js';

export const GetAuthorizationToken = defineOperation({
  name: 'GetAuthorizationToken',
  style: 'wrapped',
  description: "Returns a single-use token for signing in to the customer's web account (MyAccount).",
  obsolete: false,
  extension: false,
  request: [field('Username', string), field('Password', string)],
  response: [field('AuthToken', string), field('Result', ResultInfo)],
  resultCodes: [...ACCOUNT_PASSWORD_CODES, 'InvalidAccountState'],
});
