/**
 * `ams <command>`: the operator's interface. Each command is {name, summary, usage, run};
 * `ams help` is derived from the table.
 */
import fs from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { describeType, loadConfig, SETTINGS, type Config } from '../config/config.js';
import { formatEffectiveConfig, unknownSettings } from '../config/effective.js';
import { AMS_VERSION } from '../observability/version.js';
import { serve } from '../app/serve.js';
import { AdminError, checkOptionalEmail, MAX_FILE_BYTES, migrateDatabase, withOperatorConsole, type ImportFailure, type OperatorConsole } from '../app/operator.js';
import { OPERATIONS } from '../contract/index.js';
import { compileWsdl } from '../describe/index.js';
import { SERVICE_PATH } from '../contract/common-types.js';
import { formatAccountDetails } from './account-details.js';
import { describeRetry, formatOutboxList, parseOutboxState } from './outbox-report.js';
import { formatAuditList } from './audit-report.js';
import { out, outError, print } from './output.js';
import { EXIT_STATUS, explainFailure, failureDetail, failureLine } from './failure.js';
import { LIFECYCLE_COMMANDS } from './commands/index.js';
import { SANDBOX_COMMANDS } from './commands/sandbox.js';
import { IMPORT_USAGE, importCommand } from './commands/import.js';
import { EXPORT_USAGE, exportCommand } from './commands/export.js';

interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: string[]): Promise<number>;
}

class UsageError extends Error {}
/** A command that ran and failed for a reason the operator can act on: message, exit 1. */
class CommandError extends Error {}

function options<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], spec: T) {
  try {
    return parseArgs({ args, options: spec, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** The one positional argument of commands such as `usage import FILE`. */
function onePositional(args: string[], what: string): string {
  let positionals: string[];
  try {
    positionals = parseArgs({ args, options: {}, allowPositionals: true, strict: true }).positionals;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (positionals.length !== 1 || positionals[0] === '') throw new UsageError(`expected one ${what}`);
  return positionals[0] as string;
}

/**
 * Reads an import file, refusing an oversized one from its size alone rather than loading it
 * (the import re-checks the bytes it is given, for callers other than this CLI).
 */
async function readImportFile(file: string): Promise<Uint8Array> {
  try {
    const { size } = await fs.stat(file);
    if (size > MAX_FILE_BYTES) throw new CommandError(`${file}: the file is ${size} bytes; the limit is 50 MB (${MAX_FILE_BYTES} bytes); nothing imported`);
    return await fs.readFile(file);
  } catch (err) {
    if (err instanceof CommandError) throw err;
    throw new CommandError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Every problem, one per line, then the verdict: the operator fixes the file in one pass. */
function reportFailure(file: string, result: ImportFailure): number {
  const lines = result.errors.map((e) => (e.line === 0 ? `${file}: ${e.message}` : `${file}:${e.line}: ${e.message}`));
  const badLines = new Set(result.errors.map((e) => e.line)).size;
  lines.push(`nothing imported: ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'} on ${badLines} line${badLines === 1 ? '' : 's'}`);
  outError(`${lines.join('\n')}\n`);
  return 1;
}

function requiredInt(value: string | boolean | undefined, name: string): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  return Number(value);
}

/** Opens and migrates the configured database for a one-off command (app/operator.ts). */
function withConsole<T>(work: (ops: OperatorConsole) => Promise<T>): Promise<T> {
  return withOperatorConsole(loadConfig(), work);
}

const COMMANDS: readonly Command[] = [
  {
    name: 'serve',
    summary: 'Start the SOAP service (migrates the database first).',
    usage: 'ams serve',
    async run() {
      return serve(loadConfig());
    },
  },
  {
    name: 'migrate',
    summary: 'Apply pending database migrations and exit.',
    usage: 'ams migrate',
    async run() {
      const { applied, newer } = await migrateDatabase(loadConfig(), (migration, status) => print(`${status}\t${migration}`));
      if (newer.length > 0) print(`database was migrated by a newer AMS (${newer.join(', ')}): nothing of this release's left to apply`);
      else if (applied === 0) print('database is up to date');
      return 0;
    },
  },
  {
    name: 'entity create',
    summary: 'Create an entity (partner organisation) under a parent entity.',
    usage: 'ams entity create --name NAME [--parent ID] [--customer-type CODE]',
    async run(args) {
      const o = options(args, { name: { type: 'string' }, parent: { type: 'string' }, 'customer-type': { type: 'string' } });
      if (typeof o.name !== 'string') throw new UsageError('--name is required');
      const parentId = o.parent === undefined ? null : requiredInt(o.parent, 'parent');
      const id = await withConsole((ops) =>
        ops.createEntity({ name: o.name as string, parentId, customerTypeCode: (o['customer-type'] as string | undefined) ?? '' }, new Date()),
      );
      print(`entity ${id} created`);
      return 0;
    },
  },
  {
    name: 'partner-user create',
    summary: 'Create a partner API user; its secret is printed once.',
    usage: 'ams partner-user create --entity ID --username NAME',
    async run(args) {
      const o = options(args, { entity: { type: 'string' }, username: { type: 'string' } });
      const entityId = requiredInt(o.entity, 'entity');
      if (typeof o.username !== 'string') throw new UsageError('--username is required');
      const created = await withConsole((ops) => ops.createPartnerUser({ entityId, username: o.username as string }, new Date()));
      print(`partner user ${o.username} created in entity ${entityId}`);
      print(`secret: ${created.secret}`);
      print('Keep it now: it is stored only as an Argon2id hash and cannot be shown again.');
      return 0;
    },
  },
  ...LIFECYCLE_COMMANDS,
  ...SANDBOX_COMMANDS,
  {
    name: 'import',
    summary: 'Import a legacy export or an `ams export` folder (docs/import-format.md); exit 1 if a row was rejected.',
    usage: IMPORT_USAGE,
    run: importCommand,
  },
  {
    name: 'export',
    summary: 'Export everything in the import format (to move between SQLite and PostgreSQL; see the README).',
    usage: EXPORT_USAGE,
    run: exportCommand,
  },
  {
    name: 'usage import',
    summary: 'Import used space per backup system from CSV (account,system,device_type,used_kb); all lines or none.',
    usage: 'ams usage import FILE.csv',
    async run(args) {
      const file = onePositional(args, 'CSV file');
      const bytes = await readImportFile(file);
      const result = await withConsole((ops) => ops.importUsage(bytes, new Date()));
      if (!result.ok) return reportFailure(file, result);
      print(`imported ${result.imported} usage row${result.imported === 1 ? '' : 's'}; used space updated for ${result.accountsUpdated} account${result.accountsUpdated === 1 ? '' : 's'}`);
      return 0;
    },
  },
  {
    name: 'payments import',
    summary: 'Import payments from CSV (account,date,amount,currency,description); all lines or none.',
    usage: 'ams payments import FILE.csv',
    async run(args) {
      const file = onePositional(args, 'CSV file');
      const bytes = await readImportFile(file);
      const result = await withConsole((ops) => ops.importPayments(bytes, new Date()));
      if (!result.ok) return reportFailure(file, result);
      print(
        `imported ${result.imported} payment${result.imported === 1 ? '' : 's'} for ${result.accounts} account${result.accounts === 1 ? '' : 's'}` +
          `; ${result.alreadyPresent} already present, skipped`,
      );
      return 0;
    },
  },
  {
    name: 'account show',
    summary: 'Show an account: details, used space per system, number of payments (never a hash).',
    usage: 'ams account show NAME',
    async run(args) {
      const name = onePositional(args, 'account user name');
      const details = await withConsole((ops) => ops.accountDetails(name));
      if (!details) throw new CommandError(`no account named ${name}`);
      out(formatAccountDetails(details, new Date()));
      return 0;
    },
  },
  {
    name: 'audit list',
    summary: 'Show who changed an account, what, when and from where, newest first (never a secret).',
    usage: 'ams audit list --account NAME [--limit N]',
    async run(args) {
      const o = options(args, { account: { type: 'string' }, limit: { type: 'string' } });
      if (typeof o.account !== 'string' || o.account === '') throw new UsageError('--account is required');
      const account = o.account;
      const limit = o.limit === undefined ? 50 : requiredInt(o.limit, 'limit');
      const listing = await withConsole((ops) => ops.auditList(account, limit));
      out(formatAuditList(account, listing));
      return 0;
    },
  },
  {
    name: 'license-key create',
    summary: 'Issue a partner licence key to an entity; the key is printed once.',
    usage: 'ams license-key create --entity ID',
    async run(args) {
      const o = options(args, { entity: { type: 'string' } });
      const entityId = requiredInt(o.entity, 'entity');
      const result = await withConsole((ops) => ops.createLicenseKey(entityId, new Date()));
      if (!result.ok) throw new CommandError(result.message);
      print(`partner licence key created for entity ${result.entityId} (${result.entityName})`);
      print(`key: ${result.key}`);
      print('Keep it now: it is stored only as a SHA-256 digest and cannot be shown again.');
      return 0;
    },
  },
  {
    name: 'outbox list',
    summary: 'List notification e-mails, newest first: recipient, state, attempts, next attempt, last error (never their content).',
    usage: 'ams outbox list [--state pending|sent|dead] [--limit N]',
    async run(args) {
      const o = options(args, { state: { type: 'string' }, limit: { type: 'string' } });
      const state = o.state === undefined ? undefined : parseOutboxState(String(o.state));
      if (state === null) throw new UsageError('--state must be pending, sent or dead');
      const limit = o.limit === undefined ? 50 : requiredInt(o.limit, 'limit');
      const listing = await withConsole((ops) => ops.outbox.list({ ...(state ? { state } : {}), limit }));
      out(formatOutboxList(listing, Date.now()));
      return 0;
    },
  },
  {
    name: 'outbox retry',
    summary: 'Send a dead (or waiting) e-mail again now with its attempts reset, optionally to a corrected address; or every dead one.',
    usage: 'ams outbox retry ID [--to ADDRESS] | ams outbox retry --all-dead',
    async run(args) {
      let parsed;
      try {
        parsed = parseArgs({ args, options: { to: { type: 'string' }, 'all-dead': { type: 'boolean' } }, allowPositionals: true, strict: true });
      } catch (err) {
        throw new UsageError(err instanceof Error ? err.message : String(err));
      }
      const { values, positionals } = parsed;
      if (values['all-dead']) {
        if (positionals.length > 0 || values.to !== undefined) throw new UsageError('--all-dead takes no ID and no --to');
        const n = await withConsole((ops) => ops.outbox.retryAllDead(Date.now()));
        print(`${n} dead message${n === 1 ? '' : 's'} queued again, due now`);
        return 0;
      }
      if (positionals.length !== 1) throw new UsageError('expected one message ID (see ams outbox list) or --all-dead');
      if (!/^\d+$/.test(positionals[0] ?? '')) throw new UsageError('the message ID must be a whole number');
      const id = Number(positionals[0]);
      const to = values.to;
      if (to !== undefined) {
        const checked = checkOptionalEmail('--to', to);
        if (!checked.ok || to === '') throw new UsageError('--to is not a valid e-mail address');
      }
      const outcome = await withConsole((ops) => ops.outbox.retry(id, Date.now(), to));
      const report = describeRetry(id, outcome);
      if (!report.ok) throw new CommandError(report.text);
      print(report.text);
      return 0;
    },
  },
  {
    name: 'wsdl',
    summary: 'Print the WSDL for a public base URL.',
    usage: 'ams wsdl [--base-url https://api.example.com]',
    async run(args) {
      const o = options(args, { 'base-url': { type: 'string' } });
      const base = (o['base-url'] as string | undefined) ?? loadConfig().publicUrl ?? 'http://localhost:8080';
      // The WSDL is our own generated document (CRLF line ends, as ASMX writes it), not partner
      // data: written byte for byte, since escaping its CRs would corrupt a saved copy.
      process.stdout.write(compileWsdl(OPERATIONS)(`${base.replace(/\/+$/, '')}${SERVICE_PATH}`));
      return 0;
    },
  },
  {
    name: 'config',
    summary: 'Check the configuration and print every setting in force, with its source; secrets masked.',
    usage: 'ams config',
    async run(args) {
      options(args, {});
      const config = loadConfig(); // a bad value stops here, as it would stop `ams serve`
      out(formatEffectiveConfig(process.env));
      // Issue 21: which service this configuration runs, said in words under the table.
      out(config.sandbox ? 'mode: sandbox (AMS_SANDBOX=true: mail captured, never sent; needs a sandbox database)\n' : 'mode: production\n');
      for (const variable of unknownSettings(process.env)) outError(`warning: ${variable} is not a setting of AMS and is ignored (a typo?)\n`);
      return 0;
    },
  },
  {
    name: 'version',
    summary: 'Print the version (also: ams --version).',
    usage: 'ams version',
    async run() {
      print(`ams ${AMS_VERSION}`);
      return 0;
    },
  },
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  return [
    'Usage: ams <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from environment variables (`ams config` shows those in force):',
    ...SETTINGS.map((s) => `  ${s.env.padEnd(36)} ${describeType(s.type).replace(/`/g, '')}; default: ${s.default}\n  ${' '.repeat(36)} ${s.description}`),
    '',
    'Exit status: 0 done; 1 failed; 2 a configuration or usage error (a restart will not help);',
    '3 a dependency (the database) unreachable. Failures are one line on stderr, naming the setting to check.',
    '',
    `ams ${AMS_VERSION}`,
    '',
  ].join('\n');
}

/** For `ams <word> <unknown>`: the usages of the commands that start with that word, else none. */
function unknownCommand(argv: readonly string[]): string {
  const family = COMMANDS.filter((c) => c.name.split(' ')[0] === argv[0]);
  const usages = family.length > 0 ? family.map((c) => c.usage) : ['ams <command> [options]'];
  return [
    `ams: unknown command: ${argv.join(' ').replace(/\s+/g, ' ').slice(0, 100)}`,
    ...usages.map((u, i) => `${i === 0 ? 'usage: ' : '       '}${u}`),
    '`ams help` lists every command and setting.',
    '',
  ].join('\n');
}

/** Stack traces are for whoever debugs AMS itself, not for the operator's terminal or journal. */
function debugging(): boolean {
  return process.env.AMS_LOG_LEVEL?.trim().toLowerCase() === 'debug';
}

/**
 * `ams wsdl | head -3`: the reader went away, which is how such a pipeline ends, not a failure.
 * The service itself keeps running when its stdout goes (its log lines are then lost).
 */
function endQuietlyWhenStdoutCloses(serving: boolean): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
      if (!serving) process.exit(0);
      return;
    }
    process.stderr.write(`ams: cannot write the output: ${err.message}\n`);
    process.exit(1);
  });
}

function configOrNull(): Config | null {
  try {
    return loadConfig();
  } catch {
    return null;
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) argv = ['version'];
  // The longest command name that prefixes the arguments wins ("entity create" before "entity").
  const command = [...COMMANDS]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => c.name.split(' ').every((word, i) => argv[i] === word));
  endQuietlyWhenStdoutCloses(command?.name === 'serve');
  if (!command) {
    if (argv.length > 0 && argv[0] !== 'help' && argv[0] !== '--help') {
      outError(unknownCommand(argv));
      return 2;
    }
    out(help());
    return 0;
  }
  try {
    return await command.run(argv.slice(command.name.split(' ').length));
  } catch (err) {
    if (err instanceof UsageError) {
      outError(`ams: ${command.name}: ${err.message.replace(/\s+/g, ' ')}\nusage: ${command.usage}\n`);
      return 2;
    }
    if (err instanceof AdminError || err instanceof CommandError) {
      outError(`ams: ${err.message}\n`);
      return 1;
    }
    // One line naming what failed, why and the setting to check; the status tells a supervisor
    // whether a restart can help (failure.ts). A bad setting is 2, so systemd
    // (RestartPreventExitStatus=2) does not restart into the same mistake.
    const failure = explainFailure(err, command.name, configOrNull());
    outError(`${failureLine(failure)}\n`);
    if (debugging()) outError(`${failureDetail(err)}\n`);
    return EXIT_STATUS[failure.kind];
  }
}
