/** What a run records: machine, date, commit, and the figures, printed and kept as JSON. */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentPinning, type Pinning } from './cores.js';
import { BENCH_DIR } from './processes.js';

export function machine(): { date: string; commit: string; cpu: string; cores: number; memoryGiB: number; node: string; pinning: Pinning | 'none' } {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString(),
    commit,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    // Which cores the server under test and the load generators ran on (lib/cores.ts).
    pinning: currentPinning() ?? 'none',
  };
}

export function record(scenario: string, figures: Record<string, unknown>): void {
  const result = { scenario, machine: machine(), ...figures };
  const dir = path.join(BENCH_DIR, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${scenario}-${result.machine.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  console.log(`(kept in ${path.relative(process.cwd(), file)})`);
}

export const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
