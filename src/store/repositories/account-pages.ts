/**
 * The keyset account page of GET /api/v1/accounts (issue 19). A page is the accounts of an
 * entity's subtree whose lower-cased user name (`username_key`, unique) comes strictly after the
 * cursor, in that order. No offset: an account added or removed before the cursor shifts
 * nothing after it, so a walk sees every account that existed throughout exactly once.
 *
 * How a page is read: for each entity of the subtree, its first `limit` accounts after the
 * cursor (a range of the index (entity_id, username_key), already in order, stopping after
 * `limit`), then the first `limit` of those together. A page thus reads at most
 * entities × limit index entries, whatever the number of accounts; the plain form (`entity_id
 * IN subtree … ORDER BY … LIMIT`) read and sorted every account after the cursor on each page,
 * i.e. a walk quadratic in the subtree's accounts.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AccountPageItem, AccountPageRepository } from '../../domain/api-access.js';
import type { Database } from '../schema.js';
import type { EngineTraits } from '../dialect.js';
import { entityAndDescendants } from '../entity-tree.js';

/** A page never holds more rows than this, whatever it is asked for. */
export const MAX_ACCOUNT_PAGE = 1000;

interface PageRow {
  username: string;
  full_name: string;
  email: string;
  entity_id: number;
  customer_type_code: string;
  payment_plan_id: number;
  signup_at: number | string;
  status: string;
  quota_mb: number | string;
}

const COLUMNS = sql`a.username, a.username_key, a.full_name, a.email, a.entity_id, a.customer_type_code, a.payment_plan_id, a.signup_at, a.status, a.quota_mb`;

export function accountPageRepository(db: Kysely<Database>, traits: Pick<EngineTraits, 'lateralJoin'>): AccountPageRepository {
  return {
    async page(query) {
      if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_ACCOUNT_PAGE) throw new RangeError(`a page holds 1 to ${MAX_ACCOUNT_PAGE} accounts, not ${query.limit}`);
      /** The first `limit` accounts of entity `tree.id` after the cursor, with the filters, selecting `columns` of `a`. */
      const firstOfEntity = (columns: RawBuilder<unknown>) => sql`
        SELECT ${columns} FROM accounts a
        WHERE a.entity_id = tree.id
          ${query.customerTypeCode === null ? sql`` : sql`AND a.customer_type_code = ${query.customerTypeCode}`}
          ${query.status === null ? sql`` : sql`AND a.status = ${query.status}`}
          ${query.afterUsername === null ? sql`` : sql`AND a.username_key > ${query.afterUsername.toLowerCase()}`}
        ORDER BY a.username_key
        LIMIT ${query.limit}`;
      const subtree = sql`(${entityAndDescendants(query.entityId)}) tree`;
      const { rows } = traits.lateralJoin
        ? await sql<PageRow>`
            SELECT p.* FROM ${subtree} CROSS JOIN LATERAL (${firstOfEntity(COLUMNS)}) p
            ORDER BY p.username_key LIMIT ${query.limit}`.execute(db)
        : await sql<PageRow>`
            SELECT ${COLUMNS} FROM ${subtree} JOIN accounts a ON a.id IN (${firstOfEntity(sql`a.id`)})
            ORDER BY a.username_key LIMIT ${query.limit}`.execute(db);
      return rows.map(
        (r): AccountPageItem => ({
          username: r.username,
          fullName: r.full_name,
          email: r.email,
          entityId: Number(r.entity_id),
          customerTypeCode: r.customer_type_code,
          paymentPlanId: Number(r.payment_plan_id),
          signupAt: new Date(Number(r.signup_at)),
          status: r.status,
          quotaMb: Number(r.quota_mb),
        }),
      );
    },
  };
}
