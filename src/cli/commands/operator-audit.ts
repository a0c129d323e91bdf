/** `ams audit operators` (issue 17): who changed entities and partner users, what, when, from which host. */
import { accepted, parse, printJson, reportingMistakes, table, wholeNumber, withConsole, type OperatorCommand } from './operator-command.js';
import { out } from '../output.js';

const operators: OperatorCommand = {
  name: 'audit operators',
  summary: "Show the operators' changes to entities and partner users, newest first: when, OS user, host, command, facts (never a secret).",
  usage: 'ams audit operators [--limit N] [--json]',
  run: (args) =>
    reportingMistakes(async () => {
      const { values } = parse(args, { limit: { type: 'string' }, json: { type: 'boolean' } }, 0, operators.usage);
      const limit = values.limit === undefined ? undefined : wholeNumber(values.limit, '--limit');
      const changes = accepted(await withConsole((ops) => ops.listOperatorChanges(limit)));
      if (values.json) {
        printJson(changes.map((c) => ({ at: c.at.toISOString(), user: c.operator.user, host: c.operator.host, action: c.action, detail: JSON.parse(c.detail) as unknown })));
        return 0;
      }
      out(table(['WHEN', 'USER', 'HOST', 'COMMAND', 'DETAIL'], changes.map((c) => [c.at.toISOString(), c.operator.user, c.operator.host, c.action, c.detail])));
      return 0;
    }),
};

export const OPERATOR_AUDIT_COMMANDS: readonly OperatorCommand[] = [operators];
