import { boolean, dateTime, field, int, long, nillableField, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';

export const GenerateCreatingAccountToken = defineOperation({
  name: 'GenerateCreatingAccountToken',
  style: 'wrapped',
  description:
    'Produces a single-use token that lets one customer create one account under the target entity with the given quota (redeemed by CreateAccountByToken).',
  obsolete: false,
  extension: false,
  request: [field('TargetEntityId', int), field('AccountSizeMB', long), field('IsUltrasafe', boolean), field('ValidForHours', int)],
  response: [field('Result', ResultInfo), field('Token', string), nillableField('ExpiresUtc', dateTime)],
  resultCodes: ['Success', 'UnexpectedError', 'InvalidInputParameters', 'InvalidSoapCredentials', 'ObjectEntityMismatch', 'TooManyRequests'],
});
