/**
 * `ams usage import`: used space per backup system, as reported by the backup servers, feeding
 * GetAccountUsedSpaceBySystem (the rows) and GetAccountUsedSpace (their sum per account).
 * All or nothing: every line is checked first, and either every row is written in one
 * transaction or nothing is.
 */
import type { FeedStore, FeedTransaction } from '../domain/feed-store.js';
import { checkText, checkUsedKb } from './fields.js';
import { failure, readTable, resolveAccounts, type ImportFailure, type LineError } from './table.js';

export const USAGE_COLUMNS = ['account', 'system', 'device_type', 'used_kb'] as const;

interface UsageRow {
  readonly system: string;
  readonly deviceType: string;
  readonly usedKb: bigint;
}

export type UsageImportResult =
  | { readonly ok: true; readonly imported: number; readonly accountsUpdated: number }
  | ImportFailure;

function parseUsageRow(fields: readonly string[]): { row: UsageRow } | { problems: string[] } {
  const [, systemText = '', deviceText = '', kbText = ''] = fields;
  const system = checkText(systemText, { column: 'system', max: 100, required: true });
  const deviceType = checkText(deviceText, { column: 'device_type', max: 100, required: false });
  const usedKb = checkUsedKb(kbText);
  if (system.ok && deviceType.ok && usedKb.ok) return { row: { system: system.value, deviceType: deviceType.value, usedKb: usedKb.value } };
  return { problems: [system, deviceType, usedKb].flatMap((c) => (c.ok ? [] : [c.message])) };
}

export async function importUsage(store: FeedStore, bytes: Uint8Array, now: Date): Promise<UsageImportResult> {
  const table = readTable(bytes, USAGE_COLUMNS, parseUsageRow);
  if ('ok' in table) return table;
  const { lines, errors } = table;

  return store.transaction(async (trx) => {
    const accountOf = await resolveAccounts(trx, lines, errors);

    // Rows by account id, then system name; a second line for the same pair is a mistake in
    // the file (which value is right?), not something to resolve by "last one wins".
    const rows = new Map<number, Map<string, { line: number; row: UsageRow }>>();
    for (const { line, row } of lines) {
      const accountId = accountOf.get(line);
      if (row === undefined || accountId === undefined) continue;
      const systems = rows.get(accountId) ?? new Map<string, { line: number; row: UsageRow }>();
      rows.set(accountId, systems);
      const earlier = systems.get(row.system);
      if (earlier) errors.push({ line, message: `account and system repeat line ${earlier.line}` });
      else systems.set(row.system, { line, row });
    }
    if (errors.length > 0) return failure(errors);

    const totals = await newTotals(trx, rows, errors);
    if (errors.length > 0) return failure(errors);

    const values = [...rows].flatMap(([accountId, systems]) =>
      [...systems.values()].map(({ row }) => ({ accountId, systemName: row.system, deviceType: row.deviceType, usedKb: Number(row.usedKb) })),
    );
    await trx.upsertUsage(values, now.getTime());
    for (const [accountId, total] of totals) await trx.setUsedSpace(accountId, total, now.getTime());
    return { ok: true as const, imported: values.length, accountsUpdated: totals.size };
  });
}

/**
 * Each touched account's used space after the import: its stored systems with the file's rows
 * laid over them (systems absent from the file keep their figure). Summed as BigInt and refused
 * past 2^53 − 1, where the stored number would stop being exact.
 */
async function newTotals(
  tx: FeedTransaction,
  rows: ReadonlyMap<number, ReadonlyMap<string, { line: number; row: UsageRow }>>,
  errors: LineError[],
): Promise<Map<number, number>> {
  const stored = new Map<number, Map<string, bigint>>();
  for (const r of await tx.usageOf([...rows.keys()])) {
    const systems = stored.get(r.accountId) ?? new Map<string, bigint>();
    stored.set(r.accountId, systems);
    systems.set(r.systemName, r.usedKb);
  }
  const totals = new Map<number, number>();
  for (const [accountId, systems] of rows) {
    const merged = new Map(stored.get(accountId));
    for (const [system, { row }] of systems) merged.set(system, row.usedKb);
    const total = [...merged.values()].reduce((a, b) => a + b, 0n);
    if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
      const last = [...systems.values()].reduce((max, s) => Math.max(max, s.line), 0);
      errors.push({ line: last, message: `the account's used space would total ${total} KB, more than ${Number.MAX_SAFE_INTEGER}` });
    } else {
      totals.set(accountId, Number(total));
    }
  }
  return totals;
}
