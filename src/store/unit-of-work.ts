import type { Kysely } from 'kysely';
import type { Repositories, UnitOfWork } from '../domain/ports.js';
import type { Database } from './schema.js';
import { accountRepository } from './repositories/accounts.js';
import { entityRepository, partnerUserRepository } from './repositories/partners.js';
import { auditRepository, outboxRepository, tokenRepository } from './repositories/records.js';

function repositories(db: Kysely<Database>): Repositories {
  return {
    accounts: accountRepository(db),
    entities: entityRepository(db),
    partnerUsers: partnerUserRepository(db),
    tokens: tokenRepository(db),
    audit: auditRepository(db),
    outbox: outboxRepository(db),
  };
}

export function createUnitOfWork(db: Kysely<Database>, onCommit?: () => void): UnitOfWork {
  return {
    ...repositories(db),
    async transaction(work) {
      const result = await db.transaction().execute((trx) => work(repositories(trx)));
      onCommit?.();
      return result;
    },
  };
}
