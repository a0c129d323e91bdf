// Compiles src/ into dist/ (tsc -p tsconfig.build.json) and records what it compiled.
//
// `node scripts/build.mjs --if-stale` (npm's `prepare`; `npm start` calls it through scripts/start.mjs) compiles only when a source
// changed since the last successful build, so `npm start` on unchanged sources reaches its socket
// in well under a second of build time instead of a full `tsc` run (12 s idle, 38 s on a busy
// machine: issue 17). "Changed" is judged by a fingerprint of the path, size and mtime of every
// file and folder under src/ plus the compiler settings: an edit, a new file, a deleted or renamed
// one and a checkout of another commit all change it. The fingerprint is written only after tsc
// succeeds, so a failed build is tried again on the next start instead of running half-built code.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');
const STAMP = path.join(ROOT, 'dist', '.build-fingerprint');
const INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const s = statSync(full);
    out.push(`${path.relative(ROOT, full)}\t${s.size}\t${s.mtimeMs}`);
    if (entry.isDirectory()) walk(full, out);
  }
  return out;
}

function fingerprint() {
  const lines = walk(path.join(ROOT, 'src'), []);
  for (const file of INPUTS) {
    const s = statSync(path.join(ROOT, file));
    lines.push(`${file}\t${s.size}\t${s.mtimeMs}`);
  }
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

/**
 * Compiles when needed (`ifStale`) or always. Returns nothing; on failure prints one `ams:` line
 * and exits 1 (a start on half-built code would be worse).
 */
export function build({ ifStale }) {
  const current = fingerprint();
  if (ifStale && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === current && existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) return;
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    // A production install pruned of devDependencies, with sources newer than dist/.
    console.error('ams: build failed: the sources changed since dist/ was built and TypeScript is not installed (run npm install, then npm run build)');
    process.exit(1);
  }
  const started = Date.now();
  if (ifStale) console.error('ams: sources changed since the last build; compiling (tsc)…');
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`ams: build failed: tsc exited with status ${run.status ?? run.signal}`);
    process.exit(1);
  }
  writeFileSync(STAMP, `${current}\n`);
  if (ifStale) console.error(`ams: compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) build({ ifStale: process.argv.includes('--if-stale') });
