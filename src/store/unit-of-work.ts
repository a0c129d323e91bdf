import type { Kysely } from 'kysely';
import type { Repositories, UnitOfWork } from '../domain/ports.js';
import type { Database } from './schema.js';
import type { CommittedReader } from './committed-reader.js';
import type { EngineTraits } from './dialect.js';
import { accountRepository } from './repositories/accounts.js';
import { entityRepository, licenseKeyRepository, partnerUserRepository } from './repositories/partners.js';
import { auditRepository, outboxRepository } from './repositories/records.js';
import { tokenRepository } from './repositories/tokens.js';
import { hashUpgradeRepository } from './repositories/hash-upgrades.js';

function repositories(db: Kysely<Database>, reader?: CommittedReader, traits?: EngineTraits): Repositories {
  return {
    accounts: accountRepository(db, reader, traits),
    entities: entityRepository(db),
    partnerUsers: partnerUserRepository(db, reader),
    tokens: tokenRepository(db),
    audit: auditRepository(db),
    outbox: outboxRepository(db),
    licenseKeys: licenseKeyRepository(db),
    hashUpgrades: hashUpgradeRepository(db),
  };
}

export interface UnitOfWorkOptions {
  /** Called after every commit (the mail worker's nudge). */
  readonly onCommit?: () => void;
  /** SQLite: hot reads outside transactions run on it; a transaction's reads never do. */
  readonly committedReader?: CommittedReader;
  /** The engine's traits: sign-in reservations are written without waiting for the disk (see `withoutFlush`). */
  readonly traits?: EngineTraits;
}

export function createUnitOfWork(db: Kysely<Database>, { onCommit, committedReader, traits }: UnitOfWorkOptions = {}): UnitOfWork {
  return {
    ...repositories(db, committedReader, traits),
    async transaction(work) {
      const result = await db.transaction().execute((trx) => work(repositories(trx)));
      onCommit?.();
      return result;
    },
  };
}
