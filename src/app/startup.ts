/**
 * What an instance does to its database before it takes traffic: apply the migrations, and on an
 * empty database create the first partner API user (one instance of many starting together).
 */
import type { Config } from '../config/config.js';
import type { Clock, PasswordHasher } from '../domain/ports.js';
import { errorFields, type Logger } from '../observability/logger.js';
import { exclusively, migrate, MigrationFailedError, type Store } from '../store/create-db.js';
import { isPreparedStatementOutdated } from '../store/named-statements.js';
import { settleDatabaseMode } from '../store/repositories/sandbox.js';
import { bootstrapFirstPartner } from './admin.js';
import { DatabaseModeMismatchError, modeOf } from './sandbox.js';

export interface StartupParts {
  readonly store: Store;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where a generated first secret is shown once: the operator's terminal, never the log. */
  readonly showOnce: (text: string) => void;
}

/**
 * What an instance logs when the store replaces a PostgreSQL connection: lost (a restart, a
 * failover, an idle kill), or holding a prepared statement a newer release's migration outdated
 * (store/named-statements.ts), the one case where a call may have failed without an outage.
 */
export function databaseConnectionWarning(logger: Logger): (err: Error) => void {
  return (err) => {
    if (isPreparedStatementOutdated(err)) {
      logger.warn('a migration changed a column under a prepared statement (a newer release migrated): connection replaced', { errorMessage: err.message });
      return;
    }
    logger.warn('database connection lost; the pool will reconnect', errorFields(err));
  };
}

export async function prepareDatabase(config: Config, parts: StartupParts): Promise<void> {
  const { store, hasher, clock, logger } = parts;
  const migration = await migrate(store);
  for (const r of migration.results ?? []) logger.info('migration', { migration: r.migrationName, status: r.status });
  if (migration.error !== undefined) {
    throw new MigrationFailedError(migration.error);
  }
  if (migration.newerMigrations.length > 0) {
    // Upgrading one instance at a time: the database is a newer release's (store/create-db.ts).
    logger.warn('the database was migrated by a newer AMS: this instance runs on it as the older release; upgrade it', {
      newerMigrations: migration.newerMigrations.join(', '),
    });
  }

  // Issue 21: the first start records the mode; every later start must be in the same one.
  // Before the first partner exists, so a refused start leaves a new database untouched.
  const configured = modeOf(config.sandbox);
  const recorded = await exclusively(store, 'database-mode', (trx) => settleDatabaseMode(trx, configured, clock.now().getTime()));
  if (recorded !== configured) throw new DatabaseModeMismatchError(configured, recorded);

  // Instances starting together on an empty database take turns: exactly one creates the first user.
  const bootstrap = await exclusively(store, 'bootstrap', (trx) =>
    bootstrapFirstPartner(trx, hasher, { username: config.bootstrapUsername, password: config.bootstrapPassword }, clock.now()),
  );
  if (bootstrap?.generatedSecret) {
    // Shown once, on the operator's terminal, and never logged as a structured field.
    parts.showOnce(
      `\nFirst partner API user created for entity ${bootstrap.entityId}:\n  UserName: ${bootstrap.username}\n  Password: ${bootstrap.generatedSecret}\n` +
        'Keep it now: it is stored only as an Argon2id hash and will not be shown again.\n\n',
    );
  } else if (bootstrap) {
    logger.info('first partner API user created from AMS_BOOTSTRAP_USERNAME', { username: bootstrap.username, entityId: bootstrap.entityId });
  }
}
