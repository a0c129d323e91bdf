import type { Kysely } from 'kysely';
import type { Repositories, UnitOfWork } from '../domain/ports.js';
import type { Database } from './schema.js';
import { accountRepository } from './repositories/accounts.js';
import { entityRepository, licenseKeyRepository, partnerUserRepository } from './repositories/partners.js';
import { auditRepository, outboxRepository } from './repositories/records.js';
import { tokenRepository } from './repositories/tokens.js';

function repositories(db: Kysely<Database>): Repositories {
  return {
    accounts: accountRepository(db),
    entities: entityRepository(db),
    partnerUsers: partnerUserRepository(db),
    tokens: tokenRepository(db),
    audit: auditRepository(db),
    outbox: outboxRepository(db),
    licenseKeys: licenseKeyRepository(db),
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
