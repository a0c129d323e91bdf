// Times `npm start` from the command to the service's "listening" log line (issue 17: ≤ 3 s when
// the sources have not changed since the last build). Each run uses a fresh SQLite database in a
// temporary folder and port 0, then stops the service with SIGTERM.
//   node scripts/measure-start.mjs [RUNS]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';

const ROOT = path.resolve(import.meta.dirname, '..');
const runs = Math.min(20, Math.max(1, Number(process.argv[2] ?? 2) || 2));

function once() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ams-start-'));
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, AMS_PORT: '0', AMS_HOST: '127.0.0.1', AMS_LOG_FORMAT: 'json', AMS_DATABASE_URL: path.join(dir, 'ams.sqlite'), AMS_MAIL_PICKUP_DIR: path.join(dir, 'pickup') },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const limit = setTimeout(() => {
      process.kill(-child.pid, 'SIGKILL');
      reject(new Error('no listening line within 60 s'));
    }, 60_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (/"msg":"listening"/.test(out)) {
        const ms = performance.now() - started;
        clearTimeout(limit);
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve(ms);
        });
        process.kill(-child.pid, 'SIGTERM');
      }
    });
    child.stderr.resume();
    child.once('exit', (code) => {
      if (!/"msg":"listening"/.test(out)) {
        clearTimeout(limit);
        reject(new Error(`npm start exited with ${code} before listening`));
      }
    });
  });
}

const times = [];
for (let i = 0; i < runs; i++) times.push(await once());
console.log(`npm start → listening: ${times.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`);
