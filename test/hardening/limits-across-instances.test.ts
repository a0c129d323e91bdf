/**
 * Issue 14, items 3 and 4, end to end: real `ams serve` processes, real sockets, default
 * throttle settings. Two processes on one SQLite file, and two on one PostgreSQL database
 * (when AMS_TEST_DATABASE_URL is set):
 *
 * - 200 concurrent wrong secrets for one partner user name from one new source, spread over
 *   both processes, reach the hasher exactly 10 times (the per-name budget), as 200 one after
 *   another would; the right secret from that source is refused afterwards, on both;
 * - a partner driving both processes at once gets the configured rate within 10%.
 *
 * Hashes are counted from each process's own metrics (ams_argon2_hash_duration_seconds_count).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, parseDatabaseUrl } from '../../src/store/create-db.js';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';
import { createPartnerUser } from '../../src/app/admin.js';
import { startService, type Service } from '../support/service-process.js';
import { createTestDatabase, POSTGRES_TEST_URL } from '../support/test-database.js';
import { PROVIDER, soap } from '../scale/cluster.js';

interface Running {
  readonly base: string;
  readonly service: Service;
  readonly metricsPort: number;
}

const RATE_PER_MINUTE = 600;
const RATE_BURST = 20;

function metricsPortOf(service: Service): number {
  for (const line of service.lines) {
    try {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'metrics listening' && typeof entry.port === 'number') return entry.port;
    } catch {
      // not a log line
    }
  }
  throw new Error('no metrics port logged');
}

async function start(databaseUrl: string, dir: string, index: number): Promise<Running> {
  const service = await startService({
    AMS_DATABASE_URL: databaseUrl,
    AMS_BOOTSTRAP_USERNAME: PROVIDER.user,
    AMS_BOOTSTRAP_PASSWORD: PROVIDER.password,
    AMS_MAIL_PICKUP_DIR: path.join(dir, `pickup-${index}`),
    AMS_METRICS_PORT: '0',
    AMS_PARTNER_REQUESTS_PER_MINUTE: String(RATE_PER_MINUTE),
    AMS_PARTNER_BURST: String(RATE_BURST),
  });
  return { base: `http://127.0.0.1:${service.port}`, service, metricsPort: metricsPortOf(service) };
}

async function hashesDone(r: Running): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${r.metricsPort}/metrics`)).text();
  const m = /^ams_argon2_hash_duration_seconds_count (\d+)/m.exec(text);
  return Number(m?.[1] ?? NaN);
}

async function stop(r: Running): Promise<void> {
  if (r.service.child.exitCode !== null) return;
  r.service.child.kill('SIGTERM');
  await r.service.exited;
}

const engines: { readonly name: string; readonly skip: string | false; setUp(dir: string): Promise<{ url: string; drop(): Promise<void> }> }[] = [
  { name: 'two processes on one SQLite file', skip: false, setUp: async (dir) => ({ url: path.join(dir, 'ams.sqlite'), drop: async () => undefined }) },
  {
    name: 'two instances on one PostgreSQL database',
    skip: POSTGRES_TEST_URL ? false : 'AMS_TEST_DATABASE_URL is not set',
    setUp: async () => {
      const db = await createTestDatabase();
      return { url: db.url, drop: db.drop };
    },
  },
];

for (const engine of engines) {
  describe(engine.name, { skip: engine.skip }, () => {
    let dir: string;
    let database: { url: string; drop(): Promise<void> };
    let running: Running[] = [];
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-limits-'));
      database = await engine.setUp(dir);
      // The first one migrates and creates the first partner user; the second finds both done.
      running = [await start(database.url, dir, 0)];
      running.push(await start(database.url, dir, 1));
      const admin = openStore(parseDatabaseUrl(database.url));
      try {
        await createPartnerUser(admin.db, argon2Hasher, { entityId: 1, username: 'rated', secret: 'rated-secret-00001' }, new Date());
      } finally {
        await admin.close();
      }
    });
    after(async () => {
      await Promise.all(running.map(stop));
      await database?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('200 concurrent wrong secrets over both get 10 hashes, then the right secret is refused there', async () => {
      const before = await Promise.all(running.map(hashesDone));
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => soap(running[i % 2]!, 'GetAccountInfo', { userName: 'nobody' }, { user: PROVIDER.user, password: `wrong-guess-${i}` })),
      );
      const hashed = (await Promise.all(running.map(hashesDone))).reduce((sum, n, i) => sum + n - before[i]!, 0);
      assert.deepEqual(new Set(answers.map((a) => a.code)), new Set(['InvalidSoapCredentials']));
      assert.equal(hashed, 10, 'exactly the per-name budget reached the hasher, over both processes');
      for (const r of running) {
        assert.equal((await soap(r, 'GetAccountInfo', { userName: 'nobody' }, PROVIDER)).code, 'InvalidSoapCredentials', 'the right secret is refused from that source');
      }
      assert.equal((await Promise.all(running.map(hashesDone))).reduce((sum, n, i) => sum + n - before[i]!, 0), 10, 'and refused without a hash');
    });

    it('a partner driving both gets the configured rate within 10%', async (t) => {
      const rated = { user: 'rated', password: 'rated-secret-00001' };
      // Sign in on both (memo and known source), then let the bucket fill up again: the instances
      // are separate processes on the wall clock, and the shared refill over time is under test.
      for (const r of running) assert.equal((await soap(r, 'GetAccountInfo', { userName: 'nobody' }, rated)).code, 'AccountNotFound');
      await new Promise((resolve) => setTimeout(resolve, (RATE_BURST / RATE_PER_MINUTE) * 60_000 + 200));
      const seconds = 6;
      const started = Date.now();
      let granted = 0;
      let refused = 0;
      let sent = 0;
      await Promise.all(
        Array.from({ length: 8 }, async (_, worker) => {
          while (Date.now() - started < seconds * 1000 && sent < 20_000) {
            sent += 1;
            const code = (await soap(running[(worker + sent) % 2]!, 'GetAccountInfo', { userName: 'nobody' }, rated)).code;
            if (code === 'AccountNotFound') granted += 1;
            else if (code === 'TooManyRequests') refused += 1;
            else assert.fail(`unexpected ${code}`);
          }
        }),
      );
      const elapsed = (Date.now() - started) / 1000;
      const rate = ((granted - RATE_BURST) / elapsed) * 60;
      t.diagnostic(`${granted} granted, ${refused} refused in ${elapsed.toFixed(2)} s: ${rate.toFixed(0)}/min after the burst`);
      assert.ok(refused > granted / 2, `the load exceeded the rate (${granted} granted, ${refused} refused)`);
      assert.ok(Math.abs(rate - RATE_PER_MINUTE) / RATE_PER_MINUTE < 0.1, `${rate.toFixed(0)}/min against ${RATE_PER_MINUTE}/min (${granted} granted in ${elapsed.toFixed(2)} s)`);
    });
  });
}
