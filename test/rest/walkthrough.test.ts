/**
 * The JSON API tried as a new partner developer would (issue 19): the curl examples copied from
 * the docs page and run with real curl; POST retries with one Idempotency-Key (replay, a
 * mismatch is 422, a burst of the same retry creates one account); a full walk over 10,000
 * accounts while accounts are created during it (no row twice, none skipped); a rate-limited
 * burst (429 with Retry-After, RateLimit-* consistent). Every answer is checked against the
 * served document. SQLite, and PostgreSQL with AMS_TEST_HARNESS_ENGINE=postgres.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ResponseValidator, type RecordedAnswer } from '../support/response-validator.js';
import { BASIC, startRestApp, type RestTestApp } from '../support/rest-app.js';
import { RESELLER_A_SECRET } from '../support/harness.js';

interface Answer extends RecordedAnswer {
  readonly headers: Readonly<Record<string, string>>;
}

async function call(validator: ResponseValidator, url: string, init: { method?: string; auth?: string; key?: string; body?: unknown } = {}): Promise<Answer> {
  const method = init.method ?? 'GET';
  const res = await fetch(url, {
    method,
    headers: {
      Authorization: init.auth ?? BASIC.resellerA,
      ...(init.key === undefined ? {} : { 'Idempotency-Key': init.key }),
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const answer: Answer = { method, url, status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  validator.assertValid(answer);
  return answer;
}

/** The curl commands of the docs page, by operation id, as shown (HTML entities decoded). */
function curlExamples(html: string): Map<string, string> {
  const examples = new Map<string, string>();
  for (const m of html.matchAll(/<section class="operation" id="op-([^"]+)"[\s\S]*?<h4>Example<\/h4>\n<pre>([\s\S]*?)<\/pre>/g)) {
    examples.set(m[1] ?? '', (m[2] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
  }
  return examples;
}

/** Runs a command from the page in bash with real curl, the page's variables set; parses `curl -i`'s output. */
async function runCurl(command: string, env: Readonly<Record<string, string>>): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  // uuidgen (util-linux) may be missing on a minimal machine: the kernel's UUID stands in.
  const script = `command -v uuidgen >/dev/null || uuidgen() { cat /proc/sys/kernel/random/uuid; }\n${command}`;
  const child = spawn('bash', ['-c', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, `curl failed: ${err}`);
  const split = out.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = out.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine?.split(' ')[1]), headers, body: out.slice(split + 4) };
}

describe('a new partner developer', () => {
  let app: RestTestApp;
  let validator: ResponseValidator;
  let customerA1 = 0;
  before(async () => {
    app = await startRestApp();
    validator = new ResponseValidator((await (await fetch(`${app.api}/openapi.json`)).json()) as Record<string, unknown>);
    customerA1 = (JSON.parse((await call(validator, `${app.api}/accounts/alice`)).body) as { entityId: number }).entityId;
  });
  after(async () => app?.close());

  it('runs the docs page’s curl examples with real curl, each answer as documented', async () => {
    const page = await (await fetch(`${app.api}/docs`)).text();
    const examples = curlExamples(page);
    assert.ok(examples.size >= 12, `${examples.size} examples`);
    const env = { AMS_URL: app.origin, AMS_USER: 'reseller-a', AMS_SECRET: RESELLER_A_SECRET };
    // The one edit the page asks for: an entity of one's own tree instead of the example's.
    const create = examples.get('createAccount') ?? '';
    assert.match(create, /"targetEntityId":\d+/);
    examples.set('createAccount', create.replace(/"targetEntityId":\d+/, `"targetEntityId":${customerA1}`));
    const statuses = new Map<string, number>();
    for (const [id, command] of examples) {
      const res = await runCurl(command, env);
      const url = /'(\/api\/v1[^']*)'/.exec(command)?.[1] ?? '';
      const method = /-X ([A-Z]+)/.exec(command)?.[1] ?? 'GET';
      validator.assertValid({ method, url: `${app.origin}${url}`, status: res.status, headers: res.headers, body: res.body });
      statuses.set(id, res.status);
    }
    assert.equal(statuses.get('listAccounts'), 200);
    assert.equal(statuses.get('createAccount'), 201);
    assert.equal(statuses.get('getAccount'), 200);
    for (const id of ['changeAccountPassword', 'changeAccountEmail', 'changeAccountSize']) assert.equal(statuses.get(id), 204, id);
  });

  it('retries a POST with one Idempotency-Key: replayed, not redone; another body with it is 422', async () => {
    const body = { targetEntityId: customerA1, username: 'retry-1', password: 'retry-passphrase-1', accountSizeMB: 1024 };
    const first = await call(validator, `${app.api}/accounts`, { method: 'POST', key: 'walk-retry-1', body });
    assert.equal(first.status, 201);
    const replay = await call(validator, `${app.api}/accounts`, { method: 'POST', key: 'walk-retry-1', body });
    assert.equal(replay.status, 201);
    assert.equal(replay.body, first.body);
    assert.equal(replay.headers['location'], first.headers['location']);
    const other = await call(validator, `${app.api}/accounts`, { method: 'POST', key: 'walk-retry-1', body: { ...body, accountSizeMB: 2048 } });
    assert.equal(other.status, 422);
    assert.equal((JSON.parse(other.body) as { code: string }).code, 'IdempotencyKeyMismatch');
    // Without the key, the same body is a second attempt: the account exists.
    assert.equal((await call(validator, `${app.api}/accounts`, { method: 'POST', body })).status, 409);
  });

  it('a burst of the same retry in flight creates the account once', async () => {
    const body = { targetEntityId: customerA1, username: 'retry-burst', password: 'retry-passphrase-2', accountSizeMB: 1024 };
    const answers = await Promise.all(Array.from({ length: 12 }, () => call(validator, `${app.api}/accounts`, { method: 'POST', key: 'walk-burst', body })));
    const created = answers.filter((a) => a.status === 201);
    assert.ok(created.length >= 1, answers.map((a) => a.status).join(','));
    for (const a of created) assert.equal(a.body, created[0]?.body);
    for (const a of answers.filter((x) => x.status !== 201)) assert.equal((JSON.parse(a.body) as { code: string }).code, 'IdempotencyKeyInProgress');
    const rows = await app.t.app.store.db.selectFrom('accounts').select('username').where('username_key', '=', 'retry-burst').execute();
    assert.equal(rows.length, 1);
  });

  it('walks 10,000 accounts while accounts are created: no row twice, none skipped', { timeout: 300_000 }, async () => {
    const db = app.t.app.store.db;
    const template = await db.selectFrom('accounts').selectAll().where('username_key', '=', 'alice').executeTakeFirstOrThrow();
    // Copies of alice (her hash, entity, quota): the store's own columns, a new id each.
    const { id, ...row } = template;
    assert.ok(id > 0);
    const names = Array.from({ length: 10_000 }, (_, i) => `walk-${String(i).padStart(5, '0')}`);
    for (let i = 0; i < names.length; i += 500) {
      await db
        .insertInto('accounts')
        .values(names.slice(i, i + 500).map((username) => ({ ...row, username, username_key: username, email: `${username}@example.com` })))
        .execute();
    }
    const before = new Set((await db.selectFrom('accounts').select('username_key').where('entity_id', '=', customerA1).execute()).map((r) => r.username_key));
    assert.ok(before.size >= 10_000);
    const seen: string[] = [];
    const addedAhead: string[] = [];
    let url: string | undefined = `${app.api}/accounts?entityId=${customerA1}&limit=1000`;
    let pages = 0;
    while (url !== undefined) {
      const page = await call(validator, url);
      assert.equal(page.status, 200);
      const { items, nextCursor } = JSON.parse(page.body) as { items: { userName: string }[]; nextCursor: string | null };
      seen.push(...items.map((i) => i.userName.toLowerCase()));
      const link = page.headers['link'];
      if (nextCursor === null) assert.equal(link, undefined);
      else assert.ok(link?.includes(`cursor=${encodeURIComponent(nextCursor)}`) && link.endsWith('rel="next"'), link);
      // Accounts created during the walk: one behind the cursor, one still ahead of it.
      pages++;
      const behind = `walk-${String(pages).padStart(5, '0')}a`;
      const ahead = `walk-zz-${pages}`;
      for (const username of [behind, ahead]) {
        const made = await call(validator, `${app.api}/accounts`, { method: 'POST', body: { targetEntityId: customerA1, username, password: 'walk-passphrase-1', accountSizeMB: 1024 } });
        assert.equal(made.status, 201);
      }
      addedAhead.push(ahead);
      url = link === undefined ? undefined : new URL(/<([^>]+)>/.exec(link)?.[1] ?? '', app.origin).toString();
    }
    assert.ok(pages >= 11, `${pages} pages`);
    assert.equal(new Set(seen).size, seen.length, 'no account twice');
    const seenSet = new Set(seen);
    assert.deepEqual([...before].filter((n) => !seenSet.has(n)), []);
    // Created ahead of the cursor before the walk reached them: seen (all but the last page's).
    for (const name of addedAhead.slice(0, -1)) assert.ok(seenSet.has(name), `${name} created ahead of the cursor, not seen`);
    assert.deepEqual(seen, [...seen].sort(), 'in user-name order');
  });
});

describe('a partner over its rate', () => {
  let app: RestTestApp;
  let validator: ResponseValidator;
  before(async () => {
    // One call a minute refills: none comes back while the burst is answered, so the counts are exact.
    app = await startRestApp({ env: { AMS_PARTNER_REQUESTS_PER_MINUTE: '1', AMS_PARTNER_BURST: '5' } });
    validator = new ResponseValidator((await (await fetch(`${app.api}/openapi.json`)).json()) as Record<string, unknown>);
  });
  after(async () => app?.close());

  it('a burst gets 429 with Retry-After, and RateLimit-* agree on every answer', async () => {
    // A partner that has signed in before (its credential is remembered): the burst is about the
    // rate, not about 20 first sign-ins at once (see the todo below). The warm-up takes a token.
    const first = await call(validator, `${app.api}/accounts/bob`, { auth: BASIC.resellerB });
    assert.equal(first.status, 200);
    assert.equal(first.headers['ratelimit-remaining'], '4');
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(validator, `${app.api}/accounts/bob`, { auth: BASIC.resellerB })));
    const ok = answers.filter((a) => a.status !== 429);
    const limited = answers.filter((a) => a.status === 429);
    assert.deepEqual(ok.map((a) => a.status), [200, 200, 200, 200], 'the rest of the burst size is served');
    // Each served call took a token: the j-th most hopeful answer cannot claim more than 3 - j left.
    // (A report may come after later calls' takes, as on PostgreSQL's shared buckets: lower, never higher.)
    const hopes = ok.map((a) => Number(a.headers['ratelimit-remaining'])).sort((x, y) => y - x);
    hopes.forEach((remaining, j) => assert.ok(remaining <= 3 - j, `served answers claim ${hopes.join(', ')} left`));
    assert.equal(limited.length, 20 - ok.length);
    for (const a of answers) {
      assert.equal(a.headers['ratelimit-limit'], '5');
      const remaining = Number(a.headers['ratelimit-remaining']);
      assert.ok(Number.isInteger(remaining) && remaining >= 0 && remaining <= 4, `remaining ${remaining}`);
      assert.ok(Number.isInteger(Number(a.headers['ratelimit-reset'])) && Number(a.headers['ratelimit-reset']) >= 0);
    }
    for (const a of limited) {
      assert.equal(a.headers['ratelimit-remaining'], '0');
      const retryAfter = Number(a.headers['retry-after']);
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${a.headers['retry-after']}`);
      assert.ok(Number(a.headers['ratelimit-reset']) >= retryAfter, 'the window is full again no sooner than the next call is allowed');
      const problem = JSON.parse(a.body) as { code: string; status: number };
      assert.equal(problem.code, 'TooManyRequests');
      assert.equal(problem.status, 429);
    }
  });

  it(
    'concurrent first calls with correct Basic credentials are all signed in',
    { todo: 'finding for the JSON edge / call/: 20 concurrent first calls of one partner with its correct secret get some 401s (seen after merging rest-api 5f2bd44)' },
    async () => {
      const fresh = await startRestApp({ env: { AMS_PARTNER_REQUESTS_PER_MINUTE: '0' } });
      try {
        const answers = await Promise.all(Array.from({ length: 20 }, () => call(validator, `${fresh.api}/accounts/alice`)));
        assert.deepEqual(answers.map((a) => a.status).filter((s) => s !== 200), []);
      } finally {
        await fresh.close();
      }
    },
  );
});
