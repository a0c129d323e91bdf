/** `ams account find` (issue 17): accounts by entity subtree, e-mail, status or name prefix. */
import { MAX_ACCOUNT_FIND_LIMIT } from '../../app/operator.js';
import { accepted, optionalString, parse, printJson, reportingMistakes, table, wholeNumber, withConsole, type OperatorCommand } from './operator-command.js';
import { out } from '../output.js';

const find: OperatorCommand = {
  name: 'account find',
  summary: `Find accounts by entity (and below), e-mail, status or user name prefix, by name; at most ${MAX_ACCOUNT_FIND_LIMIT} (default 50).`,
  usage: 'ams account find [--entity ID] [--email ADDR] [--status S] [--prefix P] [--limit N] [--json]',
  run: (args) =>
    reportingMistakes(async () => {
      const { values } = parse(
        args,
        { entity: { type: 'string' }, email: { type: 'string' }, status: { type: 'string' }, prefix: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
        0,
        find.usage,
      );
      const entityId = values.entity === undefined ? undefined : wholeNumber(values.entity, '--entity');
      const limit = values.limit === undefined ? undefined : wholeNumber(values.limit, '--limit');
      const email = optionalString(values.email);
      const status = optionalString(values.status);
      const prefix = optionalString(values.prefix);
      const accounts = accepted(
        await withConsole((ops) =>
          ops.findAccounts({
            ...(entityId !== undefined ? { entityId } : {}),
            ...(email !== undefined ? { email } : {}),
            ...(status !== undefined ? { status } : {}),
            ...(prefix !== undefined ? { prefix } : {}),
            ...(limit !== undefined ? { limit } : {}),
          }),
        ),
      );
      if (values.json) {
        printJson(accounts.map((a) => ({ ...a, signupAt: a.signupAt.toISOString() })));
        return 0;
      }
      out(
        table(
          ['USER', 'ENTITY', 'STATUS', 'EMAIL', 'QUOTA MB', 'USED KB', 'SIGNED UP'],
          accounts.map((a) => [a.username, a.entityId, a.status, a.email || '-', a.quotaMb, a.usedSpaceKb, a.signupAt.toISOString()]),
        ),
      );
      return 0;
    }),
};

export const ACCOUNT_FIND_COMMANDS: readonly OperatorCommand[] = [find];
