/**
 * Storage for the operator's partner lifecycle (domain/partners/lifecycle.ts). Tree changes run
 * one at a time across every process and instance (an exclusive lock keyed `entity-tree`), so
 * two operators moving and disabling entities at once cannot leave an in-force flag stale.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AccountFound, EntityRecord, LifecycleStore, LifecycleTransaction, PartnerUserRecord } from '../../domain/partners/lifecycle-ports.js';
import type { EngineTraits } from '../dialect.js';
import { exclusively } from '../create-db.js';
import type { Database } from '../schema.js';
import { entityAndDescendants } from '../entity-tree.js';

async function entityRecords(db: Kysely<Database>): Promise<readonly EntityRecord[]> {
  const [entities, users, accounts] = await Promise.all([
    db.selectFrom('entities').select(['id', 'parent_id', 'name', 'enabled', 'active', 'customer_type_code']).orderBy('id').execute(),
    db.selectFrom('partner_users').select(['entity_id', (eb) => eb.fn.countAll<number | string>().as('n')]).groupBy('entity_id').execute(),
    db.selectFrom('accounts').select(['entity_id', (eb) => eb.fn.countAll<number | string>().as('n')]).groupBy('entity_id').execute(),
  ]);
  const userCount = new Map(users.map((r) => [r.entity_id, Number(r.n)]));
  const accountCount = new Map(accounts.map((r) => [r.entity_id, Number(r.n)]));
  return entities.map((e) => ({
    id: e.id,
    parentId: e.parent_id,
    name: e.name,
    enabled: e.enabled === 1,
    active: e.active === 1,
    customerTypeCode: e.customer_type_code,
    partnerUsers: userCount.get(e.id) ?? 0,
    accounts: accountCount.get(e.id) ?? 0,
  }));
}

const partnerUserColumns = [
  'u.id',
  'u.username',
  'u.entity_id',
  'u.active',
  'u.secret_hash',
  'u.previous_secret_hash',
  'u.previous_secret_expires_at',
  'u.created_at',
  'u.updated_at',
  'e.active as entity_active',
] as const;

function partnerUsersQuery(db: Kysely<Database>) {
  return db.selectFrom('partner_users as u').innerJoin('entities as e', 'e.id', 'u.entity_id').select(partnerUserColumns);
}

type PartnerUserRow = Awaited<ReturnType<ReturnType<typeof partnerUsersQuery>['executeTakeFirstOrThrow']>>;

function partnerUserRecord(r: PartnerUserRow): PartnerUserRecord {
  return {
    id: r.id,
    username: r.username,
    entityId: r.entity_id,
    active: r.active === 1,
    entityActive: r.entity_active === 1,
    secretHash: r.secret_hash,
    previousSecretExpiresAt: r.previous_secret_hash !== null && r.previous_secret_expires_at !== null ? new Date(Number(r.previous_secret_expires_at)) : null,
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
  };
}

function transactionOn(trx: Kysely<Database>): LifecycleTransaction {
  return {
    entities: () => entityRecords(trx),
    async updateEntity(id, change) {
      await trx
        .updateTable('entities')
        .set({
          ...(change.name !== undefined ? { name: change.name } : {}),
          ...(change.customerTypeCode !== undefined ? { customer_type_code: change.customerTypeCode } : {}),
          ...(change.parentId !== undefined ? { parent_id: change.parentId } : {}),
          ...(change.enabled !== undefined ? { enabled: change.enabled ? 1 : 0 } : {}),
        })
        .where('id', '=', id)
        .execute();
    },
    async setEntitiesActive(ids, active) {
      // Chunks keep the statement under every engine's bound-parameter limit.
      for (let i = 0; i < ids.length; i += 500) {
        await trx.updateTable('entities').set({ active: active ? 1 : 0 }).where('id', 'in', ids.slice(i, i + 500)).execute();
      }
    },
    async partnerUser(username) {
      const row = await partnerUsersQuery(trx).where('u.username_key', '=', username.toLowerCase()).executeTakeFirst();
      return row ? partnerUserRecord(row) : undefined;
    },
    async setPartnerUserActive(id, active, at) {
      await trx.updateTable('partner_users').set({ active: active ? 1 : 0, updated_at: at.getTime() }).where('id', '=', id).execute();
    },
    async replaceSecret(id, secret, at) {
      await trx
        .updateTable('partner_users')
        .set({
          secret_hash: secret.secretHash,
          previous_secret_hash: secret.previousSecretHash,
          previous_secret_expires_at: secret.previousSecretExpiresAt?.getTime() ?? null,
          updated_at: at.getTime(),
        })
        .where('id', '=', id)
        .execute();
    },
    async audit(entry) {
      await trx
        .insertInto('audit_log')
        .values({
          at: entry.at.getTime(),
          request_id: `cli-${randomUUID()}`,
          actor_user_id: null,
          actor_username: entry.operator.user,
          actor_entity_id: null,
          source_address: entry.operator.host,
          operation: `ams ${entry.action}`,
          account_id: null,
          account_username: '',
          outcome: 'Success',
          detail: JSON.stringify(entry.detail),
        })
        .execute();
    },
  };
}

/** LIKE with `!` as the escape character: a prefix is matched literally, `_` and `%` included. */
const likePrefix = (prefix: string): string => `${prefix.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;

export function partnerLifecycleStore(db: Kysely<Database>, traits: EngineTraits): LifecycleStore {
  return {
    transaction: (work) => exclusively({ db, traits }, 'entity-tree', (trx) => work(transactionOn(trx))),
    entities: () => entityRecords(db),
    async operatorAudit(limit) {
      // Operator rows are the ones without a partner user (SOAP calls always have one).
      const rows = await db
        .selectFrom('audit_log')
        .select(['at', 'actor_username', 'source_address', 'operation', 'detail'])
        .where('actor_user_id', 'is', null)
        .where('operation', 'like', 'ams %')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ at: new Date(Number(r.at)), operator: { user: r.actor_username, host: r.source_address }, action: r.operation.slice(4), detail: r.detail }));
    },
    async partnerUsers(entityId) {
      let query = partnerUsersQuery(db).orderBy('u.username_key');
      if (entityId !== undefined) query = query.where('u.entity_id', '=', entityId);
      return (await query.execute()).map(partnerUserRecord);
    },
    async findAccounts(filter) {
      let query = db
        .selectFrom('accounts as a')
        .select(['a.username', 'a.entity_id', 'a.status', 'a.email', 'a.quota_mb', 'a.used_space_kb', 'a.signup_at'])
        .orderBy('a.username_key')
        .limit(filter.limit);
      if (filter.entityId !== undefined) {
        const root = filter.entityId;
        // The entity and everything below it; the depth bound stops a cycle made by hand.
        query = query.where(
          sql<boolean>`a.entity_id IN (${entityAndDescendants(root)})`,
        );
      }
      if (filter.email !== undefined) query = query.where(sql<boolean>`lower(a.email) = ${filter.email.toLowerCase()}`);
      if (filter.status !== undefined) query = query.where('a.status', '=', filter.status);
      if (filter.prefix !== undefined) query = query.where(sql<boolean>`a.username_key LIKE ${likePrefix(filter.prefix)} ESCAPE '!'`);
      const rows = await query.execute();
      return rows.map(
        (r): AccountFound => ({
          username: r.username,
          entityId: r.entity_id,
          status: r.status,
          email: r.email,
          quotaMb: Number(r.quota_mb),
          usedSpaceKb: Number(r.used_space_kb),
          signupAt: new Date(Number(r.signup_at)),
        }),
      );
    },
  };
}
