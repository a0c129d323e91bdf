/** Partner licence key rows (`ams license-key create`, app/license-keys.ts). */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Stores the key's digest under the entity; undefined when there is no such entity. */
export async function insertPartnerLicenseKey(
  db: Kysely<Database>,
  entityId: number,
  keyHash: string,
  now: Date,
): Promise<{ readonly entityId: number; readonly entityName: string } | undefined> {
  const entity = await db.selectFrom('entities').select(['id', 'name']).where('id', '=', entityId).executeTakeFirst();
  if (!entity) return undefined;
  await db.insertInto('partner_license_keys').values({ key_hash: keyHash, entity_id: entity.id, revoked_at: null, created_at: now.getTime() }).execute();
  return { entityId: entity.id, entityName: entity.name };
}
