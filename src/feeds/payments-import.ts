/**
 * `ams payments import`: payments recorded by billing, feeding GetAccountPayments. Same rules
 * as the usage import: every line checked first, then all rows in one transaction or none.
 *
 * A payment has no id in the file, so its identity is what it says: account, date, amount,
 * currency and description. A line identical to a payment already stored is skipped (and
 * counted), which makes re-running an import, or importing a cumulative export, harmless;
 * the same payment twice within one file is reported as a mistake.
 */
import type { FeedStore } from '../domain/feed-store.js';
import { checkAmount, checkCurrency, checkIsoDate, checkText } from './fields.js';
import { failure, readTable, resolveAccounts, type ImportFailure } from './table.js';

export const PAYMENT_COLUMNS = ['account', 'date', 'amount', 'currency', 'description'] as const;

interface PaymentRow {
  readonly paidAt: number;
  readonly amount: string;
  readonly currency: string;
  readonly description: string;
}

export type PaymentsImportResult =
  | { readonly ok: true; readonly imported: number; readonly alreadyPresent: number; readonly accounts: number }
  | ImportFailure;

function parsePaymentRow(fields: readonly string[]): { row: PaymentRow } | { problems: string[] } {
  const [, dateText = '', amountText = '', currencyText = '', descriptionText = ''] = fields;
  const paidAt = checkIsoDate(dateText);
  const amount = checkAmount(amountText);
  const currency = checkCurrency(currencyText);
  const description = checkText(descriptionText, { column: 'description', max: 500, required: false, multiline: true });
  if (paidAt.ok && amount.ok && currency.ok && description.ok) {
    return { row: { paidAt: paidAt.value, amount: amount.value, currency: currency.value, description: description.value } };
  }
  return { problems: [paidAt, amount, currency, description].flatMap((c) => (c.ok ? [] : [c.message])) };
}

const identity = (accountId: number, p: PaymentRow): string => JSON.stringify([accountId, p.paidAt, p.amount, p.currency, p.description]);

export async function importPayments(store: FeedStore, bytes: Uint8Array, now: Date): Promise<PaymentsImportResult> {
  const table = readTable(bytes, PAYMENT_COLUMNS, parsePaymentRow);
  if ('ok' in table) return table;
  const { lines, errors } = table;

  return store.transaction(async (trx) => {
    const accountOf = await resolveAccounts(trx, lines, errors);
    const seen = new Map<string, number>();
    const toInsert: { accountId: number; row: PaymentRow; key: string }[] = [];
    for (const { line, row } of lines) {
      const accountId = accountOf.get(line);
      if (row === undefined || accountId === undefined) continue;
      const key = identity(accountId, row);
      const earlier = seen.get(key);
      if (earlier !== undefined) errors.push({ line, message: `the same payment as line ${earlier}` });
      else {
        seen.set(key, line);
        toInsert.push({ accountId, row, key });
      }
    }
    if (errors.length > 0) return failure(errors);

    const stored = new Set<string>();
    for (const p of await trx.paymentsOf([...new Set(toInsert.map((p) => p.accountId))])) stored.add(identity(p.accountId, p));
    const fresh = toInsert.filter((p) => !stored.has(p.key));
    await trx.insertPayments(
      fresh.map(({ accountId, row }) => ({ accountId, ...row })),
      now.getTime(),
    );
    return {
      ok: true as const,
      imported: fresh.length,
      alreadyPresent: toInsert.length - fresh.length,
      accounts: new Set(fresh.map((p) => p.accountId)).size,
    };
  });
}
