/**
 * `npm run fuzz`: the long seeded fuzzing run of issue 6 (the CI run is
 * test/hardening/fuzz.test.ts, same model). FUZZ_CASES (default 100,000) requests for every
 * operation, generated from the contract and mutated (test/hardening/fuzz-model.ts), go through
 * the real app's SOAP pipeline on a seeded SQLite database. Every answer is checked against
 * the invariants, every log line and e-mail for every secret sent; all violations are counted
 * (the run does not stop at the first) and the figures are kept in bench/results/fuzz-*.json.
 *
 * The one stand-in: Argon2id is replaced by a salted SHA-256 so that 100,000 cases take
 * minutes, not hours (the hash library is not what is fuzzed; the partner check, the memo, the
 * throttles and every handler run as in production).
 *
 * FUZZ_SEED (default 20260115) fixes the cases: the same seed replays the same run.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { loadConfig } from '../src/config/config.js';
import { createApp } from '../src/app/compose.js';
import { createLogger } from '../src/observability/logger.js';
import { MemoryTransport } from '../src/mail/memory-transport.js';
import type { PasswordHasher } from '../src/domain/ports.js';
import { ALICE_PASSWORD, BOB_PASSWORD, PROVIDER_SECRET, RESELLER_A_SECRET, RESELLER_B_SECRET, ULTRA_PASSWORD, seededTemplate } from '../test/support/harness.js';
import { SEEDED_SECRETS, fuzzCase, violationKind, violations } from '../test/hardening/fuzz-model.js';
import { record } from './lib/report.js';

const CASES = Number(process.env.FUZZ_CASES ?? '100000');
const SEED = Number(process.env.FUZZ_SEED ?? '20260115');
const BATCH = 1000;

const fastHasher: PasswordHasher = {
  async hash(secret) {
    const salt = randomBytes(8).toString('hex');
    return `fast$${salt}$${createHash('sha256').update(`${salt}${secret}`).digest('hex')}`;
  },
  async verify(stored, secret) {
    const [tag, salt, digest] = stored.split('$');
    if (tag !== 'fast' || salt === undefined || digest === undefined) return false;
    const actual = Buffer.from(createHash('sha256').update(`${salt}${secret}`).digest('hex'));
    const expected = Buffer.from(digest);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  },
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-fuzz-'));
fs.copyFileSync(await seededTemplate(), path.join(dir, 'ams.sqlite'));
let logLines = 0;
let currentSecrets: readonly string[] = [];
const secretsInLogs: string[] = [];
const mail = new MemoryTransport();
const app = await createApp(
  loadConfig({
    AMS_DATABASE_URL: path.join(dir, 'ams.sqlite'),
    AMS_MAIL_PICKUP_DIR: path.join(dir, 'pickup'),
    AMS_BACKUP_SERVERS: 'backup-01,backup-02',
    // As in the CI run: fuzzed credentials must not shut the good ones out.
    AMS_AUTH_FAILURES_PER_USER: '0',
    AMS_AUTH_FAILURES_PER_ADDRESS: '0',
    AMS_PARTNER_REQUESTS_PER_MINUTE: '100000000',
    AMS_PARTNER_BURST: '100000',
  }),
  {
    hasher: fastHasher,
    transport: mail,
    mailPollIntervalMs: 50,
    logger: createLogger('debug', (line) => {
      logLines++;
      for (const s of [...currentSecrets, ...SEEDED_SECRETS]) if (line.includes(s)) secretsInLogs.push(s);
    }),
  },
);
// The seeded secrets, hashed again with the stand-in.
const db = app.store.db;
for (const [user, secret] of [['provider', PROVIDER_SECRET], ['reseller-a', RESELLER_A_SECRET], ['reseller-b', RESELLER_B_SECRET]] as const) {
  await db.updateTable('partner_users').set({ secret_hash: await fastHasher.hash(secret) }).where('username', '=', user).execute();
}
for (const [user, secret] of [['alice', ALICE_PASSWORD], ['ultra', ULTRA_PASSWORD], ['bob', BOB_PASSWORD], ['gone', 'gone-password-1']] as const) {
  await db.updateTable('accounts').set({ password_hash: await fastHasher.hash(secret) }).where('username', '=', user).execute();
}
app.mailWorker.start();

const statuses: Record<string, number> = {};
const codes: Record<string, number> = {};
const failures: Record<string, { count: number; first: string }> = {};
let threw = 0;
let run = 0;
let peakRss = 0;
const allSecrets = new Set<string>();
const started = performance.now();
for (let batch = 0; run < CASES; batch++) {
  const cases = fc.sample(fuzzCase, { seed: SEED + batch, numRuns: Math.min(BATCH, CASES - run) });
  for (const c of cases) {
    run++;
    currentSecrets = c.secrets;
    for (const s of c.secrets) allSecrets.add(s);
    try {
      const r = await app.soap(c.request, { requestId: `fuzz-${run}`, sourceAddress: '198.51.100.7', isLocal: false });
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      const code = /<Code>(\w+)<\/Code>/.exec(r.body)?.[1] ?? (r.status === 500 ? 'fault' : r.status === 200 ? 'plain enum' : 'empty');
      codes[code] = (codes[code] ?? 0) + 1;
      for (const v of violations(c, r)) {
        const kind = violationKind(v);
        failures[kind] ??= { count: 0, first: `${c.label}: ${v} (case ${run}, batch seed ${SEED + batch})` };
        failures[kind].count++;
      }
    } catch (err) {
      threw++;
      const kind = `threw ${err instanceof Error ? err.name : typeof err}`;
      failures[kind] ??= { count: 0, first: `${c.label} (case ${run})` };
      failures[kind].count++;
    }
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (batch % 10 === 9) console.error(`${run} cases, ${((performance.now() - started) / 1000).toFixed(0)} s, ${Object.values(failures).reduce((n, f) => n + f.count, 0)} violations`);
}
const seconds = (performance.now() - started) / 1000;
await new Promise((r) => setTimeout(r, 300)); // the last queued e-mails
await app.close();
const mailText = mail.sent.map((m) => `${m.subject}\n${m.text}\n${m.html}`).join('\n');
const secretsInMail = [...allSecrets, ...SEEDED_SECRETS].filter((s) => mailText.includes(s)).length;
fs.rmSync(dir, { recursive: true, force: true });

record('fuzz', {
  seed: SEED,
  cases: run,
  seconds: Math.round(seconds),
  casesPerSecond: Math.round(run / seconds),
  violations: Object.values(failures).reduce((n, f) => n + f.count, 0),
  threw,
  failures,
  statuses,
  codes,
  logLines,
  secretsInLogs: secretsInLogs.length,
  mails: mail.sent.length,
  secretsInMail,
  distinctSecretsSent: allSecrets.size,
  peakRssMiB: Math.round(peakRss / 2 ** 20),
  hasher: 'salted SHA-256 stand-in for Argon2id',
});
process.exitCode = Object.keys(failures).length === 0 && secretsInLogs.length === 0 && secretsInMail === 0 ? 0 : 1;
