/**
 * `ams <command>`: the operator's interface. Each command is {name, summary, usage, run};
 * `ams help` is derived from the table.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, SETTINGS } from '../config/config.js';
import { createApp } from '../app/compose.js';
import { AdminError, createEntity, createPartnerUser } from '../app/admin.js';
import { migrate, openStore, parseDatabaseUrl } from '../store/create-db.js';
import { argon2Hasher } from '../security/argon2-hasher.js';
import { OPERATIONS } from '../contract/index.js';
import { compileWsdl } from '../describe/index.js';
import { SERVICE_PATH } from '../contract/common-types.js';

interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: string[]): Promise<number>;
}

class UsageError extends Error {}

function options<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], spec: T) {
  try {
    return parseArgs({ args, options: spec, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function requiredInt(value: string | boolean | undefined, name: string): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  return Number(value);
}

/** Opens and migrates the configured database for a one-off command. */
async function withStore<T>(work: (store: ReturnType<typeof openStore>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = openStore(parseDatabaseUrl(config.databaseUrl));
  try {
    const result = await migrate(store);
    if (result.error !== undefined) throw new Error(`migration failed: ${String(result.error)}`);
    return await work(store);
  } finally {
    await store.close();
  }
}

const COMMANDS: readonly Command[] = [
  {
    name: 'serve',
    summary: 'Start the SOAP service (migrates the database first).',
    usage: 'ams serve',
    async run() {
      const app = await createApp(loadConfig());
      const server = await app.listen();
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          app.logger.info('shutting down', { signal });
          void server
            .close()
            .then(() => app.close())
            .then(resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      return 0;
    },
  },
  {
    name: 'migrate',
    summary: 'Apply pending database migrations and exit.',
    usage: 'ams migrate',
    async run() {
      const config = loadConfig();
      const store = openStore(parseDatabaseUrl(config.databaseUrl));
      try {
        const { error, results } = await migrate(store);
        for (const r of results ?? []) console.log(`${r.status}\t${r.migrationName}`);
        if ((results ?? []).length === 0) console.log('database is up to date');
        if (error !== undefined) {
          console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
          return 1;
        }
        return 0;
      } finally {
        await store.close();
      }
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
      const id = await withStore((s) =>
        createEntity(s.db, { name: o.name as string, parentId, customerTypeCode: (o['customer-type'] as string | undefined) ?? '' }, new Date()),
      );
      console.log(`entity ${id} created`);
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
      const created = await withStore((s) => createPartnerUser(s.db, argon2Hasher, { entityId, username: o.username as string }, new Date()));
      console.log(`partner user ${o.username} created in entity ${entityId}`);
      console.log(`secret: ${created.secret}`);
      console.log('Keep it now: it is stored only as an Argon2id hash and cannot be shown again.');
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
      process.stdout.write(compileWsdl(OPERATIONS)(`${base.replace(/\/+$/, '')}${SERVICE_PATH}`));
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
    'Configuration comes from environment variables:',
    ...SETTINGS.map((s) => `  ${s.env.padEnd(28)} ${s.description} (default: ${s.default})`),
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  // The longest command name that prefixes the arguments wins ("entity create" before "entity").
  const command = [...COMMANDS]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => c.name.split(' ').every((word, i) => argv[i] === word));
  if (!command) {
    const asked = argv.length > 0 && argv[0] !== 'help' && argv[0] !== '--help';
    (asked ? process.stderr : process.stdout).write(`${asked ? `unknown command: ${argv.join(' ')}\n\n` : ''}${help()}`);
    return asked ? 2 : 0;
  }
  try {
    return await command.run(argv.slice(command.name.split(' ').length));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    if (err instanceof ConfigError || err instanceof AdminError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
