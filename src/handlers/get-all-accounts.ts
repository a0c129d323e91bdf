import { GetAllAccounts } from '../contract/operations/get-all-accounts.js';
import { allAccounts } from '../domain/accounts/reports.js';
import { failureOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(GetAllAccounts);

export const handleGetAllAccounts: Handler<typeof GetAllAccounts> = async (args, ctx) => {
  const outcome = await allAccounts(ctx.deps.accounts, ctx.caller, args.CustomerTypeCode, names.CustomerTypeCode);
  if (!outcome.ok) return failureOutput(GetAllAccounts, outcome.code, outcome.message);
  return {
    Result: 'Success',
    Accounts: outcome.value.map((a) => ({
      UserName: a.username,
      CustomerName: a.fullName,
      Email: a.email,
      EntityId: a.entityId,
      CustomerTypeCode: a.customerTypeCode,
      PaymentPlanId: a.paymentPlanId,
      SignupDate: a.signupAt,
    })),
  };
};
