/**
 * Issue 21's JSON routes over a real socket, on SQLite and PostgreSQL: a sandbox (its own
 * capturing transport, an SMTP URL it must ignore) and a production instance. Two partners create
 * accounts over SOAP and JSON with notifications and read only their own captured mail through
 * /api/v1/sandbox/mail (many requests in flight); seed then the SOAP and JSON reporting calls
 * answer data; reset then the accounts are gone and the other partner untouched. Production has
 * none of the four routes, and serves the same OpenAPI document as the sandbox.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RESELLER_A_SECRET, RESELLER_B_SECRET, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';
import { waitFor } from '../support/wait-for.js';
import { POSTGRES_TEST_URL, createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { parseXml, type XmlElement } from '../../src/xml/reader.js';
import { renderNotification } from '../../src/mail/templates.js';
import { apiKeyFor, burstPastLimit, jsonClient, type Auth, type JsonAnswer } from '../rest/json-client.js';

const A = { user: 'reseller-a', password: RESELLER_A_SECRET };
const B = { user: 'reseller-b', password: RESELLER_B_SECRET };
const BASIC_A: Auth = { basic: [A.user, A.password] };
const BASIC_B: Auth = { basic: [B.user, B.password] };
const BRANDING = { providerName: 'Online Backup', supportEmail: 'support@localhost', defaultLanguage: 'en' } as const;
const ROUTES = [
  ['GET', '/sandbox/mail'],
  ['GET', `/sandbox/mail/${'0'.repeat(32)}`],
  ['POST', '/sandbox/reset'],
  ['POST', '/sandbox/seed'],
] as const;

const ENGINES: readonly ('sqlite' | 'postgres')[] = POSTGRES_TEST_URL ? ['sqlite', 'postgres'] : ['sqlite'];

function assertProblem(answer: JsonAnswer, status: number, code: string, field?: string): void {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.headers.get('content-type'), 'application/problem+json');
  assert.equal(answer.body['code'], code, answer.text);
  if (field !== undefined) assert.equal(answer.body['field'], field, answer.text);
}

function count(root: XmlElement | undefined, local: string): number {
  if (!root) return 0;
  return (root.local === local ? 1 : 0) + root.children.reduce((n, c) => n + count(c, local), 0);
}

interface Running {
  readonly t: TestApp;
  readonly request: ReturnType<typeof jsonClient>;
  readonly origin: string;
  close(): Promise<void>;
}

async function run(t: TestApp): Promise<Running> {
  const running = await t.app.listen(0);
  const origin = `http://127.0.0.1:${running.port}`;
  return {
    t,
    origin,
    request: jsonClient(`${origin}/api/v1`),
    async close() {
      await running.close();
      await t.close();
    },
  };
}

for (const engine of ENGINES) {
  describe(`sandbox JSON routes on ${engine}`, () => {
    let sandbox: Running;
    let production: Running;
    let keyB: string;
    let readOnlyA: string;
    const databases: TestDatabase[] = [];
    const databaseEnv = async (): Promise<Record<string, string>> => {
      if (engine === 'sqlite') return {};
      const db = await createTestDatabase();
      databases.push(db);
      return { AMS_DATABASE_URL: db.url };
    };

    before(async () => {
      const t = await startTestApp({ transport: 'configured', env: { AMS_SANDBOX: 'true', AMS_SMTP_URL: 'smtp://127.0.0.1:9', ...(await databaseEnv()) } });
      sandbox = await run(t);
      production = await run(await startTestApp({ env: await databaseEnv() }));
      keyB = await apiKeyFor(sandbox.t, 'reseller-b');
      readOnlyA = await apiKeyFor(sandbox.t, 'reseller-a', true);
    });
    after(async () => {
      await sandbox?.close();
      await production?.close();
      for (const db of databases) await db.drop();
    });

    it('two partners cause mail over SOAP and JSON; each reads only its own through the API, many requests in flight', async () => {
      const soapA = await call(
        sandbox.t,
        'CreateAccountBySize',
        { TargetEntityId: 3, Username: 'carol', Password: 'carol-password-1', AccountSizeMB: 10240, FullName: 'Carol Sample', Email: 'carol@example.com', IsUltrasafe: false, DisableEmailsNotification: false },
        A,
      );
      assert.equal(soapA.code, 'Success');
      const soapB = await call(
        sandbox.t,
        'CreateAccountBySize',
        { TargetEntityId: 4, Username: 'dave', Password: 'dave-password-1', AccountSizeMB: 10240, FullName: 'Dave Sample', Email: 'dave@example.com', IsUltrasafe: false, DisableEmailsNotification: false },
        B,
      );
      assert.equal(soapB.code, 'Success');
      const jsonA = await sandbox.request('POST', '/accounts', { auth: BASIC_A, body: { targetEntityId: 3, username: 'erin', password: 'erin-password-1', accountSizeMB: 100, fullName: 'Erin Sample', email: 'erin@example.com' } });
      assert.equal(jsonA.status, 201, jsonA.text);
      const jsonB = await sandbox.request('POST', '/accounts', { auth: { bearer: keyB }, body: { targetEntityId: 4, username: 'frank', password: 'frank-password-1', accountSizeMB: 100, fullName: 'Frank Sample', email: 'frank@example.com' } });
      assert.equal(jsonB.status, 201, jsonB.text);
      sandbox.t.app.mailWorker.start();
      await waitFor(async () => (await sandbox.t.app.store.db.selectFrom('sandbox_mail').select('id').execute()).length === 4, 10_000, 'four captured messages');

      const listA = await sandbox.request('GET', '/sandbox/mail', { auth: BASIC_A });
      assert.equal(listA.status, 200, listA.text);
      assert.equal(listA.headers.get('x-ams-sandbox'), 'true', 'the JSON answers say sandbox too');
      assert.ok(listA.headers.get('ratelimit-remaining'), 'RateLimit-* as on every JSON answer');
      assert.equal(listA.body['limit'], 500);
      assert.deepEqual(listA.body.items?.map((m) => m['accountUsername']).sort(), ['carol', 'erin']);
      const listB = await sandbox.request('GET', '/sandbox/mail', { auth: { bearer: keyB } });
      assert.deepEqual(listB.body.items?.map((m) => m['accountUsername']).sort(), ['dave', 'frank']);
      const limited = await sandbox.request('GET', '/sandbox/mail?limit=1', { auth: BASIC_A });
      assert.equal(limited.body.items?.length, 1);
      assert.equal(limited.body.items?.[0]?.['accountUsername'], 'erin', 'newest first');

      const idOf = (list: JsonAnswer, name: string): string => String(list.body.items?.find((m) => m['accountUsername'] === name)?.['id']);
      const dave = await sandbox.request('GET', `/sandbox/mail/${idOf(listB, 'dave')}`, { auth: BASIC_B });
      assert.equal(dave.status, 200, dave.text);
      const expected = renderNotification('account-created', { username: 'dave', fullName: 'Dave Sample', localeCode: '' }, BRANDING);
      assert.equal(dave.body['subject'], expected.subject);
      assert.equal(dave.body['text'], expected.text);
      assert.equal(dave.body['html'], expected.html);
      const headers = dave.body['headers'] as Record<string, string>;
      assert.equal(headers['To'], 'dave@example.com');
      assert.equal(headers['From'], 'Online Backup <no-reply@localhost>');
      assert.match(headers['Message-ID'] ?? '', /^<.+@.+>$/);

      // Both partners at once, each also asking for the other's messages by their real ids.
      const asks = Array.from({ length: 40 }, (_, i) => {
        const mine = i % 2 === 0;
        const auth = mine ? BASIC_A : { bearer: keyB };
        const path = i % 4 < 2 ? '/sandbox/mail' : `/sandbox/mail/${mine ? idOf(listB, 'frank') : idOf(listA, 'carol')}`;
        return { own: mine ? ['carol', 'erin'] : ['dave', 'frank'], path, auth };
      });
      const answers = await Promise.all(asks.map(async (ask) => ({ ask, answer: await sandbox.request('GET', ask.path, { auth: ask.auth }) })));
      for (const { ask, answer } of answers) {
        if (ask.path === '/sandbox/mail') assert.deepEqual(answer.body.items?.map((m) => m['accountUsername']).sort(), ask.own);
        else assertProblem(answer, 404, 'NotFound');
      }
      assertProblem(await sandbox.request('GET', '/sandbox/mail/not-an-id', { auth: BASIC_A }), 404, 'NotFound');
    });

    it('signs in, refuses and checks exactly as every JSON route', async () => {
      const anonymous = await sandbox.request('GET', '/sandbox/mail');
      assertProblem(anonymous, 401, 'InvalidSoapCredentials');
      assert.ok(anonymous.headers.get('www-authenticate'));
      assertProblem(await sandbox.request('POST', '/sandbox/seed', { auth: { basic: [A.user, 'wrong-secret-000'] }, body: { accounts: 1 } }), 401, 'InvalidSoapCredentials');
      assert.equal((await sandbox.request('GET', '/sandbox/mail', { auth: { bearer: readOnlyA } })).status, 200, 'a read-only key may read');
      assertProblem(await sandbox.request('POST', '/sandbox/reset', { auth: { bearer: readOnlyA } }), 403, 'ReadOnlyKey');
      assertProblem(await sandbox.request('POST', '/sandbox/seed', { auth: { bearer: readOnlyA }, body: { accounts: 1 } }), 403, 'ReadOnlyKey');
      const wrongMethod = await sandbox.request('DELETE', '/sandbox/mail', { auth: BASIC_A });
      assertProblem(wrongMethod, 405, 'MethodNotAllowed');
      assert.equal(wrongMethod.headers.get('allow'), 'GET');
      for (const accounts of [0, 1001, 2.5, '5', null]) {
        assertProblem(await sandbox.request('POST', '/sandbox/seed', { auth: BASIC_A, body: { accounts } }), 422, 'InvalidInputParameters', 'accounts');
      }
      assertProblem(await sandbox.request('POST', '/sandbox/seed', { auth: BASIC_A, body: {} }), 422, 'InvalidInputParameters', 'accounts');
      assertProblem(await sandbox.request('POST', '/sandbox/seed', { auth: BASIC_A, body: { accounts: 1, acounts: 2 } }), 422, 'InvalidInputParameters', 'acounts');
      assertProblem(await sandbox.request('POST', '/sandbox/reset', { auth: BASIC_A, body: { everything: true } }), 422, 'InvalidInputParameters', 'everything');
      assertProblem(await sandbox.request('POST', '/sandbox/seed', { auth: BASIC_A, raw: '{"accounts":', contentType: 'application/json' }), 400, 'MalformedJson');
      assertProblem(await sandbox.request('GET', '/sandbox/mail?limit=501', { auth: BASIC_A }), 422, 'InvalidInputParameters', 'limit');
      assertProblem(await sandbox.request('GET', '/sandbox/mail?page=2', { auth: BASIC_A }), 422, 'InvalidInputParameters', 'page');
      const samples = await sandbox.t.app.store.db.selectFrom('accounts').select('username').where('username', 'like', 'sample-%').execute();
      assert.equal(samples.length, 0, 'no refused seed created anything');
    });

    it('seed (once per Idempotency-Key): the SOAP and JSON reporting calls answer data; the other partner cannot read the samples', async () => {
      const asks = Array.from({ length: 6 }, () => sandbox.request('POST', '/sandbox/seed', { auth: BASIC_A, body: { accounts: 5 }, idempotencyKey: 'seed-a-1' }));
      const answers = await Promise.all(asks);
      const done = answers.filter((a) => a.status === 200);
      for (const a of answers) assert.ok(a.status === 200 || (a.status === 409 && a.body['code'] === 'IdempotencyKeyInProgress'), a.text);
      assert.ok(done.length >= 1);
      for (const a of done) assert.equal(a.text, done[0]!.text, 'a retry replays the first answer');
      assert.equal(done[0]!.body['created'], 5);
      const usernames = done[0]!.body['usernames'] as string[];
      const made = await sandbox.t.app.store.db.selectFrom('accounts').select('username').where('username', 'like', 'sample-%').execute();
      assert.equal(made.length, 5, 'one seed, however many retries');

      for (const username of usernames.slice(0, 3)) {
        const usage = await call(sandbox.t, 'GetAccountUsedSpaceBySystem', { Username: username }, A);
        assert.equal(usage.code, 'Success');
        assert.ok(count(usage.response.body ? parseXml(usage.response.body) : undefined, 'SystemName') >= 1);
        const payments = await call(sandbox.t, 'GetAccountPayments', { userName: username }, A);
        assert.equal(payments.code, 'Success');
        assert.ok(count(payments.response.body ? parseXml(payments.response.body) : undefined, 'PaymentId') >= 1);
        const jsonUsage = await sandbox.request('GET', `/accounts/${username}/usage`, { auth: BASIC_A });
        assert.equal(jsonUsage.status, 200, jsonUsage.text);
        assert.ok((jsonUsage.body.items?.length ?? 0) >= 1 && Number(jsonUsage.body['totalUsedSpaceKB']) > 0, jsonUsage.text);
        const jsonPayments = await sandbox.request('GET', `/accounts/${username}/payments`, { auth: BASIC_A });
        assert.equal(jsonPayments.status, 200, jsonPayments.text);
        assert.ok((jsonPayments.body.items?.length ?? 0) >= 1, jsonPayments.text);
        assert.notEqual((await sandbox.request('GET', `/accounts/${username}/payments`, { auth: BASIC_B })).status, 200, "B cannot read A's samples");
      }
    });

    it("reset: the caller's accounts are gone (JSON 404), the other partner's are untouched", async () => {
      const reset = await sandbox.request('POST', '/sandbox/reset', { auth: BASIC_A });
      assert.equal(reset.status, 200, reset.text);
      assert.equal(reset.body['entityId'], 2);
      const deleted = reset.body['deleted'] as Record<string, number>;
      assert.equal(deleted['accounts'], 3 + 2 + 5, 'alice, ultra, gone, carol, erin and the five samples');
      assert.equal(deleted['capturedMail'], 2);
      for (const name of ['alice', 'carol', 'erin']) assertProblem(await sandbox.request('GET', `/accounts/${name}`, { auth: BASIC_A }), 404, 'AccountNotFound');
      assert.equal((await sandbox.request('GET', '/sandbox/mail', { auth: BASIC_A })).body.items?.length, 0);
      for (const name of ['dave', 'frank']) assert.equal((await sandbox.request('GET', `/accounts/${name}`, { auth: BASIC_B })).status, 200, `${name} stays`);
      assert.deepEqual((await sandbox.request('GET', '/sandbox/mail', { auth: BASIC_B })).body.items?.map((m) => m['accountUsername']).sort(), ['dave', 'frank']);
    });

    it('production: the four routes are 404, signed in or not; no sandbox header', async () => {
      for (const [method, path] of ROUTES) {
        for (const auth of [undefined, BASIC_A]) {
          const answer = await production.request(method, path, { auth, ...(method === 'POST' ? { body: { accounts: 1 } } : {}) });
          assertProblem(answer, 404, 'NotFound');
          assert.equal(answer.headers.get('x-ams-sandbox'), null);
        }
      }
    });

    it('the OpenAPI document is byte for byte production\'s; the docs page shows the sandbox banner only in the sandbox', async () => {
      const [sandboxDoc, productionDoc] = await Promise.all([fetch(`${sandbox.origin}/api/v1/openapi.json`), fetch(`${production.origin}/api/v1/openapi.json`)]);
      const [sandboxText, productionText] = [await sandboxDoc.text(), await productionDoc.text()];
      assert.equal(sandboxDoc.headers.get('x-ams-sandbox'), 'true');
      // The document's server URL is relative (/api/v1): no address in it at all.
      assert.equal(sandboxText, productionText);
      assert.ok(!sandboxText.includes('/sandbox/'), 'the sandbox routes are not in the document');
      const [sandboxPage, productionPage] = await Promise.all([fetch(`${sandbox.origin}/api/v1/docs`).then((r) => r.text()), fetch(`${production.origin}/api/v1/docs`).then((r) => r.text())]);
      assert.match(sandboxPage, /<p class="intro" id="sandbox-banner"[^>]*>SANDBOX — a test host/);
      assert.ok(!productionPage.includes('sandbox-banner') && !productionPage.includes('SANDBOX'));
      assert.equal(sandboxPage.replace(/<p class="intro" id="sandbox-banner"[^>]*>[^<]*<\/p>\n/, ''), productionPage, 'otherwise the same page');
    });
  });
}

describe('sandbox JSON routes under the partner rate', () => {
  it('count against the partner rate: 429 TooManyRequests with Retry-After past the burst, and the refused seed creates nothing', async () => {
    const t = await startTestApp({ env: { AMS_SANDBOX: 'true', AMS_PARTNER_REQUESTS_PER_MINUTE: '6', AMS_PARTNER_BURST: '3' } });
    const s = await run(t);
    try {
      const ok = await burstPastLimit(
        (i) => (i % 2 === 0 ? s.request('GET', '/sandbox/mail', { auth: BASIC_A }) : s.request('POST', '/sandbox/seed', { auth: BASIC_A, body: { accounts: 1 } })),
        8,
        3,
      );
      const seeded = ok.filter((a) => a.body['created'] === 1).length;
      const samples = await t.app.store.db.selectFrom('accounts').select('username').where('username', 'like', 'sample-%').execute();
      assert.equal(samples.length, seeded, 'only the seeds that were let through made accounts');
    } finally {
      await s.close();
    }
  });
});

describe('sandbox mail pages under the partner rate', () => {
  it('spend a token of the same partner rate per page: 429 with Retry-After past the burst, then no JSON call either', async () => {
    const t = await startTestApp({ env: { AMS_SANDBOX: 'true', AMS_PARTNER_REQUESTS_PER_MINUTE: '6', AMS_PARTNER_BURST: '3' } });
    const s = await run(t);
    try {
      const authorization = `Basic ${Buffer.from(`${A.user}:${A.password}`).toString('base64')}`;
      const pages = await Promise.all(Array.from({ length: 8 }, () => fetch(`${s.origin}/sandbox/mail`, { headers: { Authorization: authorization } })));
      const statuses = pages.map((p) => p.status);
      const letThrough = statuses.filter((status) => status === 200).length;
      assert.ok(letThrough >= 1 && letThrough <= 3, statuses.join(','));
      assert.equal(statuses.filter((status) => status === 429).length, 8 - letThrough, statuses.join(','));
      for (const refused of pages.filter((p) => p.status === 429)) {
        assert.ok(Number(refused.headers.get('retry-after')) >= 1);
        assert.match(await refused.text(), /^Too many requests from this partner user/);
      }
      // Every token the pages left is spent by now (at most 3 let through): the JSON route is refused too.
      const json = await s.request('GET', '/sandbox/mail', { auth: BASIC_A });
      assert.equal(json.status, 429, json.text);
    } finally {
      await s.close();
    }
  });
});
