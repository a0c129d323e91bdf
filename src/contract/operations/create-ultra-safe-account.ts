import { field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { CREATE_OWN_ACCOUNT_CODES } from './_codes.js';

export const CreateUltraSafeAccount = defineOperation({
  name: 'CreateUltraSafeAccount',
  style: 'flat',
  description: 'Old call that creates an UltraSafe backup account.',
  obsolete: true,
  extension: false,
  request: [
    field('firstName', string),
    field('userName', string),
    field('password', string),
    field('email', string),
    field('licenseKey', string),
    field('localeCode', string),
    field('secretQuestion', string),
    field('answer', string),
  ],
  response: [field('CreateUltraSafeAccountResult', ResultInfo)],
  resultCodes: CREATE_OWN_ACCOUNT_CODES,
});
