import { dateTime, field, nillableField, string } from '../kinds.js';
import { AccountStatus, ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';

export const ValidateAuthenticationToken = defineOperation({
  name: 'ValidateAuthenticationToken',
  style: 'wrapped',
  description: "Checks a token from GetAuthenticationToken (for backup servers checking a client's token) and reports whose it is.",
  obsolete: false,
  extension: true,
  request: [field('Token', string)],
  response: [
    field('Result', ResultInfo),
    field('Username', string),
    field('AccountStatus', AccountStatus),
    field('BackupServerName', string),
    nillableField('ExpiresUtc', dateTime),
  ],
  resultCodes: ['Success', 'UnexpectedError', 'InvalidInputParameters', 'InvalidSoapCredentials', 'InvalidToken', 'TooManyRequests'],
});
