/**
 * `npm run bench -- import` (issue 18): a legacy export of 10,000 entities, 20,000 partner
 * users and 1,000,000 accounts with hashed passwords, imported by `ams import` as an operator
 * runs it (compiled, its own process): wall time and the process's peak RSS (sampled from
 * /proc, and VmHWM). Then a smaller folder of `clear` passwords, hashed with Argon2id on every
 * core: rows per second. BENCH_IMPORT_ACCOUNTS / _ENTITIES / _PARTNERS / _CLEAR change the sizes;
 * AMS_DATABASE_URL=postgres://… runs it on PostgreSQL.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { prepareDatabase } from './lib/fixture.js';
import { ROOT, build } from './lib/compiled.js';
import { record } from './lib/report.js';
import { writeLegacyExport } from './lib/legacy-export.js';

const ACCOUNTS = Number(process.env.BENCH_IMPORT_ACCOUNTS ?? '1000000');
const ENTITIES = Number(process.env.BENCH_IMPORT_ENTITIES ?? '10000');
const PARTNERS = Number(process.env.BENCH_IMPORT_PARTNERS ?? '20000');
const CLEAR = Number(process.env.BENCH_IMPORT_CLEAR ?? '2000');

function procKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/**
 * `ams import DIR` in its own process: wall seconds, CPU seconds (on a shared machine the wall
 * time mostly measures the neighbours), peak RSS, and its report.
 */
async function timedImport(dir: string, env: Readonly<Record<string, string>>): Promise<{ seconds: number; cpuSeconds: number; peakRssMiB: number; exit: number | null; report: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'ams.js'), 'import', dir], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let report = '';
  child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString('utf8')));
  let peakKb = 0;
  let cpu = 0;
  const sampler = setInterval(() => {
    peakKb = Math.max(peakKb, procKb(child.pid!, 'VmRSS'), procKb(child.pid!, 'VmHWM'));
    cpu = Math.max(cpu, cpuSeconds(child.pid!));
  }, 200);
  const exit = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  return { seconds: Math.round((performance.now() - started) / 100) / 10, cpuSeconds: Math.round(cpu), peakRssMiB: Math.round(peakKb / 1024), exit, report };
}

export async function importScenario(): Promise<void> {
  await build();
  const db = await prepareDatabase(0);
  try {
    const dir = path.join(db.dir, 'legacy');
    const generated = performance.now();
    await writeLegacyExport(dir, { entities: ENTITIES, partnerUsers: PARTNERS, accounts: ACCOUNTS });
    const generateSeconds = Math.round((performance.now() - generated) / 1000);
    const bytes = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    const hashed = await timedImport(dir, db.env);
    if (hashed.exit !== 0) throw new Error(`import failed (${hashed.exit}):\n${hashed.report}`);
    const again = await timedImport(dir, db.env);

    const clearDir = path.join(db.dir, 'legacy-clear');
    await writeLegacyExport(clearDir, { entities: 101, partnerUsers: 0, accounts: 0, clearAccounts: CLEAR });
    fs.rmSync(path.join(clearDir, 'partner-users.csv'));
    const clear = await timedImport(clearDir, db.env);
    if (clear.exit !== 0) throw new Error(`clear import failed (${clear.exit}):\n${clear.report}`);

    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    record('import', {
      loadAverageAtEnd: load,
      engine: db.env.AMS_DATABASE_URL!.startsWith('postgres') ? 'postgres' : 'sqlite',
      sizes: { entities: ENTITIES, partnerUsers: PARTNERS, accounts: ACCOUNTS, csvMiB: Math.round(bytes / 2 ** 20), generateSeconds },
      hashedImport: { seconds: hashed.seconds, cpuSeconds: hashed.cpuSeconds, accountsPerSecond: Math.round(ACCOUNTS / hashed.seconds), peakRssMiB: hashed.peakRssMiB, report: hashed.report.trim().split('\n') },
      sameFolderAgain: { seconds: again.seconds, cpuSeconds: again.cpuSeconds, peakRssMiB: again.peakRssMiB, report: again.report.trim().split('\n').filter((l) => /^\w.*\.csv: /.test(l)) },
      clearImport: { rows: CLEAR, seconds: clear.seconds, cpuSeconds: clear.cpuSeconds, rowsPerSecond: Math.round(CLEAR / clear.seconds), cores: availableParallelism(), peakRssMiB: clear.peakRssMiB },
      goals: { sqliteSeconds: '<= 300', postgresSeconds: '<= 600', peakRssMiB: '<= 300' },
    });
  } finally {
    await db.drop();
  }
}
