/**
 * `ams serve` as an operator runs it: a real process, configured only by environment
 * variables, logging JSON to a pipe (or human-readable lines when asked), with health, readiness
 * and metrics endpoints, stopping cleanly on SIGTERM.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/observability/logger.js';
import { waitFor } from '../support/wait-for.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Served {
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

function serve(env: Record<string, string>): Served {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-serve-'));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AMS_')));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/cli/run-cli.ts'), 'serve'], {
    cwd: ROOT,
    env: {
      ...clean,
      AMS_HOST: '127.0.0.1',
      AMS_PORT: '0',
      AMS_DATABASE_URL: path.join(dir, 'ams.sqlite'),
      AMS_MAIL_PICKUP_DIR: path.join(dir, 'pickup'),
      AMS_BOOTSTRAP_USERNAME: 'admin',
      AMS_BOOTSTRAP_PASSWORD: 'serve-test-secret-1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    stdout.push(...lines);
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    stdout,
    stderr,
    exited,
    stop: () => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      return exited;
    },
  };
}

describe('ams serve', () => {
  it('logs JSON lines to a pipe, serves /healthz, /readyz and /metrics on its own port, and stops on SIGTERM', async () => {
    const s = serve({ AMS_METRICS_PORT: '0', AMS_LOG_LEVEL: 'debug', AMS_PROT: '8080' });
    try {
      const json = () => s.stdout.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      await waitFor(() => json().some((e) => e.msg === 'listening'), 30_000, `the listening line (stderr: ${s.stderr.join('')})`);
      const port = json().find((e) => e.msg === 'listening')?.port as number;
      const metricsPort = json().find((e) => e.msg === 'metrics listening')?.port as number;
      assert.ok(port > 0 && metricsPort > 0 && port !== metricsPort);
      assert.ok(json().some((e) => e.level === 'warn' && e.variable === 'AMS_PROT'), 'an unknown AMS_ variable is pointed out');

      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`, { headers: { 'X-Request-Id': 'serve-ready-1' } });
      assert.equal(ready.status, 200);
      assert.equal(((await ready.json()) as { status: string }).status, 'ready');
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      assert.match(metrics, /^ams_argon2_queue_depth 0$/m);
      assert.match(metrics, /^process_resident_memory_bytes \d+/m);
      await waitFor(() => json().some((e) => e.requestId === 'serve-ready-1' && e.level === 'debug' && e.status === 200), 5000, 'the probe line at debug level');
      for (const line of s.stdout) assert.ok(line.startsWith('{'), `not a JSON line: ${line}`);
    } finally {
      assert.equal(await s.stop(), 0, 'a clean stop');
    }
    assert.ok(s.stdout.some((l) => l.includes('"msg":"stopped"')), 'the last lines were flushed before exit');
  });

  it('prints human-readable lines with AMS_LOG_FORMAT=pretty (the default on a terminal)', async () => {
    const s = serve({ AMS_LOG_FORMAT: 'pretty' });
    try {
      await waitFor(() => s.stdout.some((l) => / INFO {2}listening /.test(l)), 30_000, `the listening line (stderr: ${s.stderr.join('')})`);
      const line = s.stdout.find((l) => / INFO {2}listening /.test(l))!;
      assert.match(line, /^\d{2}:\d{2}:\d{2}\.\d{3} INFO {2}listening port=\d+ host=127\.0\.0\.1 database=sqlite:\S+ /);
    } finally {
      assert.equal(await s.stop(), 0);
    }
  });

  it('writes nothing below the configured level', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', (l) => lines.push(l));
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.child({ requestId: 'x' }).info('child info');
    logger.error('e');
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { level: string; msg: string }).msg),
      ['w', 'e'],
    );
  });
});
