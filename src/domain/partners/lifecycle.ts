/**
 * The operator's partner lifecycle (issue 17, SERVICE.md §8): list, disable, enable, rename and
 * move entities; list, disable, enable partner users and rotate their secrets; find accounts.
 * Every change is audited with the operator's OS user and host, in the transaction that makes it.
 * Mistakes come back as one sentence, and nothing is changed.
 */
import { ACCOUNT_STATUSES, isAccountStatus } from '../accounts/account.js';
import type { PasswordHasher } from '../ports.js';
import { USERNAME_PATTERN } from '../validation.js';
import { effectiveActivity, refuseMove, subtreeOf } from './entity-tree.js';
import type {
  AccountFilter,
  AccountFound,
  EntityChange,
  EntityRecord,
  LifecycleStore,
  LifecycleTransaction,
  Operator,
  OperatorAuditRecord,
  PartnerUserRecord,
} from './lifecycle-ports.js';
import { rotateSecret } from './secret-rotation.js';

export type Done<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const done = <T>(value: T): Done<T> => ({ ok: true, value });
const refused = (message: string): Done<never> => ({ ok: false, message });

export const MAX_ACCOUNT_FIND_LIMIT = 1000;
const MAX_CUSTOMER_TYPE_LENGTH = 50;

/** The entities below `parentId` (its children; with `tree`, its whole subtree), or every entity. */
export async function listEntities(store: LifecycleStore, query: { readonly parentId?: number; readonly tree: boolean }): Promise<Done<readonly EntityRecord[]>> {
  const all = await store.entities();
  if (query.parentId === undefined) return done(all);
  const parentId = query.parentId;
  if (!all.some((e) => e.id === parentId)) return refused(`no entity ${parentId}`);
  if (!query.tree) return done(all.filter((e) => e.parentId === parentId));
  const below = subtreeOf(all, parentId);
  return done(all.filter((e) => below.has(e.id)));
}

export interface EntityChangeReport {
  readonly entity: EntityRecord;
  /** Entities (this one included) whose in-force flag changed. */
  readonly entitiesSwitched: number;
  /** Partner users of those entities: refused (or let in again) from the next call on. */
  readonly partnerUsersSwitched: number;
}

/**
 * Stores the change, then the in-force flag of every entity whose flag it changes (a disabled
 * entity's subtree, a moved subtree under a disabled parent), and the audit row.
 */
async function applyEntityChange(tx: LifecycleTransaction, operator: Operator, action: string, id: number, change: EntityChange, now: Date): Promise<Done<EntityChangeReport>> {
  const before = await tx.entities();
  const current = before.find((e) => e.id === id);
  if (!current) return refused(`no entity ${id}`);
  if (change.parentId !== undefined) {
    const why = refuseMove(before, id, change.parentId);
    if (why !== undefined) return refused(why);
  }
  await tx.updateEntity(id, change, now);
  const changed: EntityRecord = {
    ...current,
    name: change.name ?? current.name,
    customerTypeCode: change.customerTypeCode ?? current.customerTypeCode,
    parentId: change.parentId === undefined ? current.parentId : change.parentId,
    enabled: change.enabled ?? current.enabled,
  };
  const after = before.map((e) => (e.id === id ? changed : e));
  const inForce = effectiveActivity(after);
  const switched = after.filter((e) => (inForce.get(e.id) ?? false) !== e.active);
  for (const active of [true, false]) {
    const ids = switched.filter((e) => (inForce.get(e.id) ?? false) === active).map((e) => e.id);
    if (ids.length > 0) await tx.setEntitiesActive(ids, active);
  }
  const partnerUsersSwitched = switched.reduce((n, e) => n + e.partnerUsers, 0);
  const entity: EntityRecord = { ...changed, active: inForce.get(id) ?? false };
  await tx.audit({
    at: now,
    operator,
    action,
    detail: {
      entity: id,
      name: entity.name,
      ...(change.name !== undefined && change.name !== current.name ? { previousName: current.name } : {}),
      ...(change.customerTypeCode !== undefined ? { customerType: change.customerTypeCode, previousCustomerType: current.customerTypeCode } : {}),
      ...(change.parentId !== undefined ? { parent: change.parentId, previousParent: current.parentId } : {}),
      ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
      entitiesSwitched: switched.length,
      partnerUsersSwitched,
    },
  });
  return done({ entity, entitiesSwitched: switched.length, partnerUsersSwitched });
}

export function setEntityEnabled(store: LifecycleStore, operator: Operator, id: number, enabled: boolean, now: Date): Promise<Done<EntityChangeReport>> {
  return store.transaction((tx) => applyEntityChange(tx, operator, enabled ? 'entity enable' : 'entity disable', id, { enabled }, now));
}

export function updateEntity(store: LifecycleStore, operator: Operator, id: number, change: EntityChange, now: Date): Promise<Done<EntityChangeReport>> {
  if (change.name === undefined && change.customerTypeCode === undefined && change.parentId === undefined) {
    return Promise.resolve(refused('nothing to change: give --name, --customer-type or --parent'));
  }
  if (change.name !== undefined && (change.name.trim() === '' || change.name.length > 200)) return Promise.resolve(refused('entity name must be 1 to 200 characters'));
  if (change.customerTypeCode !== undefined && change.customerTypeCode.length > MAX_CUSTOMER_TYPE_LENGTH) {
    return Promise.resolve(refused(`customer type must be at most ${MAX_CUSTOMER_TYPE_LENGTH} characters`));
  }
  const cleaned = change.name === undefined ? change : { ...change, name: change.name.trim() };
  return store.transaction((tx) => applyEntityChange(tx, operator, 'entity set', id, cleaned, now));
}

export async function listPartnerUsers(store: LifecycleStore, entityId?: number): Promise<Done<readonly PartnerUserRecord[]>> {
  if (entityId !== undefined && !(await store.entities()).some((e) => e.id === entityId)) return refused(`no entity ${entityId}`);
  return done(await store.partnerUsers(entityId));
}

function checkPartnerUsername(username: string): string | undefined {
  return USERNAME_PATTERN.test(username) ? undefined : `${JSON.stringify(username.slice(0, 60))} is not a partner user name`;
}

export async function setPartnerUserActive(store: LifecycleStore, operator: Operator, username: string, active: boolean, now: Date): Promise<Done<PartnerUserRecord>> {
  const bad = checkPartnerUsername(username);
  if (bad) return refused(bad);
  return store.transaction(async (tx) => {
    const user = await tx.partnerUser(username);
    if (!user) return refused(`no partner user ${username}`);
    await tx.setPartnerUserActive(user.id, active, now);
    await tx.audit({ at: now, operator, action: active ? 'partner-user enable' : 'partner-user disable', detail: { partnerUser: user.username, entity: user.entityId, wasActive: user.active } });
    return done({ ...user, active, updatedAt: now });
  });
}

export interface Rotation {
  readonly username: string;
  /** The new secret: shown once, never stored in clear. */
  readonly secret: string;
  /** Until when the old secret still works; null when it stopped at once. */
  readonly oldSecretUntil: Date | null;
}

/**
 * A new secret for the partner user. The old one stops at once, or at `now + overlapMs`; a
 * secret still in an earlier overlap stops at once (at most two secrets live at a time).
 */
export async function rotatePartnerSecret(
  store: LifecycleStore,
  deps: { readonly hasher: PasswordHasher; readonly newSecret: () => string },
  operator: Operator,
  input: { readonly username: string; readonly overlapMs: number },
  now: Date,
): Promise<Done<Rotation>> {
  const bad = checkPartnerUsername(input.username);
  if (bad) return refused(bad);
  const secret = deps.newSecret();
  // Hashed before the transaction: an Argon2id hash takes a while and holds no lock.
  const newHash = await deps.hasher.hash(secret);
  return store.transaction(async (tx) => {
    const user = await tx.partnerUser(input.username);
    if (!user) return refused(`no partner user ${input.username}`);
    const rotated = rotateSecret(user.secretHash, newHash, input.overlapMs, now);
    await tx.replaceSecret(user.id, rotated, now);
    await tx.audit({
      at: now,
      operator,
      action: 'partner-user rotate',
      detail: { partnerUser: user.username, entity: user.entityId, overlapMs: input.overlapMs, oldSecretUntil: rotated.previousSecretExpiresAt?.toISOString() ?? now.toISOString() },
    });
    return done({ username: user.username, secret, oldSecretUntil: rotated.previousSecretExpiresAt });
  });
}

export async function listOperatorChanges(store: LifecycleStore, limit = 50): Promise<Done<readonly OperatorAuditRecord[]>> {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_ACCOUNT_FIND_LIMIT) return refused(`--limit must be 1 to ${MAX_ACCOUNT_FIND_LIMIT}`);
  return done(await store.operatorAudit(limit));
}

export interface AccountQuery {
  readonly entityId?: number;
  readonly email?: string;
  readonly status?: string;
  readonly prefix?: string;
  readonly limit?: number;
}

export async function findAccounts(store: LifecycleStore, query: AccountQuery): Promise<Done<readonly AccountFound[]>> {
  const limit = query.limit ?? 50;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_ACCOUNT_FIND_LIMIT) return refused(`--limit must be 1 to ${MAX_ACCOUNT_FIND_LIMIT}`);
  if (query.status !== undefined && !isAccountStatus(query.status)) return refused(`--status must be one of ${ACCOUNT_STATUSES.join(', ')}`);
  if (query.email !== undefined && (query.email === '' || query.email.length > 254)) return refused('--email must be 1 to 254 characters');
  if (query.prefix !== undefined && (query.prefix === '' || query.prefix.length > 50)) return refused('--prefix must be 1 to 50 characters');
  if (query.entityId !== undefined && !(await store.entities()).some((e) => e.id === query.entityId)) return refused(`no entity ${query.entityId}`);
  const filter: AccountFilter = {
    limit,
    ...(query.entityId !== undefined ? { entityId: query.entityId } : {}),
    ...(query.email !== undefined ? { email: query.email } : {}),
    ...(query.status !== undefined && isAccountStatus(query.status) ? { status: query.status } : {}),
    ...(query.prefix !== undefined ? { prefix: query.prefix } : {}),
  };
  return done(await store.findAccounts(filter));
}
