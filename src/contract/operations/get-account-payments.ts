import { arrayOf, complex, dateTime, decimal, field, long, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_LOOKUP_CODES } from './_codes.js';

export const AccountPayment = complex('AccountPayment', [
  field('PaymentId', long),
  field('DateUtc', dateTime),
  field('Amount', decimal),
  field('Currency', string),
  field('Description', string),
]);

export const GetAccountPayments = defineOperation({
  name: 'GetAccountPayments',
  style: 'flat',
  description: 'Returns the payments recorded for an account.',
  obsolete: false,
  extension: false,
  request: [field('userName', string)],
  accountArgument: 'userName',
  response: [field('GetAccountPaymentsResult', ResultInfo), field('payments', arrayOf(AccountPayment))],
  resultCodes: ACCOUNT_LOOKUP_CODES,
});
