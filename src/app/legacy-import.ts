/**
 * Wiring of `ams import` / `ams export` (issue 18): the domain use case over the SQL store, the
 * service's hasher (Argon2id for `clear` rows, on one thread per core) and the CSV files of a folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/create-db.js';
import { importStore } from '../store/repositories/import.js';
import { runImport, type ImportSources } from '../domain/import/run-import.js';
import { IMPORT_FILES, IMPORT_ORDER } from '../domain/import/records.js';
import type { ImportKind } from '../domain/import/ports.js';
import type { ImportReport } from '../domain/import/report.js';
import type { PasswordHasher } from '../domain/ports.js';
import { csvRows } from '../feeds/csv-source.js';
import { digestToken } from '../security/tokens.js';

export interface FolderProgress {
  /** A file is starting: its size in bytes. */
  start(file: string, bytes: number): void;
  /** Bytes of the current file read, rows handled. */
  advance(bytesRead: number, rows: number): void;
  finish(): void;
}

/** The import files present in `dir`, in import order. */
export function importFilesIn(dir: string): { kind: ImportKind; file: string; bytes: number }[] {
  return IMPORT_ORDER.flatMap((kind) => {
    const file = path.join(dir, IMPORT_FILES[kind].file);
    try {
      return [{ kind, file, bytes: fs.statSync(file).size }];
    } catch {
      return [];
    }
  });
}

export async function importFolder(
  store: Store,
  hasher: PasswordHasher,
  dir: string,
  options: { dryRun: boolean; batchSize?: number; progress?: FolderProgress },
): Promise<ImportReport> {
  const files = importFilesIn(dir);
  let bytesRead = 0;
  const sources: ImportSources = {};
  for (const { kind, file, bytes } of files) {
    sources[kind] = () => {
      options.progress?.start(path.basename(file), bytes);
      bytesRead = 0;
      return csvRows(file, IMPORT_FILES[kind].columns, { onBytes: (n) => (bytesRead = n) });
    };
  }
  try {
    return await runImport(
      { store: importStore(store.db, store.traits), hasher, digestLicenseKey: digestToken, now: () => new Date() },
      sources,
      { dryRun: options.dryRun, ...(options.batchSize ? { batchSize: options.batchSize } : {}), onProgress: (_kind, rows) => options.progress?.advance(bytesRead, rows) },
    );
  } finally {
    options.progress?.finish();
  }
}
