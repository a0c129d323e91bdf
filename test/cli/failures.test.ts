/**
 * Issue 17, part 2: every operational failure of `ams` is one line on stderr,
 * `ams: <what failed>: <why> (<the setting to check>)`, with exit status 2 (configuration),
 * 3 (a dependency unreachable) or 1 (anything else), and no stack trace unless
 * AMS_LOG_LEVEL=debug. Each case runs the real CLI as a process against the real thing that
 * fails: a closed TCP port, a host name that does not resolve, a real PostgreSQL server
 * refusing an unknown role or database, a directory where a SQLite file should be, a port
 * another process listens on, a pipe whose reader goes away.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { POSTGRES_TEST_URL } from '../support/test-database.js';
import { explainFailure, failureLine } from '../../src/cli/failure.js';
import { freePort } from '../mail/smtp-sink.js';
import { compileWsdl } from '../../src/describe/index.js';
import { OPERATIONS } from '../../src/contract/index.js';
import { SERVICE_PATH } from '../../src/contract/common-types.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = import.meta.resolve('tsx');
const CLI = path.join(ROOT, 'test/cli/run-cli.ts');

/** The environment without any AMS_ setting of the machine running the tests. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AMS_')));
  return { ...base, AMS_LOG_LEVEL: 'error', AMS_HOST: '127.0.0.1', AMS_PORT: '0', ...env };
}

function ams(env: Record<string, string>, args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env: cleanEnv(env), encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** Exactly one stderr line, this one, and this status. */
function assertOneLine(r: { status: number | null; stderr: string }, line: string | RegExp, status: number): void {
  assert.equal(lines(r.stderr).length, 1, `one line on stderr, got:\n${r.stderr}`);
  if (typeof line === 'string') assert.equal(r.stderr, `${line}\n`);
  else assert.match(r.stderr, line);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(r.status, status, r.stderr);
}

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-failures-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ams: a dependency that cannot be reached (exit 3)', () => {
  it('PostgreSQL refusing connections, for serve and for a one-off command', async () => {
    const port = await freePort(); // nothing listens there: the kernel refuses the connection
    const url = `postgres://ams:db-secret@127.0.0.1:${port}/ams`;
    const expected = `ams: cannot connect to the database postgres://ams:***@127.0.0.1:${port}/ams: connection refused by 127.0.0.1:${port} (AMS_DATABASE_URL)`;
    for (const command of [['serve'], ['migrate'], ['outbox', 'list']]) {
      const r = ams({ AMS_DATABASE_URL: url }, command);
      assertOneLine(r, expected, 3);
      assert.doesNotMatch(r.stderr + r.stdout, /db-secret/, 'the password is never shown');
    }
  });

  it('a database host name that does not resolve', () => {
    const r = ams({ AMS_DATABASE_URL: 'postgres://ams@db.invalid:5432/ams' }, ['serve']);
    // RFC 6761: .invalid never resolves; without a DNS server the lookup fails "temporarily".
    assertOneLine(
      r,
      /^ams: cannot connect to the database postgres:\/\/ams@db\.invalid:5432\/ams: (unknown host db\.invalid|cannot resolve the host name db\.invalid \(DNS did not answer\)) \(AMS_DATABASE_URL\)\n$/,
      3,
    );
  });

  it('with AMS_LOG_LEVEL=debug the same line comes first, then the stack', async () => {
    const port = await freePort();
    const r = ams({ AMS_DATABASE_URL: `postgres://ams@127.0.0.1:${port}/ams`, AMS_LOG_LEVEL: 'debug' }, ['migrate']);
    assert.equal(r.status, 3);
    const [first, ...rest] = lines(r.stderr);
    assert.equal(first, `ams: cannot connect to the database postgres://ams@127.0.0.1:${port}/ams: connection refused by 127.0.0.1:${port} (AMS_DATABASE_URL)`);
    assert.ok(rest.some((l) => /^\s+at /.test(l)), 'the stack follows');
  });
});

describe('ams: a wrong setting (exit 2)', () => {
  // The test server trusts 127.0.0.1, so no password is ever checked; what it does refuse is a
  // role or a database that does not exist: real authentication-phase errors (SQLSTATE 28000,
  // 3D000) sent by the server, as a mistyped user or database name in AMS_DATABASE_URL gets.
  const server = POSTGRES_TEST_URL ? new URL(POSTGRES_TEST_URL) : null;
  it('PostgreSQL refusing the user or the database', { skip: server ? false : 'needs AMS_TEST_DATABASE_URL' }, () => {
    const hostPort = `${server!.hostname}:${server!.port || '5432'}`;
    const suffix = `${process.pid}_${Date.now()}`;
    const role = ams({ AMS_DATABASE_URL: `postgres://no_such_role_${suffix}:pw@${hostPort}/postgres` }, ['serve']);
    assertOneLine(
      role,
      `ams: cannot connect to the database postgres://no_such_role_${suffix}:***@${hostPort}/postgres: role "no_such_role_${suffix}" does not exist (AMS_DATABASE_URL)`,
      2,
    );
    const database = ams({ AMS_DATABASE_URL: `postgres://${server!.username || 'postgres'}@${hostPort}/no_such_db_${suffix}` }, ['migrate']);
    assertOneLine(
      database,
      `ams: cannot connect to the database postgres://${server!.username || 'postgres'}@${hostPort}/no_such_db_${suffix}: database "no_such_db_${suffix}" does not exist (AMS_DATABASE_URL)`,
      2,
    );
  });

  it('a malformed PostgreSQL URL, refused by the configuration check without repeating it', () => {
    const r = ams({ AMS_DATABASE_URL: 'postgres://ams:pa55word@bad url/ams' }, ['serve']);
    assertOneLine(
      r,
      'ams: invalid configuration: AMS_DATABASE_URL is not a valid PostgreSQL URL: expected postgres://user:password@host:5432/database, special characters of the password percent-encoded',
      2,
    );
    assert.doesNotMatch(r.stderr, /pa55word/);
    assert.equal(r.stdout, '', 'nothing started');
  });

  it('a configured SQLite path whose folder does not exist: refused, nothing created', () => {
    const file = path.join(dir, 'typo', 'nested', 'ams.sqlite');
    for (const command of [['serve'], ['migrate'], ['entity', 'create', '--name', 'X']]) {
      const r = ams({ AMS_DATABASE_URL: file }, command);
      assertOneLine(
        r,
        `ams: cannot open the SQLite database ${file}: the folder ${path.dirname(file)} does not exist; create it or correct the path (AMS_DATABASE_URL)`,
        2,
      );
      assert.doesNotMatch(r.stderr + r.stdout, /Password:/, 'no new admin secret');
    }
    assert.equal(fs.existsSync(path.join(dir, 'typo')), false, 'no folder made');
  });

  it('the default ./data/ is still created on first start', () => {
    const home = fs.mkdtempSync(path.join(dir, 'fresh-'));
    const r = ams({}, ['migrate'], home);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.statSync(path.join(home, 'data', 'ams.sqlite')).isFile());
  });

  it('a SQLite path that is a folder, or a file that is not a database', () => {
    assertOneLine(ams({ AMS_DATABASE_URL: dir }, ['migrate']), `ams: cannot open the SQLite database ${dir}: unable to open database file (AMS_DATABASE_URL)`, 2);
    const notDb = path.join(dir, 'notes.txt');
    fs.writeFileSync(notDb, 'not a database, but more than a hundred bytes of text so that SQLite reads a header and refuses it.\n'.repeat(20));
    assertOneLine(ams({ AMS_DATABASE_URL: notDb }, ['serve']), `ams: cannot open the SQLite database ${notDb}: file is not a database (AMS_DATABASE_URL)`, 2);
  });

  it('a port another process listens on: the service port, then the metrics port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const file = path.join(dir, 'ports.sqlite');
      assert.equal(ams({ AMS_DATABASE_URL: file }, ['migrate']).status, 0);
      // The database is prepared first so that stderr holds no first-start secret, only the failure.
      ams({ AMS_DATABASE_URL: file, AMS_PORT: String(taken), AMS_BOOTSTRAP_USERNAME: 'admin', AMS_BOOTSTRAP_PASSWORD: 'a-long-bootstrap-secret' }, ['serve']);
      const r = ams({ AMS_DATABASE_URL: file, AMS_PORT: String(taken) }, ['serve']);
      assertOneLine(r, `ams: cannot listen on 127.0.0.1:${taken}: the address is already in use by another process (AMS_PORT)`, 2);
      const m = ams({ AMS_DATABASE_URL: file, AMS_METRICS_PORT: String(taken) }, ['serve']);
      assertOneLine(m, `ams: cannot listen on 127.0.0.1:${taken}: the address is already in use by another process (AMS_METRICS_PORT)`, 2);
      // With workers the primary takes the metrics port, before it forks any: the same one line.
      const w = ams({ AMS_DATABASE_URL: file, AMS_METRICS_PORT: String(taken), AMS_WORKERS: '2' }, ['serve']);
      assertOneLine(w, `ams: cannot listen on 127.0.0.1:${taken}: the address is already in use by another process (AMS_METRICS_PORT)`, 2);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('ams: commands and arguments', () => {
  it('an unknown command: a short usage and the ams help hint, exit 2', () => {
    const r = ams({}, ['frobnicate', '--now']);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.deepEqual(lines(r.stderr), ['ams: unknown command: frobnicate --now', 'usage: ams <command> [options]', '`ams help` lists every command and setting.']);
    // A known first word: the usages of that family.
    const family = ams({}, ['outbox', 'purge']);
    assert.equal(family.status, 2);
    const f = lines(family.stderr);
    assert.equal(f[0], 'ams: unknown command: outbox purge');
    assert.match(f[1] ?? '', /^usage: ams outbox /);
    assert.ok(f.slice(1, -1).every((l) => /^(usage: | {7})ams outbox /.test(l)), family.stderr);
    assert.equal(f.at(-1), '`ams help` lists every command and setting.');
  });

  it('argument errors carry the ams: prefix and the usage, exit 2', () => {
    const r = ams({}, ['audit', 'list', '--limit', '5']);
    assert.equal(r.status, 2);
    assert.deepEqual(lines(r.stderr), ['ams: audit list: --account is required', 'usage: ams audit list --account NAME [--limit N]']);
    const unknown = ams({}, ['wsdl', '--bogus']);
    assert.equal(unknown.status, 2);
    assert.match(lines(unknown.stderr)[0] ?? '', /^ams: wsdl: Unknown option '--bogus'/);
    assert.equal(lines(unknown.stderr).length, 2);
  });

  it('a command that ran and found nothing: ams: prefix, exit 1', () => {
    const file = path.join(dir, 'show.sqlite');
    const r = ams({ AMS_DATABASE_URL: file }, ['account', 'show', 'nobody']);
    assertOneLine(r, 'ams: no account named nobody', 1);
  });

  it('`ams wsdl | head -3` ends quietly with status 0 when head stops reading', () => {
    // 74 KB of WSDL against a 64 KB pipe: the writer meets the closed pipe (EPIPE).
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" --import "${TSX}" "${CLI}" wsdl | head -3`], {
      cwd: ROOT,
      env: cleanEnv({}),
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.stderr, '', 'nothing on stderr');
    assert.equal(r.status, 0, 'the pipeline, writer included, succeeds');
    assert.equal(lines(r.stdout).length, 3);
    assert.match(r.stdout, /^<\?xml/);
  });

  it('`ams wsdl` writes the WSDL byte for byte (its CRLF line ends are not escaped like partner data)', () => {
    const r = ams({}, ['wsdl', '--base-url', 'https://api.example.com']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, compileWsdl(OPERATIONS)(`https://api.example.com${SERVICE_PATH}`));
    assert.ok(r.stdout.includes('\r\n'), 'the WSDL keeps its CRLF line ends');
  });

  it('a database a newer release migrated: `ams migrate` says so in one line and exits 0 (upgrading one instance at a time)', () => {
    const file = path.join(dir, 'newer.sqlite');
    assert.equal(ams({ AMS_DATABASE_URL: file }, ['migrate']).status, 0);
    const db = new Database(file);
    // Applied after this build's own, as by the newer release (Kysely orders the history by time).
    db.prepare("INSERT INTO kysely_migration (name, timestamp) VALUES ('999-from-a-newer-version', ?)").run(new Date().toISOString());
    db.close();
    const migrate = ams({ AMS_DATABASE_URL: file }, ['migrate']);
    assert.equal(migrate.status, 0, migrate.stderr);
    assert.equal(migrate.stdout, "database was migrated by a newer AMS (999-from-a-newer-version): nothing of this release's left to apply\n");
    assert.equal(migrate.stderr, '');
  });

  it('a database another build migrated (an unknown migration among known ones): one line, exit 1, for migrate and serve', () => {
    const file = path.join(dir, 'other-build.sqlite');
    assert.equal(ams({ AMS_DATABASE_URL: file }, ['migrate']).status, 0);
    const db = new Database(file);
    db.prepare("INSERT INTO kysely_migration (name, timestamp) VALUES ('005a-from-another-build', '2026-12-05T00:00:00.000Z')").run();
    db.close();
    const line =
      'ams: database migration failed: the database has migrations this build of AMS does not know, among its own (005a-from-another-build): ' +
      'it was migrated by another build, not by an older or newer release of this one';
    const migrate = ams({ AMS_DATABASE_URL: file }, ['migrate']);
    assertOneLine(migrate, line, 1);
    assert.equal(migrate.stdout, '', 'not "up to date"');
    assertOneLine(ams({ AMS_DATABASE_URL: file }, ['serve']), line, 1);
  });

  it('anything else is one line naming the command, exit 1', () => {
    const failure = explainFailure(new Error('disk\nfull'), 'usage import', null);
    assert.equal(failureLine(failure), 'ams: usage import failed: disk full');
    assert.equal(failure.kind, 'other');
  });
});
