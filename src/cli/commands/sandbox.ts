/**
 * `ams sandbox reset | seed` (issue 21): start a partner's sandbox tree over, or fill it with
 * sample accounts. Refused unless both the settings (AMS_SANDBOX=true) and the database itself
 * say sandbox: the domain checks the database's recorded mode again, whatever the edge.
 */
import { loadConfig, type Config } from '../../config/config.js';
import { MAX_SEED_ACCOUNTS, resetSandbox, seedSandbox, type SandboxDone } from '../../app/sandbox-console.js';
import { print } from '../output.js';
import { OperatorMistake, parse, reportingMistakes, wholeNumber, type OperatorCommand } from './operator-command.js';

const RESET_USAGE = 'ams sandbox reset --entity ID';
const SEED_USAGE = `ams sandbox seed --entity ID --accounts N (N ≤ ${MAX_SEED_ACCOUNTS})`;

/** A production configuration is refused before its database is touched. */
function sandboxConfig(): Config {
  const config = loadConfig();
  if (!config.sandbox) throw new OperatorMistake('sandbox commands work only in sandbox mode (AMS_SANDBOX=true, with the sandbox database)');
  return config;
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
        const counts = done(await resetSandbox(sandboxConfig(), entityId));
        print(
          `entity ${entityId} reset, deleted: accounts ${counts.accounts}, tokens ${counts.tokens}, usage rows ${counts.usage}, payments ${counts.payments}, ` +
            `audit rows ${counts.auditRows}, captured e-mails ${counts.capturedMail}, outbox rows ${counts.outboxRows}, import ledger rows ${counts.importLedgerRows}; entities and partner users kept`,
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
        const report = done(await seedSandbox(sandboxConfig(), entityId, count));
        const first = report.usernames[0] ?? '';
        const last = report.usernames.at(-1) ?? '';
        print(`entity ${entityId} seeded: ${report.created} sample accounts (${first}${report.usernames.length > 1 ? ` … ${last}` : ''}) with used space per system and payments`);
        return 0;
      }),
  },
];
