import { arrayOf, complex, dateTime, enumeration, field, int, string } from '../kinds.js';
import { defineOperation } from '../operation.js';

/** The one legacy operation whose Result is a plain enum, not a ResultInfo [legacy]. */
export const GetAllAccountsResultCode = enumeration('GetAllAccountsResultCode', [
  'Success',
  'InvalidSoapCredentials',
  'InvalidInputParameters',
  'UnexpectedError',
]);

export const GetAllAccountsItem = complex('GetAllAccountsItem', [
  field('UserName', string),
  field('CustomerName', string),
  field('Email', string),
  field('EntityId', int),
  field('CustomerTypeCode', string),
  field('PaymentPlanId', int),
  field('SignupDate', dateTime),
]);

export const GetAllAccounts = defineOperation({
  name: 'GetAllAccounts',
  style: 'wrapped',
  description: "Old bulk listing of all accounts (in the caller's tree) for a given customer type code; empty means all.",
  obsolete: true,
  extension: false,
  request: [field('CustomerTypeCode', string)],
  response: [field('Result', GetAllAccountsResultCode), field('Accounts', arrayOf(GetAllAccountsItem))],
  plainResultField: 'Result',
  // No TooManyRequests: the legacy enum cannot carry it, and clients generated from the legacy
  // WSDL would fail on an unknown value. Over the partner's rate this answers UnexpectedError
  // (nothing done; try again), as test/wire/GetAllAccounts__rate-limited shows.
  resultCodes: ['Success', 'UnexpectedError', 'InvalidInputParameters', 'InvalidSoapCredentials'],
});
