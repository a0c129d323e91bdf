/**
 * Issue 21 on both engines, in process: a sandbox app with its real capturing transport. Two
 * partners cause mail over SOAP; each reads only its own tree's, rendered exactly as the
 * customer would have received it. Seed makes GetAccountUsedSpaceBySystem and GetAccountPayments
 * answer data; reset empties one partner's tree and leaves the other's as it was. A production
 * database refuses all of it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { RESELLER_A_SECRET, RESELLER_B_SECRET, PROVIDER_SECRET, listenTestApp, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';
import { waitFor } from '../support/wait-for.js';
import { POSTGRES_TEST_URL, createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { parseXml, type XmlElement } from '../../src/xml/reader.js';
import { sandboxStore } from '../../src/store/repositories/sandbox.js';
import { listCapturedMail, readCapturedMail, resetSandboxTree, seedSandboxAccounts, type SeedDeps } from '../../src/domain/sandbox/sandbox.js';
import type { Caller } from '../../src/domain/ports.js';
import { renderNotification } from '../../src/mail/templates.js';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';
import { issueApiKey } from '../../src/security/api-keys.js';

const A = { user: 'reseller-a', password: RESELLER_A_SECRET };
const B = { user: 'reseller-b', password: RESELLER_B_SECRET };
const PROVIDER: Caller = { userId: 1, username: 'provider', entityId: 1 };
const CALLER_A: Caller = { userId: 2, username: 'reseller-a', entityId: 2 };
const CALLER_B: Caller = { userId: 3, username: 'reseller-b', entityId: 4 };
const BRANDING = { providerName: 'Online Backup', supportEmail: 'support@localhost', defaultLanguage: 'en' } as const;

const ENGINES: readonly ('sqlite' | 'postgres')[] = POSTGRES_TEST_URL ? ['sqlite', 'postgres'] : ['sqlite'];

function count(root: XmlElement | undefined, local: string): number {
  if (!root) return 0;
  return (root.local === local ? 1 : 0) + root.children.reduce((n, c) => n + count(c, local), 0);
}

async function createAccount(t: TestApp, who: typeof A, entityId: number, username: string): Promise<string | undefined> {
  const r = await call(
    t,
    'CreateAccountBySize',
    { TargetEntityId: entityId, Username: username, Password: `${username}-password-1`, AccountSizeMB: 10240, FullName: `${username} Sample`, Email: `${username}@example.com`, IsUltrasafe: false, DisableEmailsNotification: false },
    who,
  );
  return r.code;
}

async function rows(t: TestApp, table: 'accounts' | 'sandbox_mail' | 'partner_users' | 'entities' | 'account_usage' | 'account_payments', where = sql`1 = 1`): Promise<number> {
  const r = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM ${sql.table(table)} WHERE ${where}`.execute(t.app.store.db);
  return Number(r.rows[0]?.n ?? 0);
}

for (const engine of ENGINES) {
  describe(`sandbox data on ${engine}`, () => {
    let sandbox: TestApp;
    let production: TestApp;
    const databases: TestDatabase[] = [];
    const databaseEnv = async (): Promise<Record<string, string>> => {
      if (engine === 'sqlite') return {};
      const db = await createTestDatabase();
      databases.push(db);
      return { AMS_DATABASE_URL: db.url };
    };
    const seedDeps = (): SeedDeps => ({
      store: sandboxStore(sandbox.app.store.db),
      hasher: argon2Hasher,
      clock: { now: () => new Date() },
      newTag: () => randomBytes(3).toString('hex'),
      newSecret: () => randomBytes(18).toString('base64url'),
    });

    before(async () => {
      // The sandbox's own transport ('configured'); an SMTP URL it must ignore.
      sandbox = await startTestApp({ transport: 'configured', env: { AMS_SANDBOX: 'true', AMS_SMTP_URL: 'smtp://127.0.0.1:9', ...(await databaseEnv()) } });
      sandbox.app.mailWorker.start();
      production = await startTestApp({ env: await databaseEnv() });
    });
    after(async () => {
      await sandbox?.close();
      await production?.close();
      for (const db of databases) await db.drop();
    });

    it('says at start that it ignores AMS_SMTP_URL and captures instead', () => {
      const said = sandbox.logLines.filter((l) => l.includes('AMS_SMTP_URL is ignored'));
      assert.equal(said.length, 1, sandbox.logLines.join('\n'));
    });

    it("captures each notification, rendered as sent, for the partner whose tree it concerns and no other", async () => {
      assert.equal(await createAccount(sandbox, A, 3, 'carol'), 'Success');
      assert.equal(await createAccount(sandbox, B, 4, 'dave'), 'Success');
      const changed = await call(sandbox, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'alice-new-password-2', SendEmailToCustomer: true }, A);
      assert.equal(changed.code, 'Success');
      await waitFor(async () => (await rows(sandbox, 'sandbox_mail')) === 3, 10_000, 'three captured messages');

      const store = sandboxStore(sandbox.app.store.db);
      const seenByA = await listCapturedMail(store, CALLER_A);
      const seenByB = await listCapturedMail(store, CALLER_B);
      const seenByProvider = await listCapturedMail(store, PROVIDER);
      assert.ok(seenByA.ok && seenByB.ok && seenByProvider.ok);
      assert.deepEqual(seenByA.value.map((m) => m.accountUsername).sort(), ['alice', 'carol']);
      assert.deepEqual(seenByB.value.map((m) => m.accountUsername), ['dave']);
      assert.equal(seenByProvider.value.length, 3, 'the root partner sees its whole tree');

      const daveId = seenByB.value[0]!.id;
      assert.match(daveId, /^[0-9a-f]{32}$/);
      assert.equal(await readCapturedMail(store, CALLER_A, daveId), undefined, "another tree's message is not found");
      assert.equal(await readCapturedMail(store, CALLER_B, 'not-an-id'), undefined);
      const dave = await readCapturedMail(store, CALLER_B, daveId);
      const expected = renderNotification('account-created', { username: 'dave', fullName: 'dave Sample', localeCode: '' }, BRANDING);
      assert.equal(dave?.subject, expected.subject);
      assert.equal(dave?.html, expected.html);
      assert.equal(dave?.text, expected.text);
      assert.equal(dave?.to, 'dave@example.com');
      assert.equal(dave?.from, 'Online Backup <no-reply@localhost>');

      const outbox = await sql<{ state: string }>`SELECT state FROM outbox`.execute(sandbox.app.store.db);
      assert.deepEqual(
        outbox.rows.map((r) => r.state),
        ['sent', 'sent', 'sent'],
        'captured counts as delivered: nothing waits to be sent elsewhere',
      );
    });

    it('many /sandbox/mail requests in flight from both partners: every answer holds its own tree only', async () => {
      const server = await listenTestApp(sandbox);
      try {
        const origin = `http://127.0.0.1:${server.port}`;
        const ids = new Map((await sandbox.app.store.db.selectFrom('sandbox_mail').select(['account_username', 'id']).execute()).map((r) => [r.account_username, r.id]));
        const basic = (who: typeof A): string => `Basic ${Buffer.from(`${who.user}:${who.password}`).toString('base64')}`;
        const asks = Array.from({ length: 40 }, (_, i) => {
          const who = i % 2 === 0 ? A : B;
          // Every fourth asks for the other tree's message by its real id.
          const target = i % 4 < 2 ? '/sandbox/mail' : `/sandbox/mail/${ids.get(who === A ? 'dave' : 'carol')}`;
          return { who, target };
        });
        const answers = await Promise.all(
          asks.map(async ({ who, target }) => {
            const r = await fetch(`${origin}${target}`, { headers: { Authorization: basic(who) } });
            return { who, target, status: r.status, body: await r.text() };
          }),
        );
        for (const a of answers) {
          if (a.target !== '/sandbox/mail') {
            assert.equal(a.status, 404, `${a.who.user} ${a.target}`);
            continue;
          }
          assert.equal(a.status, 200);
          const own = a.who === A ? ['alice', 'carol'] : ['dave'];
          const other = a.who === A ? ['dave'] : ['alice', 'carol'];
          for (const name of own) assert.ok(a.body.includes(`<td>${name}</td>`), `${a.who.user} misses ${name}`);
          for (const name of other) assert.ok(!a.body.includes(`<td>${name}</td>`), `${a.who.user} sees ${name}`);
        }
      } finally {
        await server.close();
      }
    });

    it('/sandbox/mail takes an API key too: as Bearer, or as the Basic password under its own user name', async () => {
      const server = await listenTestApp(sandbox);
      try {
        const user = await sandbox.app.store.db.selectFrom('partner_users').select('id').where('username', '=', A.user).executeTakeFirstOrThrow();
        const { key } = await issueApiKey(sandbox.app.apiAccess.apiKeys, { partnerUserId: user.id, readOnly: true, expiresInDays: null }, new Date());
        const page = async (authorization: string) => {
          const r = await fetch(`http://127.0.0.1:${server.port}/sandbox/mail`, { headers: { Authorization: authorization } });
          return { status: r.status, body: await r.text() };
        };
        const basic = (name: string, secret: string) => `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}`;
        for (const authorization of [`Bearer ${key}`, basic(A.user, key)]) {
          const answer = await page(authorization);
          assert.equal(answer.status, 200, authorization.slice(0, 6));
          assert.ok(answer.body.includes('<td>carol</td>') && !answer.body.includes('<td>dave</td>'), 'its own tree only');
        }
        // The key under another user's name, a revoked-looking or malformed key: the sign-in prompt.
        for (const authorization of [basic(B.user, key), `Bearer ${key}x`, 'Bearer ams_00000000_nope']) assert.equal((await page(authorization)).status, 401);
      } finally {
        await server.close();
      }
    });

    it('seed: GetAccountUsedSpaceBySystem and GetAccountPayments answer data for the sample accounts', async () => {
      const seeded = await seedSandboxAccounts(seedDeps(), 3, 25);
      assert.ok(seeded.ok, seeded.ok ? '' : seeded.message);
      assert.equal(seeded.value.created, 25);
      for (const username of seeded.value.usernames.slice(0, 4)) {
        const usage = await call(sandbox, 'GetAccountUsedSpaceBySystem', { Username: username }, A);
        assert.equal(usage.code, 'Success');
        assert.ok(count(usage.response.body ? parseXml(usage.response.body) : undefined, 'SystemName') >= 1, `usage of ${username}`);
        const payments = await call(sandbox, 'GetAccountPayments', { userName: username }, A);
        assert.equal(payments.code, 'Success');
        assert.ok(count(payments.response.body ? parseXml(payments.response.body) : undefined, 'PaymentId') >= 1, `payments of ${username}`);
      }
      const outside = await call(sandbox, 'GetAccountPayments', { userName: seeded.value.usernames[0]! }, B);
      assert.notEqual(outside.code, 'Success', "the other partner cannot read the samples");
      const tooMany = await seedSandboxAccounts(seedDeps(), 3, 1001);
      assert.equal(tooMany.ok, false);
      const noEntity = await seedSandboxAccounts(seedDeps(), 999, 1);
      assert.equal(noEntity.ok, false);
    });

    it("reset: the partner's accounts and everything about them go; entities, partner users and the other tree stay", async () => {
      const db = sandbox.app.store.db;
      // An import (issue 18) brought alice and carol (A's tree) and dave (B's), and the partner user;
      // the ledger also names an account deleted long ago, which no tree can claim any more.
      const imported = (kind: string, key: string) => ({ kind, record_key: key, source_digest: 's', state_digest: 't', secret_hash: '', imported_at: 1 });
      await db
        .insertInto('import_ledger')
        .values([imported('account', 'alice'), imported('account', 'carol'), imported('account', 'dave'), imported('partner-user', 'reseller-a'), imported('account', 'deleted-long-ago')])
        .execute();
      // A wrong secret for each partner: failure windows by source and by name, as an attacker's guess leaves them.
      for (const who of [A, B]) assert.equal((await call(sandbox, 'GetAccountPayments', { userName: 'alice' }, { user: who.user, password: 'not-the-secret-1' })).code, 'InvalidSoapCredentials');
      const limits = async () => ({
        buckets: await db.selectFrom('partner_rate_buckets').selectAll().orderBy('partner_user_id').execute(),
        windows: await db.selectFrom('auth_failure_windows').selectAll().orderBy('throttle_key').execute(),
      });
      const limitsBefore = await limits();
      assert.ok(limitsBefore.buckets.length >= 2 && limitsBefore.windows.length >= 2, JSON.stringify(limitsBefore));
      const before = { entities: await rows(sandbox, 'entities'), partnerUsers: await rows(sandbox, 'partner_users'), bTree: await rows(sandbox, 'accounts', sql`entity_id = 4`) };
      // Through the app's use cases, as the JSON route will: the caller's own tree.
      const reset = await sandbox.app.sandbox!.reset(CALLER_A);
      assert.ok(reset.ok);
      assert.equal(reset.value.importLedgerRows, 2, 'the ledger rows of alice and carol');
      const ledger = await db.selectFrom('import_ledger').select(['kind', 'record_key']).orderBy('record_key').execute();
      assert.deepEqual(
        ledger.map((r) => `${r.kind}:${r.record_key}`),
        ['account:dave', 'account:deleted-long-ago', 'partner-user:reseller-a'],
        "B's account and the records a reset keeps stay in the ledger",
      );
      // Neither partner's rate nor any failure throttle is reset: a reset is no way around a limit.
      assert.deepEqual(await limits(), limitsBefore);
      assert.equal(reset.value.accounts, 3 + 1 + 25, 'alice, ultra, gone, carol and the 25 samples');
      assert.equal(reset.value.capturedMail, 2);
      assert.ok(reset.value.usage > 0 && reset.value.payments > 0 && reset.value.auditRows > 0);
      assert.equal(await rows(sandbox, 'accounts', sql`entity_id IN (2, 3)`), 0);
      assert.equal(await rows(sandbox, 'account_usage'), 0);
      assert.equal(await rows(sandbox, 'account_payments'), 0);
      assert.equal(await rows(sandbox, 'entities'), before.entities);
      assert.equal(await rows(sandbox, 'partner_users'), before.partnerUsers);
      assert.equal(await rows(sandbox, 'accounts', sql`entity_id = 4`), before.bTree, "reseller B's accounts untouched");
      assert.equal(await rows(sandbox, 'sandbox_mail', sql`entity_id = 4`), 1, "reseller B's mail untouched");
      const store = sandboxStore(sandbox.app.store.db);
      const listed = await listCapturedMail(store, CALLER_A);
      assert.ok(listed.ok);
      assert.equal(listed.value.length, 0);

      // The partner signs in as before and starts over with the same names.
      const all = await call(sandbox, 'GetAllAccounts', { CustomerTypeCode: '' }, A);
      assert.equal(all.code ?? all.text('Result'), 'Success');
      assert.equal(await createAccount(sandbox, A, 3, 'carol'), 'Success');
      assert.equal(await createAccount(sandbox, { user: 'provider', password: PROVIDER_SECRET }, 3, 'alice'), 'Success');
    });

    it('a production database refuses reset, seed and the mail list', async () => {
      const store = sandboxStore(production.app.store.db);
      assert.equal(production.app.sandbox, undefined, 'no sandbox use cases outside sandbox mode');
      const reset = await resetSandboxTree(store, 2);
      assert.equal(reset.ok, false);
      assert.equal(reset.ok ? '' : reset.reason, 'not-sandbox');
      const seeded = await seedSandboxAccounts({ ...seedDeps(), store }, 2, 1);
      assert.equal(seeded.ok ? '' : seeded.reason, 'not-sandbox');
      assert.equal((await listCapturedMail(store, CALLER_A)).ok, false);
      assert.equal(await rows(production, 'accounts', sql`entity_id IN (2, 3)`), 3);
    });
  });
}
