/**
 * `node --import tsx bench/log-destination.ts`: CPU per request log line of the two ways to
 * write lines to stdout, into a pipe read by `cat` (as journald reads the service): pino's
 * asynchronous destination (sonic-boom, as AMS used until 12-05) and AMS's line writer
 * (src/observability/line-writer.ts). Each round runs in a fresh child process, the two
 * alternating; lines go 20 per event-loop turn, as requests of a busy turn would write them.
 * CPU is the child's own (main thread and libuv's threads), from process.cpuUsage().
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createLineWriter } from '../src/observability/line-writer.js';
import { record } from './lib/report.js';

const LINES = 300_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '5');
const LINE =
  '{"level":"info","time":"2026-12-05T13:00:00.000Z","pid":1234,"hostname":"host","requestId":"335b01f6-63de-4b61-ba74-000000000001","method":"POST",' +
  '"path":"/WebApi/AccountManagementService/AccountManagementService.asmx","status":200,"soapVersion":"1.1","operation":"GetAccountInfo",' +
  '"partnerUser":"bench-partner","entityId":1,"result":"Success","remote":"127.0.0.1","durationMs":0.412,"msg":"request"}\n';

async function child(kind: string): Promise<void> {
  const destination: { write(line: string): unknown } = kind === 'sonic-boom' ? pino.destination({ dest: 1, sync: false }) : createLineWriter(1);
  const started = process.cpuUsage();
  let written = 0;
  await new Promise<void>((done) => {
    const turn = (): void => {
      for (let k = 0; k < 20 && written < LINES; k++, written++) destination.write(LINE);
      if (written < LINES) setImmediate(turn);
      else done();
    };
    turn();
  });
  const used = process.cpuUsage(started);
  process.stderr.write(`${JSON.stringify({ kind, cpuMicrosecondsPerLine: (used.user + used.system) / LINES })}\n`);
}

function round(kind: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sh = spawn('sh', ['-c', `"${process.execPath}" --import tsx "${fileURLToPath(import.meta.url)}" ${kind} | cat > /dev/null`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    sh.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    sh.on('close', () => {
      const m = /"cpuMicrosecondsPerLine":([\d.]+)/.exec(err);
      if (m) resolve(Number(m[1]));
      else reject(new Error(err));
    });
  });
}

if (process.argv[2] !== undefined) {
  await child(process.argv[2]);
} else {
  const results: Record<string, number[]> = { 'sonic-boom': [], 'line-writer': [] };
  for (let i = 0; i < ROUNDS; i++) for (const kind of Object.keys(results)) results[kind]!.push(Math.round((await round(kind)) * 100) / 100);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  record('log-destination', {
    lines: LINES,
    rounds: results,
    medianCpuMicrosecondsPerLine: { sonicBoom: median(results['sonic-boom']!), lineWriter: median(results['line-writer']!) },
  });
}
