/**
 * Every endpoint of the JSON API driven through a client generated from the served document
 * (openapi-typescript + openapi-fetch, the program type-checked by tsc --strict), over a real
 * socket against a real AMS; every answer it got checked against the document (status, headers,
 * body by JSON Schema 2020-12). The document itself is checked by a real OpenAPI 3.1 validator.
 * Runs on SQLite, and on PostgreSQL with AMS_TEST_HARNESS_ENGINE=postgres.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateOpenApiDocument } from '../support/openapi-validate.js';
import { ResponseValidator, type RecordedAnswer } from '../support/response-validator.js';
import { generateClient, type GeneratedClient } from '../support/generated-client.js';
import { BASIC, startRestApp, type RestTestApp } from '../support/rest-app.js';
import { ALICE_PASSWORD } from '../support/harness.js';

/**
 * The partner program: reseller-a walks through every operation with the generated client.
 * `check` fails the program; every answer is recorded by the program's middleware.
 */
const SCENARIO = `
const list = await client.GET('/accounts', { params: { query: { limit: 2 } } });
check(list.response.status === 200 && list.data !== undefined && list.data.items.length === 2, 'first page of two');
const next = await client.GET('/accounts', { params: { query: { limit: 2, cursor: list.data?.nextCursor ?? undefined } } });
check(next.response.status === 200, 'second page');

const alice = await client.GET('/accounts/{username}', { params: { path: { username: 'alice' } } });
check(alice.data?.userName === 'alice', 'alice read');
const entityId = alice.data?.entityId ?? 0;
const missing = await client.GET('/accounts/{username}', { params: { path: { username: 'nobody' } } });
check(missing.response.status === 404 && missing.error?.code === 'AccountNotFound', 'nobody is 404');
const notMine = await client.GET('/accounts/{username}', { params: { path: { username: 'bob' } } });
check(notMine.response.status === 403 && notMine.error?.code === 'ObjectEntityMismatch', 'bob is not in my tree');

const created = await client.POST('/accounts', {
  params: { header: { 'Idempotency-Key': 'client-create-carol' } },
  body: { targetEntityId: entityId, username: 'carol', password: 'carol-passphrase-1', accountSizeMB: 20480, fullName: 'Carol Example', email: 'carol@example.com' },
});
check(created.response.status === 201 && created.data?.userName === 'carol' && created.response.headers.get('location') !== null, 'carol created');
const again = await client.POST('/accounts', { body: { targetEntityId: entityId, username: 'carol', password: 'carol-passphrase-1', accountSizeMB: 20480 } });
check(again.response.status === 409 && again.error?.code === 'AlreadyExists', 'carol exists');

const carol = { params: { path: { username: 'carol' } } } as const;
check((await client.POST('/accounts/{username}/password', { ...carol, body: { newPassword: 'carol-passphrase-2', notifyCustomer: false } })).response.status === 204, 'password');
check((await client.PUT('/accounts/{username}/email', { ...carol, body: { email: 'carol@example.org' } })).response.status === 204, 'email');
check((await client.PUT('/accounts/{username}/size', { ...carol, body: { accountSizeMB: 40960 } })).response.status === 204, 'size');
check((await client.PUT('/accounts/{username}/license-key', { ...carol, body: { licenseKey: 'LK-CAROL' } })).response.status === 204, 'license key');
const reread = await client.GET('/accounts/{username}', carol);
check(reread.data?.email === 'carol@example.org' && reread.data?.accountSizeMB === 40960 && reread.data?.licenseKey === 'LK-CAROL', 'changes read back');

const signIn = await client.POST('/accounts/{username}/authenticate', { ...carol, body: { password: 'carol-passphrase-2' } });
check(signIn.response.status === 200 && signIn.data?.status === 'Active', 'carol signs in');
const wrong = await client.POST('/accounts/{username}/authenticate', { ...carol, body: { password: 'not-her-password' } });
check(wrong.response.status === 403 && wrong.error?.code === 'InvalidAccountCredentials', 'a wrong password is 403');

const usage = await client.GET('/accounts/{username}/usage', { params: { path: { username: 'alice' } } });
check(usage.response.status === 200 && typeof usage.data?.totalUsedSpaceKB === 'number', 'usage with its total');
const payments = await client.GET('/accounts/{username}/payments', { params: { path: { username: 'alice' } } });
check(payments.response.status === 200 && Array.isArray(payments.data?.items), 'payments');

const authn = await client.POST('/accounts/{username}/authentication-tokens', { ...carol, body: { password: 'carol-passphrase-2' } });
check(authn.response.status === 201 && typeof authn.data?.token === 'string', 'an authentication token');
const validated = await client.POST('/authentication-tokens/validate', { body: { token: authn.data?.token ?? '' } });
check(validated.response.status === 200 && validated.data?.username === 'carol', 'the token is carol\\'s');

const authz = await client.POST('/accounts/{username}/authorization-tokens', { ...carol, body: { password: 'carol-passphrase-2' } });
check(authz.response.status === 201 && typeof authz.data?.authToken === 'string', 'an authorization token');
const entityToken = await client.POST('/authorization-tokens', { body: { username: 'carol', isAppUser: true } });
check(entityToken.response.status === 201 && typeof entityToken.data?.authToken === 'string', 'a partner-issued sign-in token');
const redeemed = await client.POST('/authorization-tokens/redeem', { body: { token: entityToken.data?.authToken ?? '' } });
check(redeemed.response.status === 200 && redeemed.data?.username === 'carol', 'redeemed once');
const twice = await client.POST('/authorization-tokens/redeem', { body: { token: entityToken.data?.authToken ?? '' } });
check(twice.response.status === 410 && twice.error?.code === 'InvalidToken', 'not twice');

const creating = await client.POST('/creating-account-tokens', { body: { targetEntityId: entityId, accountSizeMB: 1024, isUltraSafe: false, validForHours: 24 } });
check(creating.response.status === 201 && typeof creating.data?.token === 'string', 'a creating-account token');
const dave = await client.POST('/accounts', { body: { token: creating.data?.token ?? '', username: 'dave', password: 'dave-passphrase-1' } });
check(dave.response.status === 201 && dave.data?.userName === 'dave' && dave.data?.accountSizeMB === 1024, 'dave created with the token');

check((await client.POST('/accounts/{username}/cancel', { ...carol, body: {} })).response.status === 204, 'carol cancelled');
const cancelledSignIn = await client.POST('/accounts/{username}/authenticate', { ...carol, body: { password: 'carol-passphrase-2' } });
check(cancelledSignIn.data?.status === 'Cancelled' || cancelledSignIn.response.status === 409, 'a cancelled account says so');
`;

describe('every JSON API endpoint through a generated client', () => {
  let app: RestTestApp;
  let client: GeneratedClient;
  let validator: ResponseValidator;
  let answers: readonly RecordedAnswer[] = [];
  before(async () => {
    app = await startRestApp();
    const served = await fetch(`${app.api}/openapi.json`);
    assert.equal(served.status, 200);
    validator = new ResponseValidator((await served.json()) as Record<string, unknown>);
    client = await generateClient(`${app.api}/openapi.json`);
  });
  after(async () => {
    client?.remove();
    await app?.close();
  });

  it('serves a valid OpenAPI 3.1 document', async () => {
    await validateOpenApiDocument((await (await fetch(`${app.api}/openapi.json`)).json()) as object);
  });

  it('the scenario type-checks and runs against the server', async () => {
    answers = await client.run(SCENARIO, { AMS_CLIENT_BASE_URL: app.api, AMS_CLIENT_HEADERS: JSON.stringify({ Authorization: BASIC.resellerA }) });
    assert.equal(answers.length, 26, 'one answer per call of the scenario');
  });

  it('every answer matches the document: status, headers, body', () => {
    const problems = answers.flatMap((a) => validator.problems(a));
    assert.deepEqual(problems, []);
    for (const a of answers) {
      const headers = a.headers as Readonly<Record<string, string>>;
      assert.ok(headers['ratelimit-limit'] !== undefined && headers['ratelimit-remaining'] !== undefined && headers['ratelimit-reset'] !== undefined, `${a.method} ${a.url}: RateLimit-*`);
    }
  });

  it('every operation of the document was called', () => {
    const all = validator.operationKeys();
    const called = new Set(validator.seen.keys());
    assert.deepEqual(all.filter((k) => !called.has(k)), []);
  });

  it('no secret of the scenario is in a URL or a log line', () => {
    for (const a of answers) assert.doesNotMatch(a.url, /passphrase|token=/i);
    const log = app.t.logLines.join('\n');
    for (const secret of ['carol-passphrase-1', 'carol-passphrase-2', 'dave-passphrase-1', ALICE_PASSWORD]) assert.ok(!log.includes(secret), secret);
  });
});
