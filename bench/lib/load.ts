/**
 * Load generators in their own processes, so that they are not the bottleneck being measured:
 * wrk (C, event-driven) for saturation throughput, autocannon at a fixed rate for latency.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, run } from './processes.js';

export interface SoapRequestSpec {
  readonly url: string;
  readonly soapAction: string;
  /** The request checked by `expectAnswer`, and the one sent when `bodies` is absent. */
  readonly body: string;
  /** Sent in turn (each load generator cycles through them): different accounts, not one. */
  readonly bodies?: readonly string[];
}

export interface Saturation {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

const bodiesOf = (spec: SoapRequestSpec): readonly string[] => spec.bodies ?? [spec.body];

/**
 * Runs `tool` with the bodies written one per line to a file of their own (for soap.lua and
 * at-rate.ts), and removes the file's folder afterwards: a run makes hundreds of them.
 */
async function withBodiesFile<T>(spec: SoapRequestSpec, tool: (file: string) => Promise<T>): Promise<T> {
  const bodies = bodiesOf(spec);
  if (bodies.some((b) => b.includes('\n'))) throw new Error('a benchmark body must be one line');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-bench-body-'));
  try {
    const file = path.join(dir, 'bodies.txt');
    fs.writeFileSync(file, `${bodies.join('\n')}\n`);
    return await tool(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const toMs = (value: string, unit: string): number => Number(value) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? NaN);

/** wrk at full speed; `connections` concurrent keep-alive connections for `seconds`. */
export async function saturate(spec: SoapRequestSpec, seconds: number, connections: number, threads = 1): Promise<Saturation> {
  const out = await withBodiesFile(spec, (file) =>
    run('wrk', ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency', '-s', path.join(BENCH_DIR, 'lib', 'soap.lua'), spec.url], {
      BENCH_BODY: file,
      BENCH_SOAPACTION: spec.soapAction,
    }),
  );
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  if (!rps || !p50 || !p99) throw new Error(`cannot read wrk output:\n${out}`);
  const errors = Number(non2xx?.[1] ?? 0) + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { requestsPerSecond: Number(rps[1]), p50Ms: toMs(p50[1]!, p50[2]!), p99Ms: toMs(p99[1]!, p99[2]!), errors };
}

export interface FixedRate {
  readonly rate: number;
  readonly achieved: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

/**
 * autocannon at a fixed overall request rate, latency percentiles from its JSON report. It
 * runs in its own process (lib/at-rate.ts, autocannon's API, which unlike its command line
 * can cycle through several bodies).
 */
export async function atRate(spec: SoapRequestSpec, rate: number, seconds: number, connections = 10): Promise<FixedRate> {
  const out = await withBodiesFile(spec, (file) =>
    run(process.execPath, [
      '--import',
      'tsx',
      path.join(BENCH_DIR, 'lib', 'at-rate.ts'),
      JSON.stringify({ url: spec.url, soapAction: spec.soapAction, bodiesFile: file, rate: Math.max(1, Math.round(rate)), seconds, connections }),
    ]),
  );
  const report = JSON.parse(out) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return { rate, achieved: report.requests.average, p50Ms: report.latency.p50, p99Ms: report.latency.p99, errors: report.non2xx + report.errors };
}

/** One request, checked: a benchmark of wrong answers measures nothing. */
export async function expectAnswer(spec: SoapRequestSpec, pattern: RegExp): Promise<string> {
  const res = await fetch(spec.url, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: spec.soapAction }, body: spec.body });
  const text = await res.text();
  if (!pattern.test(text)) throw new Error(`unexpected answer from ${spec.url}: ${res.status} ${text.slice(0, 300)}`);
  return text;
}
