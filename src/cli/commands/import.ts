/** `ams import DIR` (issue 18): a legacy export, or an `ams export`, into the configured database. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.js';
import { formatImportReport, importFilesIn, totalRejected, withOperatorConsole } from '../../app/operator.js';
import { folderProgress } from './progress.js';
import { out, outError } from '../output.js';

export const IMPORT_USAGE = 'ams import DIR [--dry-run] [--strict] [--batch-size N]';

async function feed(file: string, run: (bytes: Uint8Array) => Promise<{ ok: boolean }>): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch {
    return undefined; // absent: any file may be
  }
  const result = await run(bytes);
  return result.ok ? `${path.basename(file)}: imported` : `${path.basename(file)}: not imported (run \`ams ${path.basename(file, '.csv')} import ${file}\` for its report)`;
}

export async function importCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { 'dry-run': { type: 'boolean' }, strict: { type: 'boolean' }, 'batch-size': { type: 'string' } } });
  } catch (err) {
    outError(`ams: import: ${err instanceof Error ? err.message : String(err)}\nusage: ${IMPORT_USAGE}\n`);
    return 2;
  }
  const [dir, ...extra] = parsed.positionals;
  const batchText = parsed.values['batch-size'];
  if (dir === undefined || extra.length > 0 || (batchText !== undefined && !/^[1-9]\d{0,3}$/.test(batchText))) {
    outError(`ams: import: expected one folder (and --batch-size 1-9999)\nusage: ${IMPORT_USAGE}\n`);
    return 2;
  }
  if (importFilesIn(dir).length === 0) {
    outError(`ams: import: ${dir}: no import file found (entities.csv, partner-users.csv, partner-license-keys.csv, accounts.csv)\n`);
    return 1;
  }
  return withOperatorConsole(loadConfig(), async (ops) => {
    const batchSize = batchText === undefined ? undefined : Number(batchText);
    const run = (dryRun: boolean) => ops.importFolder(dir, { dryRun, ...(batchSize ? { batchSize } : {}), progress: folderProgress() });
    if (parsed.values.strict) {
      const check = await run(true);
      if (totalRejected(check) > 0) {
        out(formatImportReport(check));
        out('--strict: nothing imported, because rows were rejected\n');
        return 1;
      }
    }
    const dryRun = parsed.values['dry-run'] === true;
    const started = Date.now();
    const report = await run(dryRun);
    out(formatImportReport(report));
    if (!dryRun) {
      const feeds = [
        ['usage.csv', (bytes: Uint8Array) => ops.importUsage(bytes, new Date())],
        ['payments.csv', (bytes: Uint8Array) => ops.importPayments(bytes, new Date())],
      ] as const;
      for (const [name, importer] of feeds) {
        const line = await feed(path.join(dir, name), importer);
        if (line) out(`${line}\n`);
      }
    }
    out(`took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return totalRejected(report) === 0 ? 0 : 1;
  });
}
