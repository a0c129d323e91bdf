/**
 * `ams api-key create | list | revoke` (issue 19): Bearer keys for the JSON API. A new key is
 * printed once, by `create`, and nowhere else: the database keeps its SHA-256 digest, the list
 * shows its public prefix, the audit log the key's id and prefix.
 */
import { loadConfig } from '../../config/config.js';
import { migrate, MigrationFailedError, openConfiguredStore, type Store } from '../../store/create-db.js';
import { apiKeyRepository } from '../../store/repositories/api-keys.js';
import { partnerUserRepository } from '../../store/repositories/partners.js';
import { partnerLifecycleStore } from '../../store/repositories/partner-lifecycle.js';
import { issueApiKey } from '../../security/api-keys.js';
import type { ApiKeyRecord } from '../../domain/api-access.js';
import type { OperatorAuditEntry } from '../../domain/partners/lifecycle-ports.js';
import { OperatorMistake, operatorIdentity, parse, printJson, reportingMistakes, table, wholeNumber, type OperatorCommand } from './operator-command.js';
import { out, print } from '../output.js';

/** Ten years: a longer-lived key is a key nobody remembers to rotate; omit --expires for none. */
const MAX_EXPIRY_DAYS = 3650;

/** Opens and migrates the configured database, runs `work`, closes it. */
async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = openConfiguredStore(loadConfig());
  try {
    const result = await migrate(store);
    if (result.error !== undefined) throw new MigrationFailedError(result.error);
    return await work(store);
  } finally {
    await store.close();
  }
}

async function partnerUserId(store: Store, name: string | boolean | undefined, usage: string): Promise<{ id: number; username: string }> {
  if (typeof name !== 'string' || name === '') throw new OperatorMistake(`--user NAME is required (usage: ${usage})`, 2);
  const user = await partnerUserRepository(store.db).findByUsername(name);
  if (user === undefined) throw new OperatorMistake(`no partner user ${JSON.stringify(name.slice(0, 64))}; nothing changed`);
  return { id: user.id, username: user.username };
}

/** The operator's change in the audit log (`ams audit operators`), never the key itself. */
function audit(store: Store, entry: Omit<OperatorAuditEntry, 'operator'>): Promise<void> {
  return partnerLifecycleStore(store.db, store.traits).transaction((tx) => tx.audit({ ...entry, operator: operatorIdentity() }));
}

function state(k: ApiKeyRecord, now: number): string {
  if (k.revokedAt !== null) return 'revoked';
  if (k.expiresAt !== null && k.expiresAt.getTime() <= now) return 'expired';
  return 'in force';
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

const create: OperatorCommand = {
  name: 'api-key create',
  summary: 'Create an API key (Bearer, JSON API) for a partner user; printed once, stored as a SHA-256 digest.',
  usage: 'ams api-key create --user NAME [--read-only] [--expires DAYS] [--json]',
  run: (args) =>
    reportingMistakes(async () => {
      const { values } = parse(args, { user: { type: 'string' }, 'read-only': { type: 'boolean' }, expires: { type: 'string' }, json: { type: 'boolean' } }, 0, create.usage);
      const days = values.expires === undefined ? null : wholeNumber(values.expires, '--expires');
      if (days !== null && days > MAX_EXPIRY_DAYS) throw new OperatorMistake(`--expires is at most ${MAX_EXPIRY_DAYS} days (omit it for a key that does not expire)`, 2);
      const readOnly = values['read-only'] === true;
      const { user, issued } = await withStore(async (store) => {
        const user = await partnerUserId(store, values.user, create.usage);
        const issued = await issueApiKey(apiKeyRepository(store.db), { partnerUserId: user.id, readOnly, expiresInDays: days }, new Date());
        await audit(store, { at: new Date(), action: 'api-key create', detail: { user: user.username, keyId: issued.id, prefix: issued.prefix, readOnly, expires: iso(issued.expiresAt) } });
        return { user, issued };
      });
      if (values.json) {
        printJson({ id: issued.id, user: user.username, key: issued.key, prefix: issued.prefix, readOnly, expires: iso(issued.expiresAt) });
        return 0;
      }
      print(`API key ${issued.id} (${issued.prefix}) created for partner user ${user.username}: ${readOnly ? 'read-only (GET only)' : 'read and write'}, ${issued.expiresAt === null ? 'does not expire' : `expires ${issued.expiresAt.toISOString()}`}`);
      print(`key: ${issued.key}`);
      print('Keep it now: it is stored only as a SHA-256 digest and cannot be shown again. Send it as "Authorization: Bearer <key>".');
      return 0;
    }),
};

const list: OperatorCommand = {
  name: 'api-key list',
  summary: "List a partner user's API keys: id, prefix, access, created, expires, last used, revoked (never a key).",
  usage: 'ams api-key list --user NAME [--json]',
  run: (args) =>
    reportingMistakes(async () => {
      const { values } = parse(args, { user: { type: 'string' }, json: { type: 'boolean' } }, 0, list.usage);
      const keys = await withStore(async (store) => apiKeyRepository(store.db).listForUser((await partnerUserId(store, values.user, list.usage)).id));
      const now = Date.now();
      if (values.json) {
        printJson(
          keys.map((k) => ({
            id: k.id,
            prefix: k.prefix,
            readOnly: k.readOnly,
            state: state(k, now),
            created: k.createdAt.toISOString(),
            expires: iso(k.expiresAt),
            lastUsed: iso(k.lastUsedAt),
            revoked: iso(k.revokedAt),
          })),
        );
        return 0;
      }
      const shown = (d: Date | null) => d?.toISOString() ?? '-';
      out(
        table(
          ['ID', 'PREFIX', 'ACCESS', 'STATE', 'CREATED', 'EXPIRES', 'LAST USED', 'REVOKED'],
          keys.map((k) => [k.id, k.prefix, k.readOnly ? 'read-only' : 'read-write', state(k, now), k.createdAt.toISOString(), shown(k.expiresAt), shown(k.lastUsedAt), shown(k.revokedAt)]),
        ),
      );
      return 0;
    }),
};

const revoke: OperatorCommand = {
  name: 'api-key revoke',
  summary: 'Revoke an API key by its ID (from `ams api-key list`): refused from the next call on every instance.',
  usage: 'ams api-key revoke ID',
  run: (args) =>
    reportingMistakes(async () => {
      const { positionals } = parse(args, {}, 1, revoke.usage);
      const id = wholeNumber(positionals[0], 'ID');
      await withStore(async (store) => {
        if (!(await apiKeyRepository(store.db).revoke(id, new Date()))) throw new OperatorMistake(`no API key ${id} in force (unknown, or already revoked); nothing changed`);
        await audit(store, { at: new Date(), action: 'api-key revoke', detail: { keyId: id } });
      });
      print(`API key ${id} revoked: calls with it are refused from now on`);
      return 0;
    }),
};

export const API_KEY_COMMANDS: readonly OperatorCommand[] = [create, list, revoke];
