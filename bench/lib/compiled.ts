/**
 * The benchmarks measure what an operator runs: the compiled build in dist/ (`npm run build`,
 * which `bin/ams.js` loads), not the TypeScript sources under tsx. tsx's transform wraps every
 * named closure in a `__name(…)` call, made again each time the closure is created; on the
 * request path that cost ~9% of AMS's CPU per GetAccountInfo (A/B, 4 interleaved rounds).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, run } from './processes.js';

export const ROOT = path.resolve(BENCH_DIR, '..');

/** Rebuilds dist/ from the sources, so that a run never measures a stale build. */
export async function build(): Promise<void> {
  await run('npm', ['run', '--silent', 'build']);
}

/** Imports a module of the compiled build; `module` is its path under src/ with a .js extension. */
export async function importCompiled<M>(module: string): Promise<M> {
  // BENCH_DIST: another build's dist/ (an A/B of two commits in one run).
  return (await import(pathToFileURL(path.join(process.env.BENCH_DIST ?? path.join(ROOT, 'dist'), module)).href)) as M;
}
