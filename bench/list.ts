/**
 * `npm run bench -- list` (issue 20, goal 3): four GetAllAccounts at once over 200,000 accounts
 * (two partners, two each: the most AMS_LIST_CONCURRENCY_PER_PARTNER allows), with another
 * partner's GetAccountInfo called one after the other for as long as they run. Recorded: the
 * AMS process's RSS rise (VmRSS sampled from /proc every 50 ms, over the value before), each
 * list's time to first byte and to the end, and the other partner's GetAccountInfo latency
 * (p50/p99/max) during the lists against the same calls with nothing else running.
 * BENCH_LIST_ACCOUNTS changes the size; AMS_DATABASE_URL=postgres://… runs it on PostgreSQL.
 */
import { loadavg } from 'node:os';
import fs from 'node:fs';
import http from 'node:http';
import { createPartnerUser } from '../src/app/admin.js';
import { openStore, parseDatabaseUrl } from '../src/store/create-db.js';
import { argon2Hasher } from '../src/security/argon2-hasher.js';
import { PARTNER, accountName, prepareDatabase } from './lib/fixture.js';
import { startServer } from './lib/processes.js';
import { record } from './lib/report.js';
import { url } from './lib/requests.js';

const ACCOUNTS = Number(process.env.BENCH_LIST_ACCOUNTS ?? '200000');
const LISTER = { user: 'bench-lister', password: 'bench-lister-secret-01' };
const OTHER = { user: 'bench-other', password: 'bench-other-secret-001' };

/** A partner user's AuthHeader credentials, as PARTNER, LISTER and OTHER hold them. */
type PartnerCredentials = typeof PARTNER;

const BASELINE_CALLS = 500;

function envelope(partner: PartnerCredentials, body: string): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">` +
    `<soap:Header><AuthHeader xmlns="sosonlinebackup.com"><UserName>${partner.user}</UserName><Password>${partner.password}</Password></AuthHeader></soap:Header>` +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

interface Answer {
  readonly status: number;
  readonly firstByteMs: number;
  readonly totalMs: number;
  readonly bytes: number;
  readonly items: number;
  readonly complete: boolean;
}

/** One call; the body is counted as it arrives (items, bytes), never kept. */
function post(port: number, action: string, body: string, agent: http.Agent | false = false): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url(port), {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"sosonlinebackup.com/${action}"`, 'Content-Length': Buffer.byteLength(body) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let firstByteMs = 0;
      let bytes = 0;
      let items = 0;
      let carry = '';
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        if (firstByteMs === 0) firstByteMs = performance.now() - started;
        bytes += Buffer.byteLength(text);
        const window = carry + text;
        items += window.split('<GetAllAccountsItem>').length - 1;
        // One character short of the marker: a marker split across chunks is counted once, never twice.
        carry = window.slice(-('<GetAllAccountsItem>'.length - 1));
        tail = (tail + text).slice(-32);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, firstByteMs, totalMs: performance.now() - started, bytes, items, complete: tail.endsWith('</soap:Envelope>') }),
      );
      res.on('error', reject);
    });
    req.end(body);
  });
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
const round = (n: number): number => Math.round(n * 100) / 100;
function latency(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { calls: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted[sorted.length - 1] ?? 0) };
}

export async function listScenario(): Promise<void> {
  const db = await prepareDatabase(ACCOUNTS);
  // Two more partner users on the provider entity: a second lister and the partner whose calls are timed.
  const store = openStore(parseDatabaseUrl(db.config.databaseUrl));
  try {
    const provider = await store.db.selectFrom('partner_users').select('entity_id').where('username', '=', PARTNER.user).executeTakeFirstOrThrow();
    for (const p of [LISTER, OTHER]) await createPartnerUser(store.db, argon2Hasher, { entityId: provider.entity_id, username: p.user, secret: p.password }, new Date());
  } finally {
    await store.close();
  }
  const ams = await startServer('ams', 'ams.ts', [JSON.stringify(db.env)]);
  try {
    const pid = ams.child.pid!;
    // A connection per call: the first run's kept-alive socket was cut ('socket hang up') while
    // the client, busy reading four lists on a loaded machine, let it sit idle.
    const agent = false;
    const infoAs = (partner: PartnerCredentials, i: number) =>
      post(ams.port, 'GetAccountInfo', envelope(partner, `<GetAccountInfo xmlns="sosonlinebackup.com"><userName>${accountName(i % ACCOUNTS)}</userName></GetAccountInfo>`), agent);
    const info = (i: number) => infoAs(OTHER, i);
    const list = (partner: PartnerCredentials) =>
      post(ams.port, 'GetAllAccounts', envelope(partner, '<GetAllAccounts xmlns="sosonlinebackup.com"><request><CustomerTypeCode /></request></GetAllAccounts>'));

    // Warm-up (JIT, the partner memo, the store's caches), then the GetAccountInfo baseline.
    // Both listers' secrets are verified here: a partner user's first call after the start pays
    // one Argon2id verification (~15 ms alone, ~150 ms beside two streaming lists on 2 cores),
    // which is not what the first byte of a list measures.
    const warm = await list(PARTNER);
    if (!warm.complete || warm.items !== ACCOUNTS) throw new Error(`the warm-up list has ${warm.items} of ${ACCOUNTS} accounts`);
    for (const partner of [LISTER, OTHER]) {
      const signedIn = await infoAs(partner, 0);
      if (signedIn.status !== 200) throw new Error(`${partner.user}'s warm-up call answered ${signedIn.status}`);
    }
    const baseline: number[] = [];
    for (let i = 0; i < BASELINE_CALLS; i++) baseline.push((await info(i * 7)).totalMs);

    const rssBefore = rssMiB(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssMiB(pid));
    }, 50);
    let running = 4;
    const lists = [PARTNER, PARTNER, LISTER, LISTER].map((p) =>
      list(p).then((answer) => {
        running--;
        return answer;
      }),
    );
    const during: number[] = [];
    for (let i = 0; running > 0; i++) during.push((await info(i * 13)).totalMs);
    const answers = await Promise.all(lists);
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, rssMiB(pid));
    for (const a of answers) if (!a.complete || a.items !== ACCOUNTS) throw new Error(`a list ended with ${a.items} of ${ACCOUNTS} accounts`);

    record('list', {
      // How busy the machine was (1-minute load average at the end): a figure to read the rest by.
      loadAverage: Math.round(loadavg()[0]! * 100) / 100,
      engine: parseDatabaseUrl(db.config.databaseUrl).engine,
      accounts: ACCOUNTS,
      lists: answers.map((a) => ({ firstByteMs: round(a.firstByteMs), totalMs: round(a.totalMs), megabytes: round(a.bytes / 2 ** 20) })),
      rssMiB: { before: round(rssBefore), peak: round(rssPeak), rise: round(rssPeak - rssBefore) },
      otherPartnerGetAccountInfo: { alone: latency(baseline), duringFourLists: latency(during) },
      goals: { rssRiseMiB: '<= 100', firstByteMs: '<= 200', otherPartnerP99Ms: '<= 50' },
    });
  } finally {
    await ams.stop();
    await db.drop();
  }
}
