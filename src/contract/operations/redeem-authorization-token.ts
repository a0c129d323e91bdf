import { boolean, field, int, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';

export const RedeemAuthorizationToken = defineOperation({
  name: 'RedeemAuthorizationToken',
  style: 'wrapped',
  description: 'Consumes a single-use authorization token (web sign-in) and reports whom it signs in.',
  obsolete: false,
  extension: true,
  request: [field('Token', string)],
  response: [field('Result', ResultInfo), field('Username', string), field('EntityId', int), field('IsAppUser', boolean)],
  resultCodes: ['Success', 'UnexpectedError', 'InvalidInputParameters', 'InvalidSoapCredentials', 'InvalidToken', 'TooManyRequests'],
});
