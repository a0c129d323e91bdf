/** The rows behind the operator's entity and partner-user commands (domain/partners/administration.ts). */
import type { Kysely } from 'kysely';
import type { AdministrationStore } from '../../domain/partners/administration.js';
import type { Database } from '../schema.js';

export function administrationStore(db: Kysely<Database>): AdministrationStore {
  return {
    async entityActive(id) {
      const row = await db.selectFrom('entities').select('active').where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : Number(row.active) === 1;
    },
    async insertEntity(e) {
      const row = await db
        .insertInto('entities')
        .values({ name: e.name, parent_id: e.parentId, active: e.active ? 1 : 0, customer_type_code: e.customerTypeCode, created_at: e.createdAt })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async insertPartnerUser(u) {
      const row = await db
        .insertInto('partner_users')
        .values({
          entity_id: u.entityId,
          username: u.username,
          username_key: u.username.toLowerCase(),
          secret_hash: u.secretHash,
          active: 1,
          created_at: u.createdAt,
          updated_at: u.createdAt,
        })
        .onConflict((oc) => oc.column('username_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      return row?.id;
    },
    async anyPartnerUser() {
      return (await db.selectFrom('partner_users').select('id').limit(1).executeTakeFirst()) !== undefined;
    },
    async firstRootEntity() {
      return (await db.selectFrom('entities').select('id').where('parent_id', 'is', null).orderBy('id').executeTakeFirst())?.id;
    },
  };
}
