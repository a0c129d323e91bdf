/**
 * Issue 18, the hard cases with real parts: a dry run over a folder with planted errors (the
 * report names each `file:line: reason`, nothing changes), --strict, a SIGKILL in the middle of
 * an import and a re-run (no duplicate, no half-imported account), and `ams export` from SQLite
 * imported into PostgreSQL with every account still signing in over SOAP.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { listenTestApp, startTestApp } from '../support/harness.js';
import { waitFor } from '../support/wait-for.js';
import { createTestDatabase, POSTGRES_TEST_URL } from '../support/test-database.js';
import { ams, amsChild, counts, legacyExport, soap } from './import-support.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ams-import-robust-'));
}

function sqliteCounts(file: string): { accounts: number; ledger: number; distinctKeys: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const one = (q: string): number => (db.prepare(q).get() as { n: number }).n;
    return {
      accounts: one('SELECT COUNT(*) AS n FROM accounts'),
      ledger: one("SELECT COUNT(*) AS n FROM import_ledger WHERE kind = 'account'"),
      distinctKeys: one('SELECT COUNT(DISTINCT username_key) AS n FROM accounts'),
    };
  } finally {
    db.close();
  }
}

const ACCOUNT_HEADER =
  'entity_id,username,password_hash,hash_format,salt,full_name,email,quota_mb,ultrasafe,status,backup_server,license_key,locale_code,secret_question,answer_hash,answer_hash_format,answer_salt,emails_disabled,signup_utc,cancel_utc,last_signin_utc,payment_plan_id';
const SHA1 = Buffer.alloc(20, 7).toString('base64');
const SALT = Buffer.alloc(16, 3).toString('base64');
const account = (entity: string, name: string, extra: Partial<Record<'hash' | 'format' | 'full' | 'quota' | 'signup', string>> = {}): string =>
  [entity, name, extra.hash ?? SHA1, extra.format ?? 'membership-sha1', SALT, extra.full ?? 'Full Name', 'a@example.com', extra.quota ?? '100', '0', 'Active', 'backup-1', '', 'en', '', '', '', '', '0', extra.signup ?? '2015-03-01 12:00:00.000', '', '', '0'].join(',');

function plantedErrors(dir: string): void {
  fs.writeFileSync(
    path.join(dir, 'entities.csv'),
    ['id,parent_id,name,customer_type_code,active', '10,,Root,,1', '11,10,Child,,yes', '12,99,Orphan,,1', '13,14,Cycle A,,1', '14,13,Cycle B,,1', ''].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'partner-users.csv'), 'entity_id,username,secret_hash,hash_format\n10,p,x,clear\n');
  fs.writeFileSync(
    path.join(dir, 'accounts.csv'),
    [
      ACCOUNT_HEADER,
      account('10', 'good.one'), // 2
      account('10', 'Good.One'), // 3: case-only duplicate of line 2
      account('10', 'bad-format', { format: 'md5' }), // 4
      account('77', 'no-entity'), // 5
      account('10', 'bad-time', { signup: '2015-02-30 10:00:00' }), // 6
      account('10', '"multi', { full: '"Line one\nline two"' }).replace('"multi', 'multi-line'), // 7-8: a quoted field over two lines (a name may not break lines)
      account('10', 'bad-quota', { quota: '-5' }), // 9
      account('10', 'short-v2', { format: 'aspnet-identity-v2', hash: 'AAAA' }).replace(SALT, ''), // 10
      account('10', 'x'.repeat(257)), // 11
      account('10', 'after-all-that'), // 12
      '',
    ].join('\r\n'),
  );
}

test('a dry run over planted errors reports each file:line: reason and changes nothing; --strict imports nothing', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const dbFile = path.join(tempDir(), 'ams.sqlite');
  try {
    plantedErrors(dir);
    const dry = await ams(['import', dir, '--dry-run'], dbFile);
    assert.equal(dry.code, 1, dry.stdout + dry.stderr);
    const out = dry.stdout;
    assert.match(out, /^dry run: nothing was changed/);
    for (const expected of [
      'entities.csv:3: active must be 1, 0, true or false (got "yes")',
      'entities.csv:4: parent_id 99 does not exist (neither in AMS nor accepted from entities.csv)',
      'entities.csv:5: the entity is on a parent_id cycle',
      'entities.csv:6: the entity is on a parent_id cycle',
      'partner-users.csv:1: the header must name the columns entity_id,username,secret_hash,hash_format,salt,active (missing: salt, active); the file was not read',
      'accounts.csv:3: the same user name (compared regardless of case) as line 2',
      'accounts.csv:4: hash_format "md5" is not a known format',
      'accounts.csv:5: entity_id 77 does not exist',
      'accounts.csv:6: signup_utc is not a real time (got "2015-02-30 10:00:00")',
      'accounts.csv:7: full_name contains a control character',
      // Counted from where each record starts: the two-line record above does not shift this one.
      'accounts.csv:9: quota_mb must be between 0 and',
      'accounts.csv:10: password_hash: not an ASP.NET Identity v2 hash',
      'accounts.csv:11: username is 257 characters long; at most 256 are allowed',
    ]) {
      assert.ok(out.includes(expected), `missing ${JSON.stringify(expected)} in:\n${out}`);
    }
    assert.deepEqual(counts(out, 'entities.csv'), { new: 1, unchanged: 0, updated: 0, kept: 0, rejected: 4, warnings: 0 });
    // Lines 2 and 12 are fine.
    assert.deepEqual(counts(out, 'accounts.csv'), { new: 2, unchanged: 0, updated: 0, kept: 0, rejected: 8, warnings: 0 }, out);
    assert.match(out, /\n13 rows rejected\n/);
    assert.equal(sqliteCounts(dbFile).accounts, 0, 'a dry run writes nothing');

    const strict = await ams(['import', dir, '--strict'], dbFile);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /--strict: nothing imported, because rows were rejected/);
    assert.equal(sqliteCounts(dbFile).accounts, 0);

    const real = await ams(['import', dir], dbFile);
    assert.equal(real.code, 1, 'rows were rejected');
    assert.equal(sqliteCounts(dbFile).accounts, 2, 'the valid rows are imported');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.dirname(dbFile), { recursive: true, force: true });
  }
});

test('the documented example folder imports without a rejected row', { timeout: 120_000 }, async () => {
  const dbFile = path.join(tempDir(), 'ams.sqlite');
  try {
    const example = path.resolve(import.meta.dirname, '../../docs/examples/legacy-export');
    const dry = await ams(['import', example, '--dry-run'], dbFile);
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.deepEqual(counts(dry.stdout, 'accounts.csv'), { new: 8, unchanged: 0, updated: 0, kept: 0, rejected: 0, warnings: 2 });
  } finally {
    fs.rmSync(path.dirname(dbFile), { recursive: true, force: true });
  }
});

test('SIGKILL in the middle of an import, then a re-run: whole batches only, no duplicates, everything in the end', { timeout: 300_000 }, async () => {
  const total = 6000;
  const { dir } = legacyExport(total, { formats: ['membership-sha1', 'membership-sha256', 'membership-hmacsha256', 'none'] });
  const dbFile = path.join(tempDir(), 'ams.sqlite');
  try {
    const child = amsChild(['import', dir, '--batch-size', '50'], dbFile);
    const exited = once(child, 'exit');
    // Kill it once some batches are committed (the moment is another process's: waitFor polls for it).
    await waitFor(
      () => {
        try {
          return sqliteCounts(dbFile).accounts > 0;
        } catch {
          return false; // the database or its tables do not exist yet
        }
      },
      40_000,
      'the first committed batch',
    );
    child.kill('SIGKILL');
    const [code, signal] = (await exited) as [number | null, string | null];
    assert.equal(signal, 'SIGKILL', `the import finished before it could be killed (exit ${code})`);
    const mid = sqliteCounts(dbFile);
    assert.ok(mid.accounts > 0 && mid.accounts < total, `killed mid-way (${mid.accounts} of ${total})`);
    assert.equal(mid.accounts % 50, 0, 'only whole batches are committed');
    assert.equal(mid.ledger, mid.accounts, 'every account has its ledger row: none is half-imported');

    const rerun = await ams(['import', dir, '--batch-size', '50'], dbFile);
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    const c = counts(rerun.stdout, 'accounts.csv');
    assert.equal(c.unchanged, mid.accounts);
    assert.equal(c.new, total - mid.accounts);
    const end = sqliteCounts(dbFile);
    assert.deepEqual(end, { accounts: total, ledger: total, distinctKeys: total });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.dirname(dbFile), { recursive: true, force: true });
  }
});

test('ams export from SQLite, ams import into PostgreSQL: every account still signs in', { timeout: 300_000, skip: POSTGRES_TEST_URL ? false : 'needs AMS_TEST_DATABASE_URL' }, async () => {
  const { dir, facts } = legacyExport(16, { seed: 5 });
  const sqliteFile = path.join(tempDir(), 'ams.sqlite');
  const exported = path.join(tempDir(), 'export');
  const pg = await createTestDatabase();
  const partner = facts.partners[0]!;
  const auth = { user: partner.username, password: partner.secret };
  try {
    assert.equal((await ams(['import', dir], sqliteFile)).code, 0);
    // On SQLite: half the accounts sign in (their hashes become Argon2id), one is reset through AMS.
    const source = await startTestApp({ empty: true, env: { AMS_DATABASE_URL: sqliteFile } });
    const sourceServer = await listenTestApp(source);
    for (const a of facts.accounts.slice(0, 8)) await soap(sourceServer.url, 'Authenticate', { userName: a.username, password: a.password }, auth);
    const reset = facts.accounts[9]!;
    assert.equal(await soap(sourceServer.url, 'ChangeBackupAccountPassword', { Username: reset.username, NewPassword: 'Moved-and-reset-1', SendEmailToCustomer: false }, auth), 'Success');
    await sourceServer.close(5_000);
    await source.app.close();

    const out = await ams(['export', exported], sqliteFile);
    assert.equal(out.code, 0, out.stderr);
    assert.match(fs.readFileSync(path.join(exported, 'accounts.csv'), 'utf8'), /,argon2id,/);
    assert.match(fs.readFileSync(path.join(exported, 'partner-license-keys.csv'), 'utf8'), /,sha256:[0-9a-f]{64}/);
    const moved = await ams(['import', exported], pg.url);
    assert.equal(moved.code, 0, moved.stdout + moved.stderr);
    assert.equal(counts(moved.stdout, 'accounts.csv').new, 16);

    const target = await startTestApp({ empty: true, env: { AMS_DATABASE_URL: pg.url } });
    const server = await listenTestApp(target);
    try {
      for (const a of facts.accounts) {
        const password = a === reset ? 'Moved-and-reset-1' : a.password;
        const expected = a.format === 'none' && a !== reset ? 'InvalidAccountCredentials' : 'Success';
        assert.equal(await soap(server.url, 'Authenticate', { userName: a.username, password }, auth), expected, `${a.format} ${a.username.slice(0, 20)}`);
        assert.equal(await soap(server.url, 'Authenticate', { userName: a.username, password: `${password}?` }, auth), 'InvalidAccountCredentials');
      }
      for (const p of facts.partners) assert.notEqual(await soap(server.url, 'Authenticate', { userName: 'x', password: 'y' }, { user: p.username, password: p.secret }), 'InvalidSoapCredentials');
      const key = facts.licenseKeys[0]!;
      assert.equal(
        await soap(server.url, 'CreateAccountByPartnerLicenseKey', { firstName: 'K', userName: 'moved-key', password: 'Str0ng-passw0rd', email: 'k@example.com', licenseKey: 'L', partnerLicenseKey: key.key, localeCode: 'en', isUltraSafe: false, secretQuestion: '', answer: '' }, auth),
        'Success',
        'the licence key, exported as its digest, still works',
      );
    } finally {
      await server.close(5_000);
      await target.app.close();
      fs.rmSync(target.dir, { recursive: true, force: true });
    }
  } finally {
    await pg.drop();
    for (const d of [dir, path.dirname(sqliteFile), path.dirname(exported)]) fs.rmSync(d, { recursive: true, force: true });
  }
});
