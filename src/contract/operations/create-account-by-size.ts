import { boolean, field, int, long, string } from '../kinds.js';
import { ResultInfo } from '../common-types.js';
import { defineOperation } from '../operation.js';
import { CREATE_ACCOUNT_CODES } from './_codes.js';

export const CreateAccountBySize = defineOperation({
  name: 'CreateAccountBySize',
  style: 'wrapped',
  description:
    'Creates a backup account under a target entity with a quota given in MB; can be UltraSafe and can suppress notification e-mails.',
  obsolete: false,
  extension: false,
  request: [
    field('TargetEntityId', int),
    field('Username', string),
    field('Password', string),
    field('AccountSizeMB', long),
    field('FullName', string),
    field('Email', string),
    field('IsUltrasafe', boolean),
    field('DisableEmailsNotification', boolean),
  ],
  response: [field('Result', ResultInfo)],
  resultCodes: CREATE_ACCOUNT_CODES,
});
