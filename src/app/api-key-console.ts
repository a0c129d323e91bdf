/**
 * What `ams api-key create | list | revoke` (issue 19) does to an installation, composed here so
 * that the CLI stays out of the store (the operator facade's pattern, app/operator.ts): each
 * function opens and migrates the configured store, does one thing, and closes it. A partner
 * user that does not exist comes back as `'no-such-user'` for the command to word.
 */
import type { Config } from '../config/config.js';
import { migrate, MigrationFailedError, openConfiguredStore, type Store } from '../store/create-db.js';
import { apiKeyRepository } from '../store/repositories/api-keys.js';
import { partnerUserRepository } from '../store/repositories/partners.js';
import { partnerLifecycleStore } from '../store/repositories/partner-lifecycle.js';
import { issueApiKey } from '../security/api-keys.js';
import type { ApiKeyRecord } from '../domain/api-access.js';
import type { Operator, OperatorAuditEntry } from '../domain/partners/lifecycle-ports.js';

export type { ApiKeyRecord } from '../domain/api-access.js';

export interface IssuedKey {
  readonly id: number;
  /** The key itself: shown once by the command, stored nowhere. */
  readonly key: string;
  readonly prefix: string;
  readonly expiresAt: Date | null;
}

async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openConfiguredStore(config);
  try {
    const result = await migrate(store);
    if (result.error !== undefined) throw new MigrationFailedError(result.error);
    return await work(store);
  } finally {
    await store.close();
  }
}

/** The operator's change in the audit log (`ams audit operators`), never the key itself. */
function audit(store: Store, entry: OperatorAuditEntry): Promise<void> {
  return partnerLifecycleStore(store.db, store.traits).transaction((tx) => tx.audit(entry));
}

export function createApiKey(
  config: Config,
  input: { readonly username: string; readonly readOnly: boolean; readonly expiresInDays: number | null; readonly operator: Operator },
  now: Date,
): Promise<{ readonly username: string; readonly issued: IssuedKey } | 'no-such-user'> {
  return withStore(config, async (store) => {
    const user = await partnerUserRepository(store.db).findByUsername(input.username);
    if (user === undefined) return 'no-such-user';
    const issued = await issueApiKey(apiKeyRepository(store.db), { partnerUserId: user.id, readOnly: input.readOnly, expiresInDays: input.expiresInDays }, now);
    await audit(store, {
      at: now,
      operator: input.operator,
      action: 'api-key create',
      detail: { user: user.username, keyId: issued.id, prefix: issued.prefix, readOnly: input.readOnly, expires: issued.expiresAt?.toISOString() ?? null },
    });
    return { username: user.username, issued };
  });
}

export function listApiKeys(config: Config, username: string): Promise<readonly ApiKeyRecord[] | 'no-such-user'> {
  return withStore(config, async (store) => {
    const user = await partnerUserRepository(store.db).findByUsername(username);
    return user === undefined ? 'no-such-user' : apiKeyRepository(store.db).listForUser(user.id);
  });
}

/** False when no such key is in force (unknown, or already revoked): nothing changed then. */
export function revokeApiKey(config: Config, id: number, operator: Operator, now: Date): Promise<boolean> {
  return withStore(config, async (store) => {
    if (!(await apiKeyRepository(store.db).revoke(id, now))) return false;
    await audit(store, { at: now, operator, action: 'api-key revoke', detail: { keyId: id } });
    return true;
  });
}
