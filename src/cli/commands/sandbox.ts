/**
 * `ams sandbox reset | seed` (issue 21): start a partner's sandbox tree over, or fill it with
 * sample accounts. Refused unless both the settings (AMS_SANDBOX=true) and the database itself
 * say sandbox: the domain checks the database's recorded mode again, whatever the edge.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../config/config.js';
import { resetSandboxTree, seedSandboxAccounts, MAX_SEED_ACCOUNTS, type SandboxDone } from '../../domain/sandbox/sandbox.js';
import type { SandboxStore } from '../../domain/sandbox/ports.js';
import { argon2Hasher } from '../../security/argon2-hasher.js';
import { migrate, openConfiguredStore } from '../../store/create-db.js';
import { sandboxStore } from '../../store/repositories/sandbox.js';
import { print } from '../output.js';
import { OperatorMistake, parse, reportingMistakes, wholeNumber, type OperatorCommand } from './operator-command.js';

const RESET_USAGE = 'ams sandbox reset --entity ID';
const SEED_USAGE = `ams sandbox seed --entity ID --accounts N (N ≤ ${MAX_SEED_ACCOUNTS})`;

/** Opens the configured database only in sandbox mode; a production configuration is refused before it is touched. */
async function withSandboxStore<T>(work: (store: SandboxStore) => Promise<T>): Promise<T> {
  const config = loadConfig();
  if (!config.sandbox) throw new OperatorMistake('sandbox commands work only in sandbox mode (AMS_SANDBOX=true, with the sandbox database)');
  const store = openConfiguredStore(config);
  try {
    const migrated = await migrate(store);
    if (migrated.error !== undefined) throw new Error(`migration failed: ${migrated.error instanceof Error ? migrated.error.message : String(migrated.error)}`);
    return await work(sandboxStore(store.db));
  } finally {
    await store.close();
  }
}

function done<T>(result: SandboxDone<T>): T {
  if (!result.ok) throw new OperatorMistake(result.message);
  return result.value;
}

export const SANDBOX_COMMANDS: readonly OperatorCommand[] = [
  {
    name: 'sandbox reset',
    summary: "Sandbox only: delete the accounts of an entity's tree with their tokens, usage, payments, audit rows and captured mail.",
    usage: RESET_USAGE,
    run: (args) =>
      reportingMistakes(async () => {
        const { values } = parse(args, { entity: { type: 'string' } }, 0, RESET_USAGE);
        const entityId = wholeNumber(values.entity, '--entity');
        const counts = done(await withSandboxStore((store) => resetSandboxTree(store, entityId)));
        print(
          `entity ${entityId} reset, deleted: accounts ${counts.accounts}, tokens ${counts.tokens}, usage rows ${counts.usage}, payments ${counts.payments}, ` +
            `audit rows ${counts.auditRows}, captured e-mails ${counts.capturedMail}, outbox rows ${counts.outboxRows}; entities and partner users kept`,
        );
        return 0;
      }),
  },
  {
    name: 'sandbox seed',
    summary: 'Sandbox only: create N sample accounts with used space per system and payments in an entity.',
    usage: SEED_USAGE,
    run: (args) =>
      reportingMistakes(async () => {
        const { values } = parse(args, { entity: { type: 'string' }, accounts: { type: 'string' } }, 0, SEED_USAGE);
        const entityId = wholeNumber(values.entity, '--entity');
        const count = wholeNumber(values.accounts, '--accounts');
        if (count > MAX_SEED_ACCOUNTS) throw new OperatorMistake(`--accounts must be at most ${MAX_SEED_ACCOUNTS}, not ${count}`, 2);
        const report = done(
          await withSandboxStore((store) =>
            seedSandboxAccounts(
              { store, hasher: argon2Hasher, clock: { now: () => new Date() }, newTag: () => randomBytes(3).toString('hex'), newSecret: () => randomBytes(18).toString('base64url') },
              entityId,
              count,
            ),
          ),
        );
        const first = report.usernames[0] ?? '';
        const last = report.usernames.at(-1) ?? '';
        print(`entity ${entityId} seeded: ${report.created} sample accounts (${first}${report.usernames.length > 1 ? ` … ${last}` : ''}) with used space per system and payments`);
        return 0;
      }),
  },
];
