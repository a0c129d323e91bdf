import { field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { CREATE_OWN_ACCOUNT_CODES } from './_codes.js';

/** The obsolete creation call: a regular account in the caller's own entity with the default quota. */
export const CreateAccount = defineOperation({
  name: 'CreateAccount',
  style: 'flat',
  description: 'Old call that creates a regular (non-UltraSafe) backup account.',
  obsolete: true,
  extension: false,
  request: [
    field('firstName', string),
    field('userName', string),
    field('password', string),
    field('email', string),
    field('licenseKey', string),
    field('localeCode', string),
  ],
  response: [field('CreateAccountResult', ResultInfo)],
  resultCodes: CREATE_OWN_ACCOUNT_CODES,
});
