/** The partner-lifecycle commands (issue 17) and the API keys (issue 19), in the order `ams help` lists them. */
import { ACCOUNT_FIND_COMMANDS } from './account-find.js';
import { API_KEY_COMMANDS } from './api-key.js';
import { ENTITY_COMMANDS } from './entity.js';
import { OPERATOR_AUDIT_COMMANDS } from './operator-audit.js';
import type { OperatorCommand } from './operator-command.js';
import { PARTNER_USER_COMMANDS } from './partner-user.js';

export const LIFECYCLE_COMMANDS: readonly OperatorCommand[] = [...ENTITY_COMMANDS, ...PARTNER_USER_COMMANDS, ...API_KEY_COMMANDS, ...ACCOUNT_FIND_COMMANDS, ...OPERATOR_AUDIT_COMMANDS];
