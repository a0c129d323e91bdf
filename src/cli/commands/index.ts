/** The partner-lifecycle commands (issue 17), in the order `ams help` lists them. */
import { ACCOUNT_FIND_COMMANDS } from './account-find.js';
import { ENTITY_COMMANDS } from './entity.js';
import { OPERATOR_AUDIT_COMMANDS } from './operator-audit.js';
import type { OperatorCommand } from './operator-command.js';
import { PARTNER_USER_COMMANDS } from './partner-user.js';

export const LIFECYCLE_COMMANDS: readonly OperatorCommand[] = [...ENTITY_COMMANDS, ...PARTNER_USER_COMMANDS, ...ACCOUNT_FIND_COMMANDS, ...OPERATOR_AUDIT_COMMANDS];
