/** `ams entity list | disable | enable | set` (issue 17): the entity tree, for operators. */
import type { EntityChange, EntityChangeReport, EntityRecord } from '../../app/operator.js';
import { accepted, OperatorMistake, printable, operatorIdentity, optionalString, parse, printJson, reportingMistakes, table, wholeNumber, withConsole, type OperatorCommand } from './operator-command.js';
import { out, print } from '../output.js';

function state(e: EntityRecord): string {
  if (e.active) return 'active';
  return e.enabled ? 'disabled (above)' : 'disabled';
}

const asJson = (e: EntityRecord) => ({
  id: e.id,
  name: e.name,
  parent: e.parentId,
  active: e.active,
  enabled: e.enabled,
  customerType: e.customerTypeCode,
  partnerUsers: e.partnerUsers,
  accounts: e.accounts,
});

type JsonNode = ReturnType<typeof asJson> & { children: JsonNode[] };

/** The hierarchy of `entities`: roots are those whose parent is not among them. */
function forest(entities: readonly EntityRecord[]): { roots: EntityRecord[]; children: Map<number, EntityRecord[]> } {
  const ids = new Set(entities.map((e) => e.id));
  const children = new Map<number, EntityRecord[]>();
  const roots: EntityRecord[] = [];
  for (const e of entities) {
    if (e.parentId === null || !ids.has(e.parentId)) roots.push(e);
    else children.set(e.parentId, [...(children.get(e.parentId) ?? []), e]);
  }
  return { roots, children };
}

function drawTree(entities: readonly EntityRecord[]): string {
  const { roots, children } = forest(entities);
  const lines: string[] = [];
  const seen = new Set<number>();
  const draw = (e: EntityRecord, lead: string, branch: string) => {
    if (seen.has(e.id)) return; // a cycle made by hand is drawn once
    seen.add(e.id);
    const type = e.customerTypeCode === '' ? '' : `, type ${e.customerTypeCode}`;
    lines.push(`${lead}${branch}${e.id} ${e.name} [${state(e)}${type}] ${e.partnerUsers} partner user${e.partnerUsers === 1 ? '' : 's'}, ${e.accounts} account${e.accounts === 1 ? '' : 's'}`);
    const below = children.get(e.id) ?? [];
    const nextLead = lead + (branch === '' ? '' : branch === '└─ ' ? '   ' : '│  ');
    below.forEach((c, i) => draw(c, nextLead, i === below.length - 1 ? '└─ ' : '├─ '));
  };
  for (const r of roots) draw(r, '', '');
  return `${lines.map(printable).join('\n')}\n`;
}

function jsonTree(entities: readonly EntityRecord[]): JsonNode[] {
  const { roots, children } = forest(entities);
  const seen = new Set<number>();
  const node = (e: EntityRecord): JsonNode => {
    seen.add(e.id);
    return { ...asJson(e), children: (children.get(e.id) ?? []).filter((c) => !seen.has(c.id)).map(node) };
  };
  return roots.map(node);
}

function reportChange(verb: string, report: EntityChangeReport, json: boolean): number {
  if (json) {
    printJson({ entity: asJson(report.entity), entitiesSwitched: report.entitiesSwitched, partnerUsersSwitched: report.partnerUsersSwitched });
    return 0;
  }
  const e = report.entity;
  print(`entity ${e.id} (${e.name}) ${verb}; now ${state(e)}`);
  if (report.entitiesSwitched > 0) {
    print(`${report.entitiesSwitched} entit${report.entitiesSwitched === 1 ? 'y' : 'ies'} switched, ${report.partnerUsersSwitched} partner user${report.partnerUsersSwitched === 1 ? '' : 's'} affected from the next call`);
  }
  return 0;
}

const list: OperatorCommand = {
  name: 'entity list',
  summary: 'List entities (id, name, parent, state, customer type, partner users, accounts); --tree draws the hierarchy.',
  usage: 'ams entity list [--parent ID] [--tree] [--json]',
  run: (args) =>
    reportingMistakes(async () => {
      const { values } = parse(args, { parent: { type: 'string' }, tree: { type: 'boolean' }, json: { type: 'boolean' } }, 0, list.usage);
      const parentId = values.parent === undefined ? undefined : wholeNumber(values.parent, '--parent');
      const tree = values.tree === true;
      const entities = accepted(await withConsole((ops) => ops.listEntities({ ...(parentId !== undefined ? { parentId } : {}), tree })));
      if (values.json) printJson(tree ? jsonTree(entities) : entities.map(asJson));
      else if (tree) out(drawTree(entities));
      else {
        out(
          table(
            ['ID', 'NAME', 'PARENT', 'STATE', 'TYPE', 'PARTNER USERS', 'ACCOUNTS'],
            entities.map((e) => [e.id, e.name, e.parentId ?? '-', state(e), e.customerTypeCode || '-', e.partnerUsers, e.accounts]),
          ),
        );
      }
      return 0;
    }),
};

function switchCommand(enabled: boolean): OperatorCommand {
  const command: OperatorCommand = {
    name: enabled ? 'entity enable' : 'entity disable',
    summary: enabled
      ? 'Enable an entity again: its subtree is in force again unless disabled itself or above.'
      : "Disable an entity and its subtree: its partner users are refused from the next call; accounts' own sign-ins keep working.",
    usage: `ams entity ${enabled ? 'enable' : 'disable'} ID [--json]`,
    run: (args) =>
      reportingMistakes(async () => {
        const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 1, command.usage);
        const id = wholeNumber(positionals[0], 'the entity ID');
        const report = accepted(await withConsole((ops) => ops.setEntityEnabled(operatorIdentity(), id, enabled, new Date())));
        return reportChange(enabled ? 'enabled' : 'disabled', report, values.json === true);
      }),
  };
  return command;
}

const set: OperatorCommand = {
  name: 'entity set',
  summary: 'Rename an entity, change its customer type, or move it under another parent (a cycle is refused).',
  usage: 'ams entity set ID [--name NAME] [--customer-type CODE] [--parent ID] [--json]',
  run: (args) =>
    reportingMistakes(async () => {
      const { values, positionals } = parse(
        args,
        { name: { type: 'string' }, 'customer-type': { type: 'string' }, parent: { type: 'string' }, json: { type: 'boolean' } },
        1,
        set.usage,
      );
      const id = wholeNumber(positionals[0], 'the entity ID');
      const name = optionalString(values.name);
      const customerTypeCode = optionalString(values['customer-type']);
      const change: EntityChange = {
        ...(name !== undefined ? { name } : {}),
        ...(customerTypeCode !== undefined ? { customerTypeCode } : {}),
        ...(values.parent !== undefined ? { parentId: wholeNumber(values.parent, '--parent') } : {}),
      };
      if (Object.keys(change).length === 0) throw new OperatorMistake(`nothing to change (usage: ${set.usage})`, 2);
      const report = accepted(await withConsole((ops) => ops.updateEntity(operatorIdentity(), id, change, new Date())));
      return reportChange('changed', report, values.json === true);
    }),
};

export const ENTITY_COMMANDS: readonly OperatorCommand[] = [list, switchCommand(false), switchCommand(true), set];
