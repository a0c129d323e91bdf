/**
 * Issue 18 end to end, with real parts: a legacy export written by an independent Python
 * program, imported by the real `ams import` (a child process) into SQLite and PostgreSQL, then
 * checked over SOAP on a real socket; a re-run, a cut-over delta, and `ams export` from SQLite
 * imported into PostgreSQL with every account still signing in.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { listenTestApp, startTestApp, type TestApp } from '../support/harness.js';
import { createTestDatabase, POSTGRES_TEST_URL } from '../support/test-database.js';
import { ams, counts, legacyExport, soap, type LegacyFacts } from './import-support.js';

interface Target {
  readonly engine: 'sqlite' | 'postgres';
  readonly url: string;
  drop(): Promise<void>;
}

async function freshTarget(engine: 'sqlite' | 'postgres'): Promise<Target> {
  if (engine === 'postgres') {
    const db = await createTestDatabase();
    return { engine, url: db.url, drop: db.drop };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-import-'));
  return { engine, url: path.join(dir, 'ams.sqlite'), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const ENGINES: ('sqlite' | 'postgres')[] = POSTGRES_TEST_URL ? ['sqlite', 'postgres'] : ['sqlite'];

async function serving(target: Target): Promise<{ t: TestApp; url: string; stop(): Promise<void> }> {
  const t = await startTestApp({ empty: true, env: { AMS_DATABASE_URL: target.url } });
  const server = await listenTestApp(t);
  return {
    t,
    url: server.url,
    async stop() {
      await server.close(5_000);
      await t.app.close();
      fs.rmSync(t.dir, { recursive: true, force: true });
    },
  };
}

/** Every account signs in with its password and not with a wrong one; `none` never does. */
async function everyoneSignsIn(url: string, facts: LegacyFacts): Promise<void> {
  const partner = facts.partners[0]!;
  const auth = { user: partner.username, password: partner.secret };
  await Promise.all(
    facts.accounts.map(async (a) => {
      assert.equal(await soap(url, 'Authenticate', { userName: a.username, password: `${a.password}!` }, auth), 'InvalidAccountCredentials', `${a.format} wrong`);
      const expected = a.format === 'none' ? 'InvalidAccountCredentials' : 'Success';
      assert.equal(await soap(url, 'Authenticate', { userName: a.username, password: a.password }, auth), expected, `${a.format} ${a.username.slice(0, 20)}`);
    }),
  );
}

for (const engine of ENGINES) {
  test(`legacy export into ${engine}: SOAP sign-ins, hash upgrade, re-run, delta`, { timeout: 300_000 }, async () => {
    const { dir, facts } = legacyExport(24);
    const target = await freshTarget(engine);
    try {
      const first = await ams(['import', dir], target.url);
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.deepEqual(counts(first.stdout, 'accounts.csv'), { new: 24, unchanged: 0, updated: 0, kept: 0, rejected: 0, warnings: 5 });
      assert.deepEqual(counts(first.stdout, 'entities.csv').new, 3);
      assert.deepEqual(counts(first.stdout, 'partner-users.csv').new, 3);
      assert.doesNotMatch(first.stdout + first.stderr, new RegExp(facts.accounts.find((a) => a.format === 'clear')!.password), 'a clear password is never shown');

      const svc = await serving(target);
      const db = svc.t.app.store.db;
      try {
        // Every partner user signs in with its legacy secret (HMACSHA256, Identity v3, bcrypt).
        for (const p of facts.partners) {
          assert.equal(await soap(svc.url, 'Authenticate', { userName: facts.accounts[0]!.username, password: 'wrong' }, { user: p.username, password: p.secret }), 'InvalidAccountCredentials', p.format);
          assert.equal(await soap(svc.url, 'Authenticate', { userName: 'x', password: 'y' }, { user: p.username, password: `${p.secret}x` }), 'InvalidSoapCredentials', p.format);
        }
        const secrets = await db.selectFrom('partner_users').select(['username', 'secret_hash']).execute();
        for (const s of secrets) assert.match(s.secret_hash, /^\$argon2id\$/, `partner ${s.username} upgraded`);

        await everyoneSignsIn(svc.url, facts);
        const hashes = await db.selectFrom('accounts').select(['username', 'password_hash']).execute();
        for (const a of facts.accounts) {
          const stored = hashes.find((h) => h.username === a.username)!.password_hash;
          if (a.format === 'none') assert.match(stored, /^\$legacy-none\$/);
          else assert.match(stored, /^\$argon2id\$/, `${a.format} upgraded after the first sign-in`);
        }
        const audit = await db.selectFrom('audit_log').select(['outcome', 'account_username']).where('outcome', 'like', 'hash upgraded from %').execute();
        const upgradedFormats = new Set(audit.map((e) => e.outcome.slice('hash upgraded from '.length)));
        assert.deepEqual([...upgradedFormats].sort(), ['aspnet-identity-v2', 'aspnet-identity-v3', 'bcrypt', 'membership-hmacsha256', 'membership-sha1', 'membership-sha256']);
        // Signed in again: the Argon2id hash verifies; no second upgrade.
        await everyoneSignsIn(svc.url, facts);
        assert.equal((await db.selectFrom('audit_log').select('id').where('outcome', 'like', 'hash upgraded from %').execute()).length, audit.length, "no second upgrade");

        const auth = { user: facts.partners[0]!.username, password: facts.partners[0]!.secret };
        // TargetEntityId with a legacy entity id.
        assert.equal(
          await soap(svc.url, 'CreateAccountBySize', { TargetEntityId: 7002, Username: 'new-under-legacy', Password: 'Str0ng-passw0rd', AccountSizeMB: 100, FullName: 'N', Email: 'n@example.com', IsUltrasafe: false, DisableEmailsNotification: true }, auth),
          'Success',
        );
        // A legacy partner licence key places the account in its entity.
        const key = facts.licenseKeys[0]!;
        assert.equal(
          await soap(svc.url, 'CreateAccountByPartnerLicenseKey', { firstName: 'K', userName: 'by-legacy-key', password: 'Str0ng-passw0rd', email: 'k@example.com', licenseKey: 'L', partnerLicenseKey: key.key, localeCode: 'en', isUltraSafe: false, secretQuestion: '', answer: '' }, auth),
          'Success',
        );
        const placed = await db.selectFrom('accounts').select(['username', 'entity_id']).where('username', 'in', ['new-under-legacy', 'by-legacy-key']).orderBy('username').execute();
        assert.deepEqual(placed.map((r) => [r.username, Number(r.entity_id)]), [['by-legacy-key', key.entityId], ['new-under-legacy', 7002]]);
        // New entities number after the legacy ids (PostgreSQL's sequence was moved past them).
        const { id } = await db.insertInto('entities').values({ parent_id: 7001, name: 'After import', active: 1, customer_type_code: '', created_at: Date.now() }).returning('id').executeTakeFirstOrThrow();
        assert.ok(Number(id) > 7003);

        // The same folder again: everything unchanged (hash upgrades are not changes).
        const again = await ams(['import', dir], target.url);
        assert.equal(again.code, 0, again.stdout + again.stderr);
        for (const file of ['entities.csv', 'partner-users.csv', 'partner-license-keys.csv', 'accounts.csv']) {
          const c = counts(again.stdout, file);
          assert.equal(c.new! + c.updated! + c.kept! + c.rejected!, 0, `${file} again: ${again.stdout}`);
        }

        // A cut-over delta: one account renamed in full, one reset through AMS meanwhile and changed in the file, one new.
        const [renamed, reset] = [facts.accounts[0]!, facts.accounts[1]!];
        assert.equal(await soap(svc.url, 'ChangeBackupAccountPassword', { Username: reset.username, NewPassword: 'Reset-in-AMS-1', SendEmailToCustomer: false }, auth), 'Success');
        const file = path.join(dir, 'accounts.csv');
        const rows = parse(fs.readFileSync(file), { columns: true, bom: true }) as Record<string, string>[];
        rows[0]!.full_name = 'Renamed In Legacy';
        rows[1]!.email = 'stale@example.com';
        rows.push({ ...rows[2]!, username: 'delta-newcomer', license_key: 'LK-new' });
        fs.writeFileSync(file, stringify(rows, { header: true }));
        const delta = await ams(['import', dir], target.url);
        assert.equal(delta.code, 0, delta.stdout + delta.stderr);
        const c = counts(delta.stdout, 'accounts.csv');
        assert.deepEqual([c.new, c.updated, c.kept, c.rejected, c.unchanged], [1, 1, 1, 0, 22], delta.stdout);
        assert.match(delta.stdout, /accounts\.csv:3: warning: account "o'brien 1" was changed through AMS since it was imported: AMS's version kept/);
        const after = await db.selectFrom('accounts').select(['username', 'full_name', 'email', 'password_hash']).where('username', 'in', [renamed.username, reset.username]).execute();
        assert.equal(after.find((r) => r.username === renamed.username)!.full_name, 'Renamed In Legacy');
        assert.match(after.find((r) => r.username === renamed.username)!.password_hash, /^\$argon2id\$/, 'the upgraded hash survives the delta');
        assert.notEqual(after.find((r) => r.username === reset.username)!.email, 'stale@example.com');
        assert.equal(await soap(svc.url, 'Authenticate', { userName: reset.username, password: 'Reset-in-AMS-1' }, auth), 'Success', 'the AMS reset is not reverted');
        assert.equal(await soap(svc.url, 'Authenticate', { userName: renamed.username, password: renamed.password }, auth), 'Success');
        assert.equal(await soap(svc.url, 'Authenticate', { userName: 'delta-newcomer', password: facts.accounts[2]!.password }, auth), 'Success');
      } finally {
        await svc.stop();
      }
    } finally {
      await target.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
