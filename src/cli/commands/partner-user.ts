/** `ams partner-user list | disable | enable | rotate` (issue 17). Never prints a hash; a new secret once. */
import { parseOverlap, type PartnerUserRecord } from '../../app/operator.js';
import { accepted, OperatorMistake, operatorIdentity, parse, printJson, reportingMistakes, table, wholeNumber, withConsole, type OperatorCommand } from './operator-command.js';
import { out, print } from '../output.js';

function state(u: PartnerUserRecord): string {
  if (!u.active) return 'disabled';
  return u.entityActive ? 'active' : 'disabled (entity)';
}

const asJson = (u: PartnerUserRecord) => ({
  username: u.username,
  entity: u.entityId,
  active: u.active,
  entityActive: u.entityActive,
  oldSecretUntil: u.previousSecretExpiresAt?.toISOString() ?? null,
  created: u.createdAt.toISOString(),
  updated: u.updatedAt.toISOString(),
});

const list: OperatorCommand = {
  name: 'partner-user list',
  summary: 'List partner API users: name, entity, state, whether an old secret still works (never a secret or hash).',
  usage: 'ams partner-user list [--entity ID] [--json]',
  run: (args) =>
    reportingMistakes(async () => {
      const { values } = parse(args, { entity: { type: 'string' }, json: { type: 'boolean' } }, 0, list.usage);
      const entityId = values.entity === undefined ? undefined : wholeNumber(values.entity, '--entity');
      const users = accepted(await withConsole((ops) => ops.listPartnerUsers(entityId)));
      const now = Date.now();
      if (values.json) printJson(users.map(asJson));
      else {
        out(
          table(
            ['USER', 'ENTITY', 'STATE', 'OLD SECRET UNTIL', 'UPDATED'],
            users.map((u) => [
              u.username,
              u.entityId,
              state(u),
              u.previousSecretExpiresAt && u.previousSecretExpiresAt.getTime() > now ? u.previousSecretExpiresAt.toISOString() : '-',
              u.updatedAt.toISOString(),
            ]),
          ),
        );
      }
      return 0;
    }),
};

function switchCommand(active: boolean): OperatorCommand {
  const command: OperatorCommand = {
    name: active ? 'partner-user enable' : 'partner-user disable',
    summary: active ? 'Enable a partner API user again.' : 'Disable a partner API user: its calls are refused (InvalidSoapCredentials) from the next one.',
    usage: `ams partner-user ${active ? 'enable' : 'disable'} NAME [--json]`,
    run: (args) =>
      reportingMistakes(async () => {
        const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 1, command.usage);
        const user = accepted(await withConsole((ops) => ops.setPartnerUserActive(operatorIdentity(), positionals[0] ?? '', active, new Date())));
        if (values.json) printJson(asJson(user));
        else print(`partner user ${user.username} ${active ? 'enabled' : 'disabled'}; now ${state(user)}`);
        return 0;
      }),
  };
  return command;
}

const rotate: OperatorCommand = {
  name: 'partner-user rotate',
  summary: 'Give a partner API user a new secret, printed once; the old one stops now or after --overlap (at most 7d).',
  usage: 'ams partner-user rotate NAME [--overlap DURATION] [--json]',
  run: (args) =>
    reportingMistakes(async () => {
      const { values, positionals } = parse(args, { overlap: { type: 'string' }, json: { type: 'boolean' } }, 1, rotate.usage);
      const overlap = parseOverlap(typeof values.overlap === 'string' ? values.overlap : '0');
      if (!overlap.ok) throw new OperatorMistake(overlap.message, 2);
      const rotation = accepted(
        await withConsole((ops) => ops.rotatePartnerSecret(operatorIdentity(), { username: positionals[0] ?? '', overlapMs: overlap.ms }, new Date())),
      );
      const until = rotation.oldSecretUntil?.toISOString() ?? null;
      if (values.json) {
        printJson({ username: rotation.username, secret: rotation.secret, oldSecretUntil: until });
        return 0;
      }
      print(`partner user ${rotation.username}: new secret issued`);
      print(`secret: ${rotation.secret}`);
      print(until === null ? 'The old secret no longer works.' : `The old secret keeps working until ${until}, then stops.`);
      print('Keep the new secret now: it is stored only as an Argon2id hash and cannot be shown again.');
      return 0;
    }),
};

export const PARTNER_USER_COMMANDS: readonly OperatorCommand[] = [list, switchCommand(false), switchCommand(true), rotate];
