import { field, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { CREATE_ACCOUNT_CODES } from './_codes.js';

export const CreateAccountByToken = defineOperation({
  name: 'CreateAccountByToken',
  style: 'wrapped',
  description: 'Creates an account by redeeming, once, a token from GenerateCreatingAccountToken (its entity, quota and UltraSafe flag apply).',
  obsolete: false,
  extension: true,
  request: [field('Token', string), field('Username', string), field('Password', string), field('FullName', string), field('Email', string)],
  response: [field('Result', ResultInfo)],
  resultCodes: [...CREATE_ACCOUNT_CODES, 'InvalidToken'],
});
