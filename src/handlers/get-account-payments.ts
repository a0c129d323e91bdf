import { GetAccountPayments } from '../contract/operations/get-account-payments.js';
import { resultInfo } from '../contract/common-types.js';
import { accountPayments } from '../domain/accounts/reports.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(GetAccountPayments);

export const handleGetAccountPayments: Handler<typeof GetAccountPayments> = async (args, ctx) => {
  const outcome = await accountPayments(ctx.deps.accounts, ctx.caller, args.userName, names.userName);
  if (!outcome.ok) return failureOutput(GetAccountPayments, outcome.code, outcome.message);
  return {
    GetAccountPaymentsResult: resultInfo('Success'),
    payments: outcome.value.map((p) => ({
      PaymentId: BigInt(p.id),
      DateUtc: p.paidAt,
      Amount: p.amount,
      Currency: p.currency,
      Description: p.description,
    })),
  };
};
