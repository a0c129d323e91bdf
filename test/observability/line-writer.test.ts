/**
 * The log's line writer (src/observability/line-writer.ts) over real files, pipes and processes:
 * every line once, whole and in order; whole lines per write(2) under `maxWrite`, so several
 * processes on one pipe never tear each other's lines; what is queued at exit still comes out;
 * past the pending bound lines are dropped, counted and the count reported.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLineWriter } from '../../src/observability/line-writer.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'support', 'line-writer-child.ts');

interface ChildLine {
  readonly tag?: string;
  readonly i?: number;
  readonly dropped?: number;
  readonly msg?: string;
}

/** Runs a shell line whose processes write to one stdout pipe; resolves with every line, parsed (a torn line fails the parse). */
function run(command: string): Promise<ChildLine[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`exit ${code}`));
      const text = Buffer.concat(chunks).toString('utf8');
      resolve(text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ChildLine));
    });
  });
}

const child = (lines: number, maxWrite: number, maxPending: number, ending: 'exit' | 'drain', tag: string): string =>
  `"${process.execPath}" --import tsx "${CHILD}" ${lines} ${maxWrite} ${maxPending} ${ending} ${tag}`;

const inOrder = (lines: readonly ChildLine[], tag: string): number[] => lines.filter((l) => l.tag === tag).map((l) => l.i!);

describe('the log line writer', () => {
  it('writes every line once, whole and in order, across event-loop turns, strings and encoded lines alike (a file)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-lines-'));
    const file = path.join(dir, 'out.log');
    const fd = fs.openSync(file, 'w');
    try {
      const writer = createLineWriter(fd);
      const expected: string[] = [];
      for (let turn = 0; turn < 200; turn++) {
        for (let k = 0; k < 50; k++) {
          const line = `{"turn":${turn},"k":${k},"text":"é ✓ ${'y'.repeat((turn * 31 + k) % 300)}"}\n`;
          expected.push(line);
          // Strings and lines encoded straight into the buffer, interleaved: one order.
          if (k % 3 === 0) writer.writeEncoded(line.length * 3, (buffer, offset, text: string) => offset + buffer.write(text, offset), line);
          else writer.write(line);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await writer.drained();
      assert.equal(fs.readFileSync(file, 'utf8'), expected.join(''));
    } finally {
      fs.closeSync(fd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes what is queued when the process exits right after its last write', async () => {
    const lines = await run(child(5_000, 0, 0, 'exit', 'a'));
    assert.deepEqual(inOrder(lines, 'a'), Array.from({ length: 5_000 }, (_, i) => i));
  });

  it('never tears lines when two processes share one pipe (maxWrite = PIPE_BUF), lines longer than that included', async () => {
    const lines = await run(`${child(3_000, 4096, 0, 'drain', 'a')} & ${child(3_000, 4096, 0, 'drain', 'b')} & wait`);
    // Every line parsed (run() fails on a torn one), each process's lines all there and in order.
    assert.deepEqual(inOrder(lines, 'a'), Array.from({ length: 3_000 }, (_, i) => i));
    assert.deepEqual(inOrder(lines, 'b'), Array.from({ length: 3_000 }, (_, i) => i));
  });

  it('drops lines past the pending bound, counts them, and reports the count once writing resumes', async () => {
    // 5,000 lines (~22 MB) queued in one synchronous loop against a bound of 1 MB.
    const lines = await run(child(5_000, 0, 1_000_000, 'drain', 'a'));
    const written = inOrder(lines, 'a');
    const notices = lines.filter((l) => l.msg === 'log lines dropped: the reader of stdout fell behind');
    assert.equal(notices.length, 1);
    assert.ok(written.length > 0 && written.length < 5_000, `${written.length} written`);
    assert.equal(written.length + notices[0]!.dropped!, 5_000, 'every line either written or counted');
    assert.deepEqual(written, [...written].sort((x, y) => x - y), 'the lines kept are in order');
  });
});
