/**
 * What the shared limits of issue 14 cost per request (`node --import tsx bench/shared-limits.ts`;
 * `AMS_DATABASE_URL=postgres://…` to run on PostgreSQL). In one process, on a prepared database,
 * GetAccountInfo through the real composition root's SOAP pipeline (no socket), one call after
 * another, the partner's secret remembered (the steady state):
 *
 * - `off`: AuthHeader throttle and partner rate turned off;
 * - `on`: default throttle, and a rate high enough never to refuse (100,000,000/min: leases of 50);
 *
 * interleaved rounds of BENCH_LIMITS_CALLS calls (default 20,000), best round of each. Then the
 * lease statement alone (µs per UPDATE … RETURNING), which a request pays 1/lease-size of:
 * at the default 3,000/min a lease is 5 tokens.
 */
import { loadConfig } from '../src/config/config.js';
import { createApp, type App } from '../src/app/compose.js';
import { createLogger } from '../src/observability/logger.js';
import { MemoryTransport } from '../src/mail/memory-transport.js';
import { sharedLimitStore } from '../src/store/repositories/shared-limits.js';
import { prepareDatabase } from './lib/fixture.js';
import { getAccountInfo } from './lib/requests.js';

const CALLS = Number(process.env.BENCH_LIMITS_CALLS ?? '20000');
const ROUNDS = 5;

const database = await prepareDatabase(1000);
const open = (extra: Record<string, string>): Promise<App> =>
  createApp(loadConfig({ ...database.env, ...extra }), { logger: createLogger('error'), transport: new MemoryTransport() });
const apps = {
  off: await open({ AMS_AUTH_FAILURES_PER_USER: '0', AMS_AUTH_FAILURES_PER_ADDRESS: '0', AMS_PARTNER_REQUESTS_PER_MINUTE: '0' }),
  on: await open({ AMS_PARTNER_REQUESTS_PER_MINUTE: '100000000', AMS_PARTNER_BURST: '1000000' }),
};
const spec = getAccountInfo(0, 1);
const request = { contentType: 'text/xml; charset=utf-8', soapAction: spec.soapAction, body: Buffer.from(spec.body) };

async function round(app: App): Promise<{ wallUs: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const r = await app.soap(request, { requestId: `b-${i}`, sourceAddress: '127.0.0.1', isLocal: false });
    if (!r.body.includes('<Code>Success</Code>')) throw new Error(`unexpected answer: ${r.body.slice(0, 300)}`);
  }
  const used = process.cpuUsage(cpu);
  return { wallUs: ((performance.now() - started) * 1000) / CALLS, cpuUs: (used.user + used.system) / CALLS };
}

try {
  for (const app of Object.values(apps)) await round(app); // warm-up: memo, known source, compiled queries, JIT
  const results: Record<string, { wallUs: number; cpuUs: number }[]> = { off: [], on: [] };
  for (let r = 0; r < ROUNDS; r++) for (const [name, app] of Object.entries(apps)) results[name]!.push(await round(app));
  const best = (name: string) => results[name]!.reduce((a, b) => (b.cpuUs < a.cpuUs ? b : a));

  const store = sharedLimitStore(apps.on.store.db, apps.on.store.unflushedWrites);
  const leases = Number(process.env.BENCH_LIMITS_LEASES ?? "500");
  const started = performance.now();
  for (let i = 0; i < leases; i++) await store.leaseRequests(999_999, 1, 1, 1_000_000, Date.now());
  const leaseUs = ((performance.now() - started) * 1000) / leases;

  const off = best('off');
  const on = best('on');
  console.log(
    JSON.stringify(
      {
        database: apps.on.store.description.replace(/\/\/.*@/, '//'),
        calls: CALLS,
        rounds: ROUNDS,
        offUsPerCall: { wall: +off.wallUs.toFixed(1), cpu: +off.cpuUs.toFixed(1) },
        onUsPerCall: { wall: +on.wallUs.toFixed(1), cpu: +on.cpuUs.toFixed(1) },
        costUsPerCall: { wall: +(on.wallUs - off.wallUs).toFixed(1), cpu: +(on.cpuUs - off.cpuUs).toFixed(1) },
        leaseStatementUs: +leaseUs.toFixed(1),
        leaseUsPerCallAtDefaultRate: +(leaseUs / 5).toFixed(1),
        allRounds: results,
      },
      null,
      2,
    ),
  );
} finally {
  for (const app of Object.values(apps)) await app.close();
  await database.drop();
}
