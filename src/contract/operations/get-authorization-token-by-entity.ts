import { boolean, field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { ACCOUNT_LOOKUP_CODES } from './_codes.js';

export const GetAuthorizationTokenByEntity = defineOperation({
  name: 'GetAuthorizationTokenByEntity',
  style: 'wrapped',
  description:
    'Returns a single-use token for signing in to MyAccount or the Partner Dashboard, for a named user; IsAppUser says whether it is a backup account (true) or a partner user (false).',
  obsolete: false,
  extension: false,
  request: [field('Username', string), field('IsAppUser', boolean)],
  // AuthToken before Result, as on the legacy page.
  response: [field('AuthToken', string), field('Result', ResultInfo)],
  resultCodes: [...ACCOUNT_LOOKUP_CODES, 'InvalidAccountState'],
});
