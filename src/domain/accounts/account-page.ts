/**
 * One page of the caller's tree (GET /api/v1/accounts, issue 19): the entity asked for must lie
 * within the caller's tree (ObjectEntityMismatch otherwise, as for every account operation);
 * the page itself is the store's keyset read, stable while accounts come and go.
 */
import type { AccountPageItem, AccountPageRepository } from '../api-access.js';
import { failure, invalidInput, success, type Outcome } from '../outcome.js';
import type { Caller, EntityRepository } from '../ports.js';
import { checkOptionalText } from '../validation.js';

export interface AccountPageDeps {
  readonly entities: Pick<EntityRepository, 'isWithinTree'>;
  readonly pages: AccountPageRepository;
}

export interface AccountPageRequest {
  /** null: the caller's own entity. */
  readonly entityId: number | null;
  readonly customerTypeCode: string | null;
  readonly status: string | null;
  readonly afterUsername: string | null;
  readonly limit: number;
}

/** The field names the edge uses, for its messages. */
export interface AccountPageFields {
  readonly entityId: string;
  readonly customerTypeCode: string;
}

export async function accountPage(deps: AccountPageDeps, caller: Caller, request: AccountPageRequest, fields: AccountPageFields): Promise<Outcome<readonly AccountPageItem[]>> {
  const code = checkOptionalText(fields.customerTypeCode, request.customerTypeCode, 50);
  if (!code.ok) return code.failure;
  if (/[^A-Za-z0-9_.-]/.test(code.value)) return invalidInput(`${fields.customerTypeCode} may contain only letters, digits and . _ -.`);
  const entityId = request.entityId ?? caller.entityId;
  if (entityId !== caller.entityId && !(await deps.entities.isWithinTree(caller.entityId, entityId))) {
    return failure('ObjectEntityMismatch', `${fields.entityId} ${entityId} is not in your tree.`);
  }
  return success(
    await deps.pages.page({
      entityId,
      customerTypeCode: code.value === '' ? null : code.value,
      status: request.status,
      afterUsername: request.afterUsername,
      limit: request.limit,
    }),
  );
}
