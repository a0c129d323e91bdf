/**
 * What `ams sandbox reset | seed` (issue 21) does to an installation, composed here so that the
 * CLI stays out of the store (the operator facade's pattern, app/operator.ts). Each function
 * opens and migrates the configured sandbox database, does one thing, and closes it; the domain
 * checks the database's recorded mode again, so a production database is never reset.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.js';
import { resetSandboxTree, seedSandboxAccounts, type SandboxDone } from '../domain/sandbox/sandbox.js';
import type { SandboxStore } from '../domain/sandbox/ports.js';
import { argon2Hasher } from '../security/argon2-hasher.js';
import { migrate, MigrationFailedError, openConfiguredStore } from '../store/create-db.js';
import { sandboxStore } from '../store/repositories/sandbox.js';

export { MAX_SEED_ACCOUNTS, type SandboxDone } from '../domain/sandbox/sandbox.js';

async function withSandboxStore<T>(config: Config, work: (store: SandboxStore) => Promise<T>): Promise<T> {
  const store = openConfiguredStore(config);
  try {
    const migrated = await migrate(store);
    if (migrated.error !== undefined) throw new MigrationFailedError(migrated.error);
    return await work(sandboxStore(store.db));
  } finally {
    await store.close();
  }
}

export type ResetCounts = Awaited<ReturnType<typeof resetSandboxTree>> extends SandboxDone<infer C> ? C : never;
export type SeedReport = Awaited<ReturnType<typeof seedSandboxAccounts>> extends SandboxDone<infer R> ? R : never;

export function resetSandbox(config: Config, entityId: number): Promise<SandboxDone<ResetCounts>> {
  return withSandboxStore(config, (store) => resetSandboxTree(store, entityId));
}

export function seedSandbox(config: Config, entityId: number, count: number): Promise<SandboxDone<SeedReport>> {
  return withSandboxStore(config, (store) =>
    seedSandboxAccounts(
      { store, hasher: argon2Hasher, clock: { now: () => new Date() }, newTag: () => randomBytes(3).toString('hex'), newSecret: () => randomBytes(18).toString('base64url') },
      entityId,
      count,
    ),
  );
}
