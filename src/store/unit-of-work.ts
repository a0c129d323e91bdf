import type { Kysely } from 'kysely';
import type { OutboxRepository, Repositories, UnitOfWork } from '../domain/ports.js';
import type { Database } from './schema.js';
import type { CommittedReader } from './committed-reader.js';
import type { UnflushedWrites } from './unflushed-writes.js';
import { accountRepository } from './repositories/accounts.js';
import { storeStatements, type StoreStatements } from './statements.js';
import { entityRepository, licenseKeyRepository, partnerUserRepository } from './repositories/partners.js';
import { auditRepository, outboxRepository } from './repositories/records.js';
import { tokenRepository } from './repositories/tokens.js';
import { hashUpgradeRepository } from './repositories/hash-upgrades.js';

function repositories(db: Kysely<Database>, statements: StoreStatements, reader?: CommittedReader, unflushedWrites?: UnflushedWrites): Repositories {
  return {
    accounts: accountRepository(db, statements.accounts, reader, unflushedWrites),
    entities: entityRepository(db),
    partnerUsers: partnerUserRepository(db, reader),
    tokens: tokenRepository(db, statements.tokens),
    audit: auditRepository(db, statements.audit),
    outbox: outboxRepository(db),
    licenseKeys: licenseKeyRepository(db),
    hashUpgrades: hashUpgradeRepository(db),
  };
}

export interface UnitOfWorkOptions {
  /**
   * Called after a commit that queued mail (the mail worker's nudge, so the mail goes now rather
   * than at the next poll). Only then: each nudge makes the worker claim due mail in a write
   * transaction of its own. After every commit, that found nothing nearly every time, and cost a
   * ChangeBackupAccountPassword 0.3–0.6 ms of the event loop's CPU on SQLite (bench/README.md,
   * issue 20, 12-05 22:15–23:50) and a PostgreSQL transaction per write.
   */
  readonly onMailQueued?: () => void;
  /** SQLite: hot reads outside transactions run on it; a transaction's reads never do. */
  readonly committedReader?: CommittedReader;
  /** Sign-in reservations are written without waiting for the disk (unflushed-writes.ts); without it, as every other write. */
  readonly unflushedWrites?: UnflushedWrites;
}

export function createUnitOfWork(db: Kysely<Database>, { onMailQueued, committedReader, unflushedWrites }: UnitOfWorkOptions = {}): UnitOfWork {
  // Compiled once for the store and every transaction on it (statements.ts).
  const statements = storeStatements(db);
  return {
    ...repositories(db, statements, committedReader, unflushedWrites),
    async transaction(work) {
      let queuedMail = false;
      const result = await db.transaction().execute((trx) => {
        const inTransaction = repositories(trx, statements);
        const outbox: OutboxRepository = {
          enqueue: async (notification, at) => {
            await inTransaction.outbox.enqueue(notification, at);
            queuedMail = true;
          },
        };
        return work({ ...inTransaction, outbox });
      });
      // After the commit: a rolled-back transaction throws above, and its mail was never queued.
      if (queuedMail) onMailQueued?.();
      return result;
    },
  };
}
