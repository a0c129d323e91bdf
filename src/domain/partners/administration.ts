/**
 * Operator actions that partners cannot do through SOAP: creating entities and partner API
 * users, and the first-start bootstrap. The rules live here; the rows are written through
 * AdministrationStore (store/repositories/administration.ts).
 */
import type { PasswordHasher } from '../ports.js';
import { USERNAME_PATTERN } from '../validation.js';

export class AdminError extends Error {
  override readonly name = 'AdminError';
}

export interface NewEntity {
  readonly name: string;
  readonly parentId: number | null;
  /** Enabled itself; in force only when its parent is (an entity below a disabled one is disabled too). */
  readonly active: boolean;
  readonly customerTypeCode: string;
  readonly createdAt: number;
}

export interface NewPartnerUser {
  readonly entityId: number;
  readonly username: string;
  readonly secretHash: string;
  readonly createdAt: number;
}

export interface AdministrationStore {
  /** Whether the entity is enabled, or undefined when there is no such entity. */
  entityActive(id: number): Promise<boolean | undefined>;
  insertEntity(entity: NewEntity): Promise<number>;
  /** The new user's id, or undefined when the user name (in any case) is taken. */
  insertPartnerUser(user: NewPartnerUser): Promise<number | undefined>;
  anyPartnerUser(): Promise<boolean>;
  /** The first root entity (no parent), if any. */
  firstRootEntity(): Promise<number | undefined>;
}

export interface AdministrationDeps {
  readonly store: AdministrationStore;
  readonly hasher: PasswordHasher;
  readonly generateSecret: () => string;
}

export async function createEntity(
  store: AdministrationStore,
  input: { readonly name: string; readonly parentId: number | null; readonly customerTypeCode?: string },
  now: Date,
): Promise<number> {
  if (input.name.trim() === '' || input.name.length > 200) throw new AdminError('entity name must be 1 to 200 characters');
  let parentActive: boolean | undefined;
  if (input.parentId !== null) {
    parentActive = await store.entityActive(input.parentId);
    if (parentActive === undefined) throw new AdminError(`parent entity ${input.parentId} does not exist`);
  }
  return store.insertEntity({
    name: input.name.trim(),
    parentId: input.parentId,
    active: parentActive ?? true,
    customerTypeCode: input.customerTypeCode ?? '',
    createdAt: now.getTime(),
  });
}

export async function createPartnerUser(
  deps: AdministrationDeps,
  input: { readonly entityId: number; readonly username: string; readonly secret?: string },
  now: Date,
): Promise<{ readonly id: number; readonly secret: string }> {
  if (!USERNAME_PATTERN.test(input.username)) {
    throw new AdminError('user name must be 3 to 50 characters, each a letter, a digit or one of @ . _ -');
  }
  const secret = input.secret ?? deps.generateSecret();
  if (secret.length < 12 || secret.length > 256) throw new AdminError('partner secret must be 12 to 256 characters');
  if ((await deps.store.entityActive(input.entityId)) === undefined) throw new AdminError(`entity ${input.entityId} does not exist`);
  const secretHash = await deps.hasher.hash(secret);
  const id = await deps.store.insertPartnerUser({ entityId: input.entityId, username: input.username, secretHash, createdAt: now.getTime() });
  if (id === undefined) throw new AdminError(`partner user ${input.username} already exists`);
  return { id, secret };
}

/**
 * On a database with no partner user yet: a root entity and the first partner user, from
 * AMS_BOOTSTRAP_USERNAME/PASSWORD or generated. Returns the generated secret (to be printed
 * once) or undefined when nothing was created or the secret came from the environment.
 */
export async function bootstrapFirstPartner(
  deps: AdministrationDeps,
  credentials: { readonly username: string | null; readonly password: string | null },
  now: Date,
): Promise<{ readonly username: string; readonly generatedSecret?: string; readonly entityId: number } | undefined> {
  if (await deps.store.anyPartnerUser()) return undefined;
  const entityId = (await deps.store.firstRootEntity()) ?? (await createEntity(deps.store, { name: 'Provider', parentId: null }, now));
  const username = credentials.username ?? 'admin';
  const created = await createPartnerUser(deps, { entityId, username, ...(credentials.password ? { secret: credentials.password } : {}) }, now);
  return credentials.password ? { username, entityId } : { username, generatedSecret: created.secret, entityId };
}
