import { boolean, field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { CREATE_ACCOUNT_CODES } from './_codes.js';

export const CreateAccountByPartnerLicenseKey = defineOperation({
  name: 'CreateAccountByPartnerLicenseKey',
  style: 'flat',
  description:
    'Creates a backup account tied to a license key and a partner license key (which names the entity), with locale and a secret question/answer.',
  obsolete: false,
  extension: false,
  request: [
    field('firstName', string),
    field('userName', string),
    field('password', string),
    field('email', string),
    field('licenseKey', string),
    field('partnerLicenseKey', string),
    field('localeCode', string),
    field('isUltraSafe', boolean),
    field('secretQuestion', string),
    field('answer', string),
  ],
  response: [field('CreateAccountByPartnerLicenseKeyResult', ResultInfo)],
  resultCodes: CREATE_ACCOUNT_CODES,
});
