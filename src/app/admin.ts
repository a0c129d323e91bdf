/**
 * Operator actions that partners cannot do through SOAP: entities and partner API users.
 * Used by the CLI and by the first-start bootstrap.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { PasswordHasher } from '../domain/ports.js';
import { USERNAME_PATTERN } from '../domain/validation.js';

export class AdminError extends Error {
  override readonly name = 'AdminError';
}

export async function createEntity(
  db: Kysely<Database>,
  input: { readonly name: string; readonly parentId: number | null; readonly customerTypeCode?: string },
  now: Date,
): Promise<number> {
  if (input.name.trim() === '' || input.name.length > 200) throw new AdminError('entity name must be 1 to 200 characters');
  let parentActive: number | undefined;
  if (input.parentId !== null) {
    parentActive = (await db.selectFrom('entities').select('active').where('id', '=', input.parentId).executeTakeFirst())?.active;
    if (parentActive === undefined) throw new AdminError(`parent entity ${input.parentId} does not exist`);
  }
  const row = await db
    .insertInto('entities')
    // Enabled itself; in force only when its parent is (an entity below a disabled one is disabled too).
    .values({ name: input.name.trim(), parent_id: input.parentId, active: parentActive ?? 1, customer_type_code: input.customerTypeCode ?? '', created_at: now.getTime() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A random secret that satisfies any sane policy: 24 URL-safe characters (144 bits). */
export function generateSecret(): string {
  return randomBytes(18).toString('base64url');
}

export async function createPartnerUser(
  db: Kysely<Database>,
  hasher: PasswordHasher,
  input: { readonly entityId: number; readonly username: string; readonly secret?: string },
  now: Date,
): Promise<{ readonly id: number; readonly secret: string }> {
  if (!USERNAME_PATTERN.test(input.username)) {
    throw new AdminError('user name must be 3 to 50 characters, each a letter, a digit or one of @ . _ -');
  }
  const secret = input.secret ?? generateSecret();
  if (secret.length < 12 || secret.length > 256) throw new AdminError('partner secret must be 12 to 256 characters');
  const entity = await db.selectFrom('entities').select('id').where('id', '=', input.entityId).executeTakeFirst();
  if (!entity) throw new AdminError(`entity ${input.entityId} does not exist`);
  const secretHash = await hasher.hash(secret);
  const row = await db
    .insertInto('partner_users')
    .values({
      entity_id: input.entityId,
      username: input.username,
      username_key: input.username.toLowerCase(),
      secret_hash: secretHash,
      active: 1,
      created_at: now.getTime(),
      updated_at: now.getTime(),
    })
    .onConflict((oc) => oc.column('username_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new AdminError(`partner user ${input.username} already exists`);
  return { id: row.id, secret };
}

/**
 * On a database with no partner user yet: a root entity and the first partner user, from
 * AMS_BOOTSTRAP_USERNAME/PASSWORD or generated. Returns the generated secret (to be printed
 * once) or undefined when nothing was created or the secret came from the environment.
 */
export async function bootstrapFirstPartner(
  db: Kysely<Database>,
  hasher: PasswordHasher,
  credentials: { readonly username: string | null; readonly password: string | null },
  now: Date,
): Promise<{ readonly username: string; readonly generatedSecret?: string; readonly entityId: number } | undefined> {
  const existing = await db.selectFrom('partner_users').select('id').limit(1).executeTakeFirst();
  if (existing) return undefined;
  const rootEntity = await db.selectFrom('entities').select('id').where('parent_id', 'is', null).orderBy('id').executeTakeFirst();
  const entityId = rootEntity?.id ?? (await createEntity(db, { name: 'Provider', parentId: null }, now));
  const username = credentials.username ?? 'admin';
  const created = await createPartnerUser(db, hasher, { entityId, username, ...(credentials.password ? { secret: credentials.password } : {}) }, now);
  return credentials.password ? { username, entityId } : { username, generatedSecret: created.secret, entityId };
}
