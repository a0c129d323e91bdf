/**
 * The JSON API (issue 19) over a real socket on a real database (SQLite; PostgreSQL with
 * AMS_TEST_HARNESS_ENGINE=postgres): every endpoint, every error status, Basic and Bearer
 * (a read-only key refused on POST), idempotent replay under concurrent retries, cursor pages.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALICE_PASSWORD, PROVIDER_SECRET, RESELLER_A_SECRET, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { apiKeyFor, burstPastLimit, jsonClient, type Auth, type JsonAnswer } from './json-client.js';

const RESELLER_A: Auth = { basic: ['reseller-a', RESELLER_A_SECRET] };

function assertProblem(answer: JsonAnswer, status: number, code: string, field?: string): void {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.headers.get('content-type'), 'application/problem+json');
  assert.equal(answer.body['status'], status);
  assert.equal(answer.body['code'], code, answer.text);
  for (const key of ['type', 'title', 'detail']) assert.equal(typeof answer.body[key], 'string', key);
  assert.equal(typeof answer.body['result'], 'number');
  if (field !== undefined) assert.equal(answer.body['field'], field, answer.text);
  assert.ok(answer.headers.get('ratelimit-limit'), 'RateLimit-Limit on a problem');
}

describe('JSON API over HTTP', () => {
  let t: TestApp;
  let close: () => Promise<boolean>;
  let request: ReturnType<typeof jsonClient>;
  let key: string;
  let readOnlyKey: string;

  before(async () => {
    t = await startTestApp({ template: await seededTemplate(), env: { AMS_LOCKOUT_MAX_FAILURES: '3', AMS_MAX_BODY_BYTES: '65536' } });
    const running = await t.app.listen(0);
    close = () => running.close();
    request = jsonClient(`http://127.0.0.1:${running.port}/api/v1`);
    key = await apiKeyFor(t, 'reseller-a');
    readOnlyKey = await apiKeyFor(t, 'reseller-a', true);
  });
  after(async () => {
    await close();
    await t.close();
  });

  it('serves the OpenAPI document without credentials', async () => {
    const doc = await request('GET', '/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body['openapi'], '3.1.0');
  });

  it('refuses missing and wrong credentials with 401 and WWW-Authenticate', async () => {
    for (const auth of [undefined, { basic: ['reseller-a', 'wrong-secret-000'] } as const, { bearer: 'ams_00000000_nope' }, { bearer: `${key}x` }]) {
      const answer = await request('GET', '/accounts/alice', { auth });
      assertProblem(answer, 401, 'InvalidSoapCredentials');
      assert.match(answer.headers.get('www-authenticate') ?? '', /^Basic realm="[^"]+".*, Bearer/);
      assert.equal(answer.body['result'], 3);
    }
  });

  it('reads an account with Basic and with a Bearer key, in camelCase with RFC 3339 UTC times', async () => {
    for (const auth of [RESELLER_A, { bearer: key }, { bearer: readOnlyKey }]) {
      const answer = await request('GET', '/accounts/alice', { auth });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body['userName'], 'alice');
      assert.equal(answer.body['signupDateUtc'], '2025-01-02T03:04:05.000Z');
      assert.equal(answer.body['accountSizeMB'], 10240);
      assert.equal(answer.body['usedSpaceKB'], 123456);
      assert.equal(answer.body['cancelDateUtc'], null);
      for (const h of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']) assert.match(answer.headers.get(h) ?? '', /^\d+$/, h);
    }
  });

  it('refuses a read-only key anything but GET (403), changing nothing', async () => {
    const answer = await request('PUT', '/accounts/alice/email', { auth: { bearer: readOnlyKey }, body: { email: 'ro@example.com' } });
    assertProblem(answer, 403, 'ReadOnlyKey');
    const still = await request('GET', '/accounts/alice', { auth: RESELLER_A });
    assert.equal(still.body['email'], 'alice@example.com');
    assertProblem(await request('POST', '/accounts', { auth: { bearer: readOnlyKey }, body: { targetEntityId: 3, username: 'ro-made', password: 'ro-password-01', accountSizeMB: 100 } }), 403, 'ReadOnlyKey');
  });

  it('answers 404 AccountNotFound and 403 ObjectEntityMismatch', async () => {
    assertProblem(await request('GET', '/accounts/nobody-here', { auth: RESELLER_A }), 404, 'AccountNotFound');
    assertProblem(await request('GET', '/accounts/bob', { auth: RESELLER_A }), 403, 'ObjectEntityMismatch');
  });

  it('creates an account: 201, Location and the account; the same name again is 409 AlreadyExists', async () => {
    const body = { targetEntityId: 3, username: 'json-made', password: 'json-password-01', accountSizeMB: 2048, fullName: 'Jay Son', email: 'json@example.com' };
    const created = await request('POST', '/accounts', { auth: { bearer: key }, body });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.get('location'), '/api/v1/accounts/json-made');
    assert.equal(created.body['userName'], 'json-made');
    assert.equal(created.body['accountSizeMB'], 2048);
    assert.equal(created.body['entityId'], 3);
    assertProblem(await request('POST', '/accounts', { auth: { bearer: key }, body }), 409, 'AlreadyExists');
  });

  it('refuses bad bodies precisely: 422 with field, 400, 415, 413', async () => {
    const auth = RESELLER_A;
    assertProblem(await request('POST', '/accounts', { auth, body: { targetEntityId: 3, username: 'x1', password: 'json-password-01', accountSizeMB: 10, emial: 'typo@example.com' } }), 422, 'InvalidInputParameters', 'emial');
    assertProblem(await request('POST', '/accounts', { auth, body: { targetEntityId: '3', username: 'x1', password: 'json-password-01', accountSizeMB: 10 } }), 422, 'InvalidInputParameters', 'targetEntityId');
    assertProblem(await request('POST', '/accounts', { auth, body: { targetEntityId: 3, username: 'x1', password: 'json-password-01' } }), 422, 'InvalidInputParameters', 'accountSizeMB');
    assertProblem(await request('POST', '/accounts', { auth, body: { username: 'x1', password: 'json-password-01' } }), 422, 'InvalidInputParameters', 'targetEntityId');
    assertProblem(await request('POST', '/accounts', { auth, body: { targetEntityId: 3, token: 't', username: 'x1', password: 'json-password-01' } }), 422, 'InvalidInputParameters', 'token');
    // A handler's own check, its SOAP field name turned into the JSON one.
    const badEmail = await request('PUT', '/accounts/alice/email', { auth, body: { email: 'not-an-address' } });
    assertProblem(badEmail, 422, 'InvalidInputParameters', 'email');
    assert.doesNotMatch(String(badEmail.body['detail']), /\bEmail\b/);
    assertProblem(await request('PUT', '/accounts/alice/size', { auth, body: [1] }), 422, 'InvalidInputParameters');
    assertProblem(await request('PUT', '/accounts/alice/size', { auth, raw: '{"accountSizeMB": 12', contentType: 'application/json' }), 400, 'MalformedJson');
    assertProblem(await request('PUT', '/accounts/alice/size', { auth, raw: 'accountSizeMB=12', contentType: 'application/x-www-form-urlencoded' }), 415, 'UnsupportedMediaType');
    assertProblem(await request('PUT', '/accounts/alice/size', { auth, raw: `{"accountSizeMB": 12, "pad": "${'x'.repeat(70_000)}"}` }), 413, 'PayloadTooLarge');
    assertProblem(await request('GET', '/accounts/alice?password=secret', { auth }), 422, 'InvalidInputParameters', 'password');
    assertProblem(await request('DELETE', '/accounts/alice', { auth }), 405, 'MethodNotAllowed');
    assertProblem(await request('GET', '/no-such-thing', { auth }), 404, 'NotFound');
    const unchanged = await request('GET', '/accounts/alice', { auth });
    assert.equal(unchanged.body['accountSizeMB'], 10240);
    assert.equal(unchanged.body['email'], 'alice@example.com');
  });

  it('drives every account endpoint: password, authenticate, email, size, license key, usage, payments, tokens, cancel', async () => {
    const auth = { bearer: key };
    const made = await request('POST', '/accounts', { auth, body: { targetEntityId: 3, username: 'walker', password: 'walker-password-1', accountSizeMB: 100, email: 'walker@example.com' } });
    assert.equal(made.status, 201, made.text);
    const password = await request('POST', '/accounts/walker/password', { auth, body: { newPassword: 'walker-password-2', notifyCustomer: false } });
    assert.equal(password.status, 204, password.text);
    assert.equal(password.text, '');
    const signedIn = await request('POST', '/accounts/walker/authenticate', { auth, body: { password: 'walker-password-2' } });
    assert.equal(signedIn.status, 200, signedIn.text);
    assert.deepEqual(Object.keys(signedIn.body).sort(), ['backupServerName', 'status']);
    assert.equal(signedIn.body['status'], 'Active');
    assertProblem(await request('POST', '/accounts/walker/authenticate', { auth, body: { password: 'walker-password-1' } }), 403, 'InvalidAccountCredentials');
    assert.equal((await request('PUT', '/accounts/walker/email', { auth, body: { email: 'walker2@example.com', notifyCustomer: true } })).status, 204);
    assert.equal((await request('PUT', '/accounts/walker/size', { auth, body: { accountSizeMB: 4096 } })).status, 204);
    assert.equal((await request('PUT', '/accounts/walker/license-key', { auth, body: { licenseKey: 'LK-42' } })).status, 204);
    const info = await request('GET', '/accounts/walker', { auth });
    assert.equal(info.body['email'], 'walker2@example.com');
    assert.equal(info.body['accountSizeMB'], 4096);
    assert.equal(info.body['licenseKey'], 'LK-42');
    const usage = await request('GET', '/accounts/walker/usage', { auth });
    assert.equal(usage.status, 200);
    assert.deepEqual(usage.body, { items: [], totalUsedSpaceKB: 0 });
    const payments = await request('GET', '/accounts/walker/payments', { auth });
    assert.deepEqual(payments.body, { items: [] });

    const token = await request('POST', '/accounts/walker/authentication-tokens', { auth, body: { password: 'walker-password-2' } });
    assert.equal(token.status, 201, token.text);
    assert.equal(typeof token.body['token'], 'string');
    const valid = await request('POST', '/authentication-tokens/validate', { auth, body: { token: token.body['token'] } });
    assert.equal(valid.status, 200, valid.text);
    assert.equal(valid.body['username'], 'walker');
    assert.match(String(valid.body['expiresUtc']), /Z$/);
    const web = await request('POST', '/accounts/walker/authorization-tokens', { auth, body: { password: 'walker-password-2' } });
    assert.equal(web.status, 201, web.text);
    const redeemed = await request('POST', '/authorization-tokens/redeem', { auth, body: { token: web.body['authToken'] } });
    assert.equal(redeemed.status, 200, redeemed.text);
    assert.deepEqual(redeemed.body, { username: 'walker', entityId: 3, isAppUser: true });
    assertProblem(await request('POST', '/authorization-tokens/redeem', { auth, body: { token: web.body['authToken'] } }), 410, 'InvalidToken');
    const byEntity = await request('POST', '/authorization-tokens', { auth, body: { username: 'walker', isAppUser: true } });
    assert.equal(byEntity.status, 201, byEntity.text);

    const creating = await request('POST', '/creating-account-tokens', { auth, body: { targetEntityId: 3, accountSizeMB: 512, validForHours: 2 } });
    assert.equal(creating.status, 201, creating.text);
    assert.match(String(creating.body['expiresUtc']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const byToken = await request('POST', '/accounts', { auth, body: { token: creating.body['token'], username: 'tokened', password: 'tokened-password-1' } });
    assert.equal(byToken.status, 201, byToken.text);
    assert.equal(byToken.body['accountSizeMB'], 512);

    assert.equal((await request('POST', '/accounts/walker/cancel', { auth })).status, 204);
    assertProblem(await request('PUT', '/accounts/walker/size', { auth, body: { accountSizeMB: 1 } }), 409, 'InvalidAccountState');
    assertProblem(await request('POST', '/accounts/ultra/password', { auth, body: { newPassword: 'ultra-password-9' } }), 409, 'UltraSafeNotSupported');
  });

  it('locks an account after failed sign-ins: 423 AccountLocked', async () => {
    let last: JsonAnswer | undefined;
    for (let i = 0; i < 4; i++) last = await request('POST', '/accounts/alice/authenticate', { auth: RESELLER_A, body: { password: `wrong-password-${i}` } });
    assertProblem(last!, 423, 'AccountLocked');
    // A partner-side password change unlocks it.
    assert.equal((await request('POST', '/accounts/alice/password', { auth: RESELLER_A, body: { newPassword: ALICE_PASSWORD } })).status, 204);
  });

  it('replays an idempotent POST: 20 concurrent retries with one key create one account', async () => {
    const auth = { bearer: key };
    const body = { targetEntityId: 3, username: 'once-only', password: 'once-password-01', accountSizeMB: 300 };
    const answers = await Promise.all(Array.from({ length: 20 }, () => request('POST', '/accounts', { auth, body, idempotencyKey: 'retry-key-1' })));
    const created = answers.filter((a) => a.status === 201);
    assert.ok(created.length >= 1, answers.map((a) => a.status).join(','));
    for (const a of answers) if (a.status !== 201) assertProblem(a, 409, 'IdempotencyKeyInProgress');
    for (const a of created) assert.deepEqual(a.body, created[0]!.body);
    // A retry after the first finished replays it exactly, and says so.
    const replay = await request('POST', '/accounts', { auth, body: { ...body }, idempotencyKey: 'retry-key-1' });
    assert.equal(replay.status, 201);
    assert.equal(replay.text, created[0]!.text);
    assert.equal(replay.headers.get('location'), '/api/v1/accounts/once-only');
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    const rows = await t.app.store.db.selectFrom('accounts').select('id').where('username_key', '=', 'once-only').execute();
    assert.equal(rows.length, 1);
    const audit = await t.app.store.db.selectFrom('audit_log').select('id').where('account_username', '=', 'once-only').where('operation', '=', 'CreateAccountBySize').execute();
    assert.equal(audit.length, 1);
    // The same key with another body: refused, nothing done.
    assertProblem(await request('POST', '/accounts', { auth, body: { ...body, username: 'twice' }, idempotencyKey: 'retry-key-1' }), 422, 'IdempotencyKeyMismatch', 'Idempotency-Key');
    assert.equal((await request('GET', '/accounts/twice', { auth })).status, 404);
    // Keys are per partner user: the same key from another user is a new request.
    const other = await request('POST', '/accounts', { auth: { basic: ['provider', PROVIDER_SECRET] }, body: { ...body, username: 'once-other' }, idempotencyKey: 'retry-key-1' });
    assert.equal(other.status, 201, other.text);
  });

  it("keeps no password, token or Idempotency-Key at rest: only the key's holder gets the answer replayed", async () => {
    const auth = { bearer: key };
    const idempotencyKey = 'at-rest-3f9c2d7e-51b0-4c8a-9e61-0d2f7a4b8c15';
    const password = 'at-rest-password-01';
    assert.equal((await request('POST', '/accounts', { auth, body: { targetEntityId: 3, username: 'at-rest', password, accountSizeMB: 100 }, idempotencyKey: `${idempotencyKey}-create` })).status, 201);
    const first = await request('POST', '/accounts/at-rest/authentication-tokens', { auth, body: { password }, idempotencyKey });
    assert.equal(first.status, 201, first.text);
    const token = String(first.body['token']);
    const replay = await request('POST', '/accounts/at-rest/authentication-tokens', { auth, body: { password }, idempotencyKey });
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.text, first.text);
    const rows = await t.app.store.db.selectFrom('idempotency_keys').selectAll().execute();
    const atRest = JSON.stringify(rows);
    for (const secret of [idempotencyKey, token, password]) assert.ok(!atRest.includes(secret), 'a secret kept in idempotency_keys');
    // Another key with the same body is another request: a new token, not the stored one.
    const fresh = await request('POST', '/accounts/at-rest/authentication-tokens', { auth, body: { password }, idempotencyKey: `${idempotencyKey}-2` });
    assert.equal(fresh.status, 201, fresh.text);
    assert.notEqual(fresh.body['token'], token);
  });

  it('logs one request line per call with its operation and result, and never a key or a secret', () => {
    const lines = t.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'request' && String(l['path']).startsWith('/api/v1/'));
    assert.ok(lines.some((l) => l['operation'] === 'CreateAccountBySize' && l['result'] === 'Success' && l['status'] === 201 && l['partnerUser'] === 'reseller-a'));
    assert.ok(lines.some((l) => l['result'] === 'ReadOnlyKey' && l['status'] === 403));
    assert.ok(lines.some((l) => l['result'] === 'InvalidSoapCredentials' && String(l['claimedUser'] ?? '').startsWith('key:ams_')));
    const all = t.logLines.join('\n');
    for (const secret of [key, readOnlyKey, key.slice(13), RESELLER_A_SECRET, 'walker-password-2', 'json-password-01']) assert.ok(!all.includes(secret), 'a secret in the log');
  });

  it('pages the tree with a cursor and a Link header; bad cursors and limits are 422; another tree 403', async () => {
    const auth = RESELLER_A;
    const seen: string[] = [];
    let path: string | null = '/accounts?limit=2';
    let pages = 0;
    while (path !== null) {
      const page: JsonAnswer = await request('GET', path, { auth });
      assert.equal(page.status, 200, page.text);
      pages++;
      for (const item of page.body.items ?? []) seen.push(String(item['userName']));
      const next = page.body['nextCursor'];
      const link = page.headers.get('link');
      if (next === null) {
        assert.equal(link, null);
        path = null;
      } else {
        assert.match(link ?? '', /^<\/api\/v1\/accounts\?[^>]*cursor=[^>]+>; rel="next"$/);
        path = link!.slice('</api/v1'.length, link!.indexOf('>'));
      }
    }
    assert.ok(pages >= 2);
    assert.deepEqual(seen, [...seen].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    assert.equal(new Set(seen).size, seen.length);
    for (const name of ['alice', 'ultra', 'gone']) assert.ok(seen.includes(name), name);
    assert.ok(!seen.includes('bob'));
    const active = await request('GET', '/accounts?status=Cancelled', { auth });
    assert.ok((active.body.items ?? []).every((i) => i['status'] === 'Cancelled'));
    assertProblem(await request('GET', '/accounts?cursor=bm9wZQ', { auth }), 422, 'InvalidInputParameters', 'cursor');
    assertProblem(await request('GET', '/accounts?limit=0', { auth }), 422, 'InvalidInputParameters', 'limit');
    assertProblem(await request('GET', '/accounts?limit=1001', { auth }), 422, 'InvalidInputParameters', 'limit');
    assertProblem(await request('GET', '/accounts?status=Sleeping', { auth }), 422, 'InvalidInputParameters', 'status');
    assertProblem(await request('GET', '/accounts?sort=name', { auth }), 422, 'InvalidInputParameters', 'sort');
    assertProblem(await request('GET', '/accounts?entityId=4', { auth }), 403, 'ObjectEntityMismatch');
  });
});

describe('JSON API rate limits', () => {
  it('shows RateLimit-* on every answer and refuses the burst past the limit with 429 and Retry-After', async () => {
    const t = await startTestApp({ template: await seededTemplate(), env: { AMS_PARTNER_REQUESTS_PER_MINUTE: '6', AMS_PARTNER_BURST: '3' } });
    const running = await t.app.listen(0);
    try {
      const request = jsonClient(`http://127.0.0.1:${running.port}/api/v1`);
      await burstPastLimit(() => request('GET', '/accounts/alice', { auth: RESELLER_A }), 8, 3);
    } finally {
      await running.close();
      await t.close();
    }
  });
});
