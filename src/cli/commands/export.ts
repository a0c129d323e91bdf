/** `ams export DIR` (issue 18): everything, in the import format, into an empty folder. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.js';
import { withOperatorConsole } from '../../app/operator.js';
import { out, outError } from '../output.js';

export const EXPORT_USAGE = 'ams export DIR';

export async function exportCommand(args: string[]): Promise<number> {
  let positionals: string[];
  try {
    positionals = parseArgs({ args, allowPositionals: true, strict: true, options: {} }).positionals;
  } catch (err) {
    outError(`ams: export: ${err instanceof Error ? err.message : String(err)}\nusage: ${EXPORT_USAGE}\n`);
    return 2;
  }
  const [dir, ...extra] = positionals;
  if (dir === undefined || dir === '' || extra.length > 0) {
    outError(`ams: export: expected one folder\nusage: ${EXPORT_USAGE}\n`);
    return 2;
  }
  try {
    return await withOperatorConsole(loadConfig(), async (ops) => {
      const started = Date.now();
      await ops.exportFolder(dir, (file, rows) => out(`${file}: ${rows} rows\n`));
      out(`exported to ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      return 0;
    });
  } catch (err) {
    if (err instanceof Error && /already exists/.test(err.message)) {
      outError(`ams: export: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
