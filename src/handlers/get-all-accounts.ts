import { GetAllAccounts } from '../contract/operations/get-all-accounts.js';
import { ItemStream } from '../contract/item-stream.js';
import { allAccounts } from '../domain/accounts/reports.js';
import type { AccountListItem } from '../domain/ports.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(GetAllAccounts);
const DEFAULT_BATCH_SIZE = 250;

/** An account as the list's wire item. */
export function wireListItem(a: AccountListItem) {
  return {
    UserName: a.username,
    CustomerName: a.fullName,
    Email: a.email,
    EntityId: a.entityId,
    CustomerTypeCode: a.customerTypeCode,
    PaymentPlanId: a.paymentPlanId,
    SignupDate: a.signupAt,
  };
}

/**
 * The list is streamed (issue 20): read batch by batch as the answer is written. The first
 * batches are read here, inside the call, so a database failure there is still today's
 * UnexpectedError answer; a list that ends within them is answered as a plain array, buffered
 * exactly as before. Only a longer list leaves as an ItemStream.
 */
export const handleGetAllAccounts: Handler<typeof GetAllAccounts> = async (args, ctx) => {
  const outcome = allAccounts(ctx.deps.accounts, ctx.caller, args.CustomerTypeCode, names.CustomerTypeCode, ctx.deps.listBatchSize ?? DEFAULT_BATCH_SIZE);
  if (!outcome.ok) return failureOutput(GetAllAccounts, outcome.code, outcome.message);
  const stream = ItemStream.of(outcome.value, wireListItem);
  const whole = await stream.readAhead();
  return { Result: 'Success', Accounts: whole ?? stream };
};
