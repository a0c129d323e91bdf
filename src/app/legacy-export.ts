/**
 * `ams export DIR` (issue 18): the whole installation as a folder `ams import` reads back —
 * the way to move from SQLite to PostgreSQL (or back). Each file is streamed through
 * csv-stringify a page of rows at a time; files already in DIR are never overwritten.
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Store } from '../store/create-db.js';
import { exportReader } from '../store/repositories/export.js';
import { accountRow, entityRow, EXPORT_FILES, licenseKeyRow, partnerUserRow } from '../domain/import/export-rows.js';
import { USAGE_COLUMNS } from '../feeds/usage-import.js';
import { PAYMENT_COLUMNS } from '../feeds/payments-import.js';

export interface ExportCounts {
  readonly [file: string]: number;
}

async function writeCsv(file: string, columns: readonly string[], rows: AsyncIterable<string[]>): Promise<number> {
  const out = fs.createWriteStream(file, { flags: 'wx' });
  const csv = stringify({ header: true, columns: [...columns], record_delimiter: 'unix' });
  csv.pipe(out);
  let n = 0;
  for await (const row of rows) {
    if (!csv.write(row)) await once(csv, 'drain');
    n++;
  }
  csv.end();
  await finished(out);
  return n;
}

async function* mapped<T>(items: AsyncIterable<T>, row: (item: T) => string[]): AsyncGenerator<string[]> {
  for await (const item of items) yield row(item);
}

export async function exportFolder(store: Store, dir: string, onFile?: (file: string, rows: number) => void): Promise<ExportCounts> {
  fs.mkdirSync(dir, { recursive: true });
  const reader = exportReader(store.db);
  const plan: [string, readonly string[], () => AsyncIterable<string[]>][] = [
    [EXPORT_FILES.entity.file, EXPORT_FILES.entity.columns, () => mapped(reader.entities(), (e) => entityRow(e.id, e.state))],
    [EXPORT_FILES['partner-user'].file, EXPORT_FILES['partner-user'].columns, () => mapped(reader.partnerUsers(), (u) => partnerUserRow(u.state, u.secretHash))],
    [EXPORT_FILES['license-key'].file, EXPORT_FILES['license-key'].columns, () => mapped(reader.licenseKeys(), (k) => licenseKeyRow(k.digest, k.state))],
    [EXPORT_FILES.account.file, EXPORT_FILES.account.columns, () => mapped(reader.accounts(), (a) => accountRow(a.state, a.secretHash, a.lastSignInAt ?? null))],
    ['usage.csv', USAGE_COLUMNS, () => reader.usage()],
    ['payments.csv', PAYMENT_COLUMNS, () => reader.payments()],
  ];
  for (const [name] of plan) {
    if (fs.existsSync(path.join(dir, name))) throw new Error(`${path.join(dir, name)} already exists: export into an empty folder`);
  }
  const counts: Record<string, number> = {};
  for (const [name, columns, rows] of plan) {
    counts[name] = await writeCsv(path.join(dir, name), columns, rows());
    onFile?.(name, counts[name]);
  }
  return counts;
}
