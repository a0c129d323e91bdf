import { boolean, complex, dateTime, field, int, long, nillableField, string } from '../kinds.js';
import { AccountStatus, ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_LOOKUP_CODES } from './_codes.js';

export const AccountInfo = complex('AccountInfo', [
  field('UserName', string),
  field('FullName', string),
  field('Email', string),
  field('EntityId', int),
  field('Status', AccountStatus),
  field('IsUltraSafe', boolean),
  field('AccountSizeMB', long),
  field('UsedSpaceKB', long),
  field('BackupServerName', string),
  field('LicenseKey', string),
  field('LocaleCode', string),
  field('SignupDateUtc', dateTime),
  nillableField('CancelDateUtc', dateTime),
  nillableField('LastSignInUtc', dateTime),
  field('EmailNotificationsDisabled', boolean),
]);

export const GetAccountInfo = defineOperation({
  name: 'GetAccountInfo',
  style: 'flat',
  description: 'Returns details about a backup account.',
  obsolete: false,
  extension: false,
  request: [field('userName', string)],
  accountArgument: 'userName',
  response: [field('GetAccountInfoResult', ResultInfo), field('accountInfo', AccountInfo)],
  resultCodes: ACCOUNT_LOOKUP_CODES,
});
