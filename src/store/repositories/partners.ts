import { sql, type Kysely, type Selectable } from 'kysely';
import type { EntityRepository, LicenseKeyRepository, PartnerUser, PartnerUserRepository } from '../../domain/ports.js';
import type { Database, PartnerUsersTable } from '../schema.js';
import { prepareQuery } from '../prepared-query.js';
import type { CommittedReader } from '../committed-reader.js';
import { entityAncestorsCte } from '../entity-tree.js';
import { accountInTreeCtes, accountInTreeFacts, accountInTreeFromRow, usernameKey, type AccountInTreeRow } from './accounts.js';

export function entityRepository(db: Kysely<Database>): EntityRepository {
  return {
    async findById(id) {
      const row = await db.selectFrom('entities').selectAll().where('id', '=', id).executeTakeFirst();
      return row
        ? { id: row.id, parentId: row.parent_id, name: row.name, active: row.active === 1, customerTypeCode: row.customer_type_code }
        : undefined;
    },

    async isWithinTree(ancestorId, entityId) {
      if (ancestorId === entityId) return true;
      // Walk up from the target; the depth bound stops a cycle an operator might create by hand.
      const result = await sql<{ found: number }>`
        WITH RECURSIVE ${entityAncestorsCte(sql`SELECT id, parent_id, 0 FROM entities WHERE id = ${entityId}`)}
        SELECT 1 AS found FROM up WHERE id = ${ancestorId} LIMIT 1`.execute(db);
      return result.rows.length > 0;
    },
  };
}

type PartnerUserRow = Pick<Selectable<PartnerUsersTable>, 'id' | 'entity_id' | 'username' | 'secret_hash' | 'active' | 'previous_secret_hash' | 'previous_secret_expires_at'> & {
  entity_active: number;
};

const partnerUserFromRow = (row: PartnerUserRow): PartnerUser => ({
  id: row.id,
  entityId: row.entity_id,
  username: row.username,
  secretHash: row.secret_hash,
  active: row.active === 1,
  entityActive: row.entity_active === 1,
  ...(row.previous_secret_hash !== null && row.previous_secret_expires_at !== null
    ? { previousSecret: { hash: row.previous_secret_hash, expiresAtMs: Number(row.previous_secret_expires_at) } }
    : {}),
});

/**
 * The combined row: the account-in-tree row (null columns when no account has the name) as
 * accounts.ts reads it, and the partner user's columns prefixed `p_`.
 */
type PartnerWithAccountRow = { readonly [C in keyof AccountInTreeRow]: AccountInTreeRow[C] | null } & {
  readonly [C in keyof PartnerUserRow as `p_${C}`]: PartnerUserRow[C];
};

function partnerOfCombinedRow(row: PartnerWithAccountRow): PartnerUser {
  return partnerUserFromRow({
    id: row.p_id,
    entity_id: row.p_entity_id,
    username: row.p_username,
    secret_hash: row.p_secret_hash,
    active: row.p_active,
    previous_secret_hash: row.p_previous_secret_hash,
    previous_secret_expires_at: row.p_previous_secret_expires_at,
    entity_active: row.p_entity_active,
  });
}

export function partnerUserRepository(db: Kysely<Database>, reader?: CommittedReader): PartnerUserRepository {
  const withEntity = () =>
    db.selectFrom('partner_users as u').innerJoin('entities as e', 'e.id', 'u.entity_id')
      .select(['u.id', 'u.entity_id', 'u.username', 'u.secret_hash', 'u.active', 'u.previous_secret_hash', 'u.previous_secret_expires_at', 'e.active as entity_active']);
  // Every SOAP call starts here: compiled once (see prepared-query.ts).
  const byUsernameKey = prepareQuery<PartnerUserRow, [string], Database>(db, 1, (key) => withEntity().where('u.username_key', '=', key), reader);
  // The partner user and the account the call names, in one statement (one round trip on
  // PostgreSQL, where each costs ~40 µs of the process's CPU in system calls alone): the
  // account part is accounts.ts's in-tree look-up with the partner's entity as the stop.
  const withAccount = prepareQuery<PartnerWithAccountRow, [string, string], Database>(
    db,
    2,
    (partnerKey, accountKey) => sql`
      WITH RECURSIVE p AS (
        SELECT u.id, u.entity_id, u.username, u.secret_hash, u.active, u.previous_secret_hash, u.previous_secret_expires_at, e.active AS entity_active
        FROM partner_users u JOIN entities e ON e.id = u.entity_id
        WHERE u.username_key = ${partnerKey}),
      ${accountInTreeCtes(accountKey, sql`(SELECT entity_id FROM p)`)}
      SELECT p.id AS p_id, p.entity_id AS p_entity_id, p.username AS p_username, p.secret_hash AS p_secret_hash, p.active AS p_active,
        p.previous_secret_hash AS p_previous_secret_hash, p.previous_secret_expires_at AS p_previous_secret_expires_at, p.entity_active AS p_entity_active,
        target.*, ${accountInTreeFacts(sql`p.entity_id`)}
      FROM p LEFT JOIN target ON 1 = 1`,
    reader,
  );
  return {
    async findByUsername(username) {
      const [row] = await byUsernameKey(username.toLowerCase());
      return row ? partnerUserFromRow(row) : undefined;
    },
    async findByUsernameWithAccount(username, accountUsername) {
      const [row] = await withAccount(username.toLowerCase(), usernameKey(accountUsername));
      if (!row) return { user: undefined, account: undefined };
      return { user: partnerOfCombinedRow(row), account: row.id === null ? undefined : accountInTreeFromRow(row as AccountInTreeRow) };
    },
    async findById(id) {
      const row = await withEntity().where('u.id', '=', id).executeTakeFirst();
      return row ? partnerUserFromRow(row) : undefined;
    },
  };
}

export function licenseKeyRepository(db: Kysely<Database>): LicenseKeyRepository {
  return {
    async entityOf(digest) {
      const row = await db
        .selectFrom('partner_license_keys')
        .select('entity_id')
        .where('key_hash', '=', digest)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row?.entity_id;
    },
  };
}
