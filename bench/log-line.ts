/**
 * Microbenchmark of the request log line (`node --import tsx bench/log-line.ts`, issue 20): ns
 * per line for `logger.info('request', fields)` (pino's general path, as every request line was
 * written before) and for the fixed-line writer the HTTP edge now uses, on one logger writing
 * to a sink that keeps nothing, in interleaved rounds; the best round of each counts (the
 * machines are shared and noisy). Both must first write the same line. A sink takes strings, so
 * the fixed line is decoded from its bytes here, which the line writer never does: the figure
 * is an upper bound of its cost in the service.
 */
import { createLogger } from '../src/observability/logger.js';

const LINES = Number(process.env.BENCH_LOG_LINES ?? '200000');
const ROUNDS = 5;

const KEYS = ['requestId', 'method', 'path', 'status', 'soapVersion', 'operation', 'partnerUser', 'entityId', 'claimedUser', 'result', 'remote', 'client', 'durationMs'] as const;
const fields = (i: number) => ({
  requestId: `a1b2c3d4-${i}`,
  method: 'POST',
  path: '/WebApi/AccountManagementService/AccountManagementService.asmx',
  status: 200,
  soapVersion: '1.1',
  operation: 'GetAccountInfo',
  partnerUser: 'bench-partner',
  entityId: 1,
  claimedUser: undefined,
  result: 'Success',
  remote: '127.0.0.1',
  client: undefined,
  durationMs: (i % 1000) / 1000,
});

let written = 0;
const lines: string[] = [];
const logger = createLogger('info', (line) => {
  written += line.length;
  if (lines.length < 2) lines.push(line.replace(/"time":"[^"]+"/, ''));
});
const fixed = logger.fixedLine('request', KEYS);
const general = (i: number): void => logger.info('request', fields(i));
const fast = (i: number): void => {
  const f = fields(i);
  // As the HTTP edge gives them: in KEYS' order.
  fixed('info', [f.requestId, f.method, f.path, f.status, f.soapVersion, f.operation, f.partnerUser, f.entityId, f.claimedUser, f.result, f.remote, f.client, f.durationMs]);
};

general(1);
fast(1);
if (lines[0] !== lines[1]) throw new Error(`the two writers differ:\n${lines[0]}\n${lines[1]}`);

function nsPerLine(write: (i: number) => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < LINES; i++) write(i);
  return Number(process.hrtime.bigint() - started) / LINES;
}
const best = { general: Infinity, fixed: Infinity };
for (let round = 0; round < ROUNDS; round++) {
  best.general = Math.min(best.general, nsPerLine(general));
  best.fixed = Math.min(best.fixed, nsPerLine(fast));
}
console.log(JSON.stringify({ lines: LINES, rounds: ROUNDS, nsPerLine: { general: Math.round(best.general), fixed: Math.round(best.fixed) }, fixedToGeneral: Math.round((best.fixed / best.general) * 100) / 100, bytes: written }));
