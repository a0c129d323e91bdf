import { field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_LOOKUP_CODES } from './_codes.js';

export const ChangeAccountLicenseKey = defineOperation({
  name: 'ChangeAccountLicenseKey',
  style: 'flat',
  description: 'Sets a new license-key value on an account.',
  obsolete: false,
  extension: false,
  request: [field('userName', string), field('licenseKey', string)],
  response: [field('ChangeAccountLicenseKeyResult', ResultInfo)],
  resultCodes: [...ACCOUNT_LOOKUP_CODES, 'InvalidAccountState'],
  accountArgument: 'userName',
});
