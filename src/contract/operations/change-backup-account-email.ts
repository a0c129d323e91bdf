import { boolean, field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_LOOKUP_CODES } from './_codes.js';

export const ChangeBackupAccountEmail = defineOperation({
  name: 'ChangeBackupAccountEmail',
  style: 'wrapped',
  description:
    "Partner-side change of a backup account's e-mail address (no account password needed), with an optional notification e-mail.",
  obsolete: false,
  extension: false,
  request: [field('Username', string), field('Email', string), field('SendEmailToCustomer', boolean)],
  response: [field('Result', ResultInfo)],
  resultCodes: [...ACCOUNT_LOOKUP_CODES, 'InvalidAccountState'],
  accountArgument: 'Username',
});
