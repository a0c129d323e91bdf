/**
 * The operator's feeds, run as real `ams` processes on a real seeded SQLite file: usage and
 * payments imports (all lines or none, every bad line reported), `account show` (never a
 * hash), `license-key create` (only the digest stored). State is read back from the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, seededTemplate } from '../support/harness.js';
import { openStore, parseDatabaseUrl } from '../../src/store/create-db.js';
import { digestToken } from '../../src/security/tokens.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function ams(dbFile: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/cli/run-cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, AMS_DATABASE_URL: dbFile, AMS_LOG_LEVEL: 'error' },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A seeded database file of its own (alice, ultra, gone in entity 3; bob in entity 4), app closed. */
async function seededFile(): Promise<{ file: string; dir: string }> {
  const t = await startTestApp({ template: await seededTemplate() });
  await t.app.close();
  return { file: path.join(t.dir, 'ams.sqlite'), dir: t.dir };
}

async function withDb<T>(file: string, work: (db: ReturnType<typeof openStore>['db']) => Promise<T>): Promise<T> {
  const store = openStore(parseDatabaseUrl(file));
  try {
    return await work(store.db);
  } finally {
    await store.close();
  }
}

/** Everything an import may touch, for before/after comparisons. */
function snapshot(file: string) {
  return withDb(file, async (db) => ({
    usage: await db.selectFrom('account_usage').selectAll().orderBy('account_id').orderBy('system_name').execute(),
    payments: await db.selectFrom('account_payments').selectAll().orderBy('id').execute(),
    accounts: await db.selectFrom('accounts').select(['id', 'used_space_kb', 'updated_at']).orderBy('id').execute(),
  }));
}

const usedSpace = (file: string, username: string) =>
  withDb(file, async (db) => (await db.selectFrom('accounts').select('used_space_kb').where('username', '=', username).executeTakeFirstOrThrow()).used_space_kb);

describe('ams usage import', () => {
  let file = '';
  let dir = '';
  const csv = (name: string, text: string): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  before(async () => ({ file, dir } = await seededFile()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('imports a good file (header, CRLF, a quoted name with a comma, any-case user names) and sums used space', async () => {
    const good = csv('usage.csv', 'Account,System,Device_Type,Used_KB\r\nalice,"Laptop, home",Windows,1000\r\nALICE,server-1,Linux,2500\r\nbob,desk,macOS,42\r\n');
    const r = ams(file, 'usage', 'import', good);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /imported 3 usage rows; used space updated for 2 accounts/);
    const { usage } = await snapshot(file);
    assert.deepEqual(
      usage.map((u) => [u.system_name, u.device_type, u.used_kb]),
      [
        ['Laptop, home', 'Windows', 1000],
        ['server-1', 'Linux', 2500],
        ['desk', 'macOS', 42],
      ],
    );
    assert.equal(await usedSpace(file, 'alice'), 3500);
    assert.equal(await usedSpace(file, 'bob'), 42);
    assert.equal(await usedSpace(file, 'ultra'), 123456, 'accounts not in the file keep their figure');
  });

  it('updates on re-import instead of adding rows, keeping systems absent from the file', async () => {
    const again = csv('usage2.csv', 'alice,server-1,Linux Server,500\n');
    const r = ams(file, 'usage', 'import', again);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /imported 1 usage row; used space updated for 1 account\b/);
    const alice = (await snapshot(file)).usage.filter((u) => u.system_name === 'server-1' || u.system_name === 'Laptop, home');
    assert.equal(alice.length, 2, 'still two systems for alice');
    assert.deepEqual(
      alice.map((u) => [u.system_name, u.device_type, u.used_kb]),
      [
        ['Laptop, home', 'Windows', 1000],
        ['server-1', 'Linux Server', 500],
      ],
    );
    assert.equal(await usedSpace(file, 'alice'), 1500);
  });

  it('reports every bad line with its number and imports nothing', async () => {
    const before = await snapshot(file);
    const bad = csv('bad.csv', 'alice,sys-a,Windows,10\nnobody,sys-b,Windows,10\nbob,sys-c,Windows\nbob,sys-d,Windows,-5\n');
    const r = ams(file, 'usage', 'import', bad);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.csv:2: unknown account "nobody"/);
    assert.match(r.stderr, /bad\.csv:3: expected 4 columns \(account, system, device_type, used_kb\), found 3/);
    assert.match(r.stderr, /bad\.csv:4: used_kb must be a whole number of KB, 0 or more \(got "-5"\)/);
    assert.match(r.stderr, /nothing imported: 3 problems on 3 lines/);
    assert.doesNotMatch(r.stderr, /bad\.csv:1:/, 'the good line is not reported');
    assert.deepEqual(await snapshot(file), before, 'the good line was not imported either');
  });

  it('reports duplicates, empty and over-long system names, quoting errors and huge numbers', async () => {
    const before = await snapshot(file);
    const text = [
      'alice,dup,Windows,1', // 1
      'Alice,dup,Windows,2', // 2: same account (any case) and system as line 1
      'bob,,Windows,3', // 3
      `bob,${'x'.repeat(101)},Windows,4`, // 4
      'bob,"ok",Windows,9007199254740992', // 5: 2^53
      'bob,so"rt,Windows,6', // 6
      'bob,"multi', // 7: a quoted field spanning lines (no line breaks in a system name)…
      'line",Windows,1.5', // 8: …reported on the line it starts on, with both its problems
      'bob,"never closed,Windows,7', // 9
    ].join('\n');
    const r = ams(file, 'usage', 'import', csv('bad2.csv', text));
    assert.equal(r.status, 1);
    const reported = [...r.stderr.matchAll(/bad2\.csv:(\d+): (.*)/g)].map((m) => [Number(m[1]), m[2]]);
    assert.deepEqual(
      reported.map(([line]) => line),
      [2, 3, 4, 5, 6, 7, 7, 9],
    );
    assert.match(r.stderr, /:2: account and system repeat line 1/);
    assert.match(r.stderr, /:3: system is empty/);
    assert.match(r.stderr, /:4: system is 101 characters long; at most 100 are allowed/);
    assert.match(r.stderr, /:5: used_kb 9007199254740992 is larger than 9007199254740991/);
    assert.match(r.stderr, /:6: a quote inside an unquoted field/);
    assert.match(r.stderr, /:7: system contains a line break/);
    assert.match(r.stderr, /:7: used_kb must be a whole number/);
    assert.match(r.stderr, /:9: a quoted field is never closed/);
    assert.match(r.stderr, /nothing imported: 8 problems on 7 lines/);
    assert.deepEqual(await snapshot(file), before);
  });

  it('refuses files over the line and size limits before importing anything', async () => {
    const before = await snapshot(file);
    const many = csv('many.csv', 'alice,s,d,1\n'.repeat(1_000_001));
    const r = ams(file, 'usage', 'import', many);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /the file has 1000001 lines; the limit is 1000000/);
    const huge = path.join(dir, 'huge.csv');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 50 * 1024 * 1024 + 1); // sparse: no 50 MB written
    const h = ams(file, 'usage', 'import', huge);
    assert.equal(h.status, 1);
    assert.match(h.stderr, /the file is 52428801 bytes; the limit is 50 MB/);
    assert.deepEqual(await snapshot(file), before);
    assert.equal(ams(file, 'usage', 'import').status, 2, 'no file is a usage error');
    assert.match(ams(file, 'usage', 'import', path.join(dir, 'missing.csv')).stderr, /cannot read .*missing\.csv/);
  });
});

describe('ams payments import', () => {
  let file = '';
  let dir = '';
  before(async () => ({ file, dir } = await seededFile()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('imports dates, exact decimal amounts and quoted descriptions; a re-run adds nothing', async () => {
    const good = path.join(dir, 'payments.csv');
    fs.writeFileSync(
      good,
      [
        'account,date,amount,currency,description',
        'alice,2026-01-15,12.50,EUR,"Plan ""Pro"", January"',
        'alice,2026-01-15T10:30:00+01:00,-3,EUR,',
        'BOB,2025-12-31T23:59:59.5Z,007.1000,USD,"line one',
        'line two"',
        '',
      ].join('\n'),
    );
    const r = ams(file, 'payments', 'import', good);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /imported 3 payments for 2 accounts; 0 already present/);
    const rows = (await snapshot(file)).payments.map((p) => [p.paid_at, p.amount, p.currency, p.description]);
    assert.deepEqual(rows, [
      [Date.UTC(2026, 0, 15), '12.50', 'EUR', 'Plan "Pro", January'],
      [Date.UTC(2026, 0, 15, 9, 30), '-3', 'EUR', ''],
      [Date.UTC(2025, 11, 31, 23, 59, 59, 500), '7.1000', 'USD', 'line one\nline two'],
    ]);
    const again = ams(file, 'payments', 'import', good);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /imported 0 payments for 0 accounts; 3 already present, skipped/);
    assert.equal((await snapshot(file)).payments.length, 3);
  });

  it('reports every bad line and imports nothing', async () => {
    const before = await snapshot(file);
    const bad = path.join(dir, 'bad-payments.csv');
    fs.writeFileSync(
      bad,
      [
        'alice,2026-03-01,1.00,EUR,fine', // 1: good, not imported
        'alice,2026-02-30,1.00,EUR,x', // 2
        'alice,2026-01-15T10:30:00,1.00,EUR,x', // 3
        'alice,2026-01-15,12.345678,EUR,x', // 4
        'alice,2026-01-15,1,eur,x', // 5
        `alice,2026-01-15,1,EUR,${'d'.repeat(501)}`, // 6
        'nobody,2026-01-15,1,EUR,x', // 7
        'alice,2026-03-01,1.00,EUR,fine', // 8: the same payment as line 1
      ].join('\n'),
    );
    const r = ams(file, 'payments', 'import', bad);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /:2: date "2026-02-30" is not a real date/);
    assert.match(r.stderr, /:3: date "2026-01-15T10:30:00" has a time but no zone/);
    assert.match(r.stderr, /:4: amount must be a decimal number/);
    assert.match(r.stderr, /:5: currency must be three upper-case letters/);
    assert.match(r.stderr, /:6: description is 501 characters long; at most 500/);
    assert.match(r.stderr, /:7: unknown account "nobody"/);
    assert.match(r.stderr, /:8: the same payment as line 1/);
    assert.match(r.stderr, /nothing imported: 7 problems on 7 lines/);
    assert.deepEqual(await snapshot(file), before);
  });
});

describe('ams account show', () => {
  let file = '';
  let dir = '';
  before(async () => ({ file, dir } = await seededFile()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints what an operator needs and never a hash', async () => {
    const lockedUntil = Date.now() + 3_600_000;
    const stored = await withDb(file, async (db) => {
      await db
        .updateTable('accounts')
        .set({ secret_answer_hash: '$argon2id$v=19$m=19456,t=2,p=1$SENTINELANSWER', locked_until: lockedUntil, failed_sign_ins: 10, full_name: 'Alice \u001b[31mExample' })
        .where('username', '=', 'alice')
        .execute();
      const account = await db.selectFrom('accounts').select(['id', 'password_hash', 'secret_answer_hash']).where('username', '=', 'alice').executeTakeFirstOrThrow();
      await db.insertInto('account_usage').values({ account_id: account.id, system_name: 'Laptop, home', device_type: 'Windows', used_kb: 777, updated_at: Date.UTC(2026, 0, 1) }).execute();
      await db.insertInto('account_payments').values({ account_id: account.id, paid_at: 1, amount: '1', currency: 'EUR', description: '', created_at: 1 }).execute();
      return account;
    });
    const r = ams(file, 'account', 'show', 'ALICE');
    assert.equal(r.status, 0, r.stderr);
    for (const expected of [
      /User name: +alice$/m,
      /Full name: +Alice \\u001b\[31mExample$/m,
      /E-mail: +alice@example\.com$/m,
      /Entity: +3 Customer A1$/m,
      new RegExp(`Status: +Active \\(Locked until ${new Date(lockedUntil).toISOString().replace(/\./g, '\\.')}\\)$`, 'm'),
      /UltraSafe: +no$/m,
      /Quota MB: +10240$/m,
      /Used KB: +123456$/m,
      /Backup server: +backup-01$/m,
      /Licence key: +LK-0001$/m,
      /Locale: +en-US$/m,
      /Signed up: +2025-01-02T03:04:05\.000Z$/m,
      /Cancelled: +-$/m,
      /Last sign-in: +-$/m,
      /Failed sign-ins: +10$/m,
      /E-mails disabled: +no$/m,
      /Customer type: +SMB$/m,
      /Payment plan: +0$/m,
      /Payments: +1$/m,
      /^ {2}Laptop, home\tWindows\t777 KB\t\(updated 2026-01-01T00:00:00\.000Z\)$/m,
    ]) {
      assert.match(r.stdout, expected);
    }
    assert.ok(!r.stdout.includes('\u001b'), 'control characters are escaped, not sent to the terminal');
    assert.ok(stored.password_hash.length > 20);
    assert.ok(!r.stdout.includes(stored.password_hash) && !r.stderr.includes(stored.password_hash), 'never the password hash');
    assert.ok(!r.stdout.includes('SENTINELANSWER') && !r.stdout.includes('$argon2id$'), 'never the secret answer hash');
  });

  it('shows a cancelled account with its cancel time, and refuses an unknown name', () => {
    const gone = ams(file, 'account', 'show', 'gone');
    assert.equal(gone.status, 0, gone.stderr);
    assert.match(gone.stdout, /Status: +Cancelled$/m);
    assert.match(gone.stdout, /Cancelled: +2025-06-01T00:00:00\.000Z$/m);
    assert.match(gone.stdout, /Used space by system: none reported/);
    const missing = ams(file, 'account', 'show', 'nobody');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no account named nobody/);
  });
});

describe('ams license-key create', () => {
  let file = '';
  let dir = '';
  before(async () => ({ file, dir } = await seededFile()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints a key once and stores only its digest, under the entity', async () => {
    const r = ams(file, 'license-key', 'create', '--entity', '2');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /created for entity 2 \(Reseller A\)/);
    assert.match(r.stdout, /cannot be shown again/);
    const key = /^key: (PLK-[A-Za-z0-9_-]{43})$/m.exec(r.stdout)?.[1];
    assert.ok(key, 'a PLK- key is printed');
    const second = /^key: (\S+)$/m.exec(ams(file, 'license-key', 'create', '--entity', '2').stdout)?.[1];
    assert.ok(second && second !== key, 'every key is new');
    const rows = await withDb(file, (db) => db.selectFrom('partner_license_keys').selectAll().orderBy('id').execute());
    assert.equal(rows.length, 2);
    const mine = rows.find((row) => row.key_hash === digestToken(key));
    assert.ok(mine, 'the digest of the printed key is stored');
    assert.equal(mine.entity_id, 2);
    assert.equal(mine.revoked_at, null);
    assert.ok(!rows.some((row) => Object.values(row).some((v) => String(v).includes(key))), 'the key itself is stored nowhere');
  });

  it('refuses an entity that does not exist, and a missing --entity', async () => {
    const r = ams(file, 'license-key', 'create', '--entity', '99');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /entity 99 does not exist/);
    assert.equal(ams(file, 'license-key', 'create').status, 2);
    const count = await withDb(file, (db) => db.selectFrom('partner_license_keys').select('id').execute());
    assert.equal(count.length, 2, 'only the two keys of the previous case');
  });

  it('lists the new commands in help', () => {
    const help = ams(file, 'help').stdout;
    for (const usage of ['ams usage import FILE.csv', 'ams payments import FILE.csv', 'ams account show NAME', 'ams license-key create --entity ID']) {
      assert.ok(help.includes(usage), usage);
    }
  });
});
