/**
 * The keyset account page of GET /api/v1/accounts (issue 19). A page is the accounts of an
 * entity's subtree whose lower-cased user name (`username_key`, unique) comes strictly after the
 * cursor, in that order. No offset: an account added or removed before the cursor shifts
 * nothing after it, so a walk sees every account that existed throughout exactly once.
 */
import { sql, type Kysely } from 'kysely';
import type { AccountPageItem, AccountPageRepository } from '../../domain/api-access.js';
import type { Database } from '../schema.js';
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

export function accountPageRepository(db: Kysely<Database>): AccountPageRepository {
  return {
    async page(query) {
      if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_ACCOUNT_PAGE) throw new RangeError(`a page holds 1 to ${MAX_ACCOUNT_PAGE} accounts, not ${query.limit}`);
      const { rows } = await sql<PageRow>`
        SELECT a.username, a.full_name, a.email, a.entity_id, a.customer_type_code, a.payment_plan_id, a.signup_at, a.status, a.quota_mb
        FROM accounts a
        WHERE a.entity_id IN (${entityAndDescendants(query.entityId)})
          ${query.customerTypeCode === null ? sql`` : sql`AND a.customer_type_code = ${query.customerTypeCode}`}
          ${query.status === null ? sql`` : sql`AND a.status = ${query.status}`}
          ${query.afterUsername === null ? sql`` : sql`AND a.username_key > ${query.afterUsername.toLowerCase()}`}
        ORDER BY a.username_key
        LIMIT ${query.limit}`.execute(db);
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
