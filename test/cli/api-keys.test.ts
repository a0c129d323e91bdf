/**
 * `ams api-key create | list | revoke` (issue 19) as an operator runs them: real `ams` processes
 * on a real SQLite file and (with AMS_TEST_DATABASE_URL) on PostgreSQL. The key is printed once
 * and authenticates; the list, the audit and the database never hold it; a revoked key is
 * refused; every mistake is one `ams:` line with its exit status and changes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrate, openStore, parseDatabaseUrl } from '../../src/store/create-db.js';
import { apiKeyRepository } from '../../src/store/repositories/api-keys.js';
import { partnerUserRepository } from '../../src/store/repositories/partners.js';
import { apiKeyAuthenticator } from '../../src/security/api-keys.js';
import { createTestDatabase, POSTGRES_TEST_URL } from '../support/test-database.js';
import { insertEntity } from '../support/store-records.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const amsOn =
  (databaseUrl: string) =>
  (...args: string[]): CliRun => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/cli/run-cli.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, AMS_DATABASE_URL: databaseUrl, AMS_LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

function ok(run: CliRun): CliRun {
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  return run;
}

function refused(run: CliRun, status: number, message: RegExp): void {
  assert.equal(run.status, status, run.stdout + run.stderr);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr.split('\n').filter(Boolean).length, 1, run.stderr);
  assert.match(run.stderr, /^ams: /);
  assert.match(run.stderr, message);
}

const targets: { name: string; open(): Promise<{ url: string; drop(): Promise<void> }> }[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-api-key-cli-'));
      return { url: path.join(dir, 'ams.sqlite'), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...(POSTGRES_TEST_URL ? [{ name: 'postgres', open: () => createTestDatabase() }] : []),
];

for (const target of targets) {
  describe(`ams api-key on ${target.name}`, () => {
    it('creates a key shown once, lists it without the key, revokes it, and refuses mistakes in one line', async () => {
      const database = await target.open();
      const store = openStore(parseDatabaseUrl(database.url));
      try {
        assert.equal((await migrate(store)).error, undefined);
        const entity = await insertEntity(store.db, 'Reseller', null);
        await store.db
          .insertInto('partner_users')
          .values({ entity_id: entity, username: 'Reseller-API', username_key: 'reseller-api', secret_hash: 'x', active: 1, created_at: 0, updated_at: 0 })
          .execute();
        const ams = amsOn(database.url);
        const authenticate = apiKeyAuthenticator({ apiKeys: apiKeyRepository(store.db), partnerUsers: partnerUserRepository(store.db) });

        const created = ok(ams('api-key', 'create', '--user', 'reseller-api', '--read-only', '--expires', '30'));
        const key = /^key: (ams_\S+)$/m.exec(created.stdout)?.[1];
        assert.ok(key, created.stdout);
        assert.match(created.stdout, /^API key 1 \(ams_[0-9a-f]{8}\) created for partner user Reseller-API: read-only \(GET only\), expires 20\d\d-/m);
        assert.equal(created.stdout.split(key).length, 2, 'the key appears exactly once');
        const caller = await authenticate(key, new Date());
        assert.equal(caller?.readOnly, true);
        assert.equal(caller?.username, 'Reseller-API');

        const json = JSON.parse(ok(ams('api-key', 'create', '--user', 'RESELLER-API', '--json')).stdout) as { id: number; key: string; readOnly: boolean; expires: string | null };
        assert.equal(json.id, 2);
        assert.equal(json.readOnly, false);
        assert.equal(json.expires, null);
        assert.equal((await authenticate(json.key, new Date()))?.readOnly, false);

        const listed = ok(ams('api-key', 'list', '--user', 'reseller-api'));
        const lines = listed.stdout.trim().split('\n');
        assert.match(lines[0] ?? '', /^ID\s+PREFIX\s+ACCESS\s+STATE\s+CREATED\s+EXPIRES\s+LAST USED\s+REVOKED$/);
        assert.match(lines[1] ?? '', new RegExp(`^1\\s+${key.slice(0, 12)}\\s+read-only\\s+in force\\s+\\S+Z\\s+\\S+Z\\s+\\S+Z\\s+-$`), 'used once, by the check above');
        assert.match(lines[2] ?? '', /^2\s+ams_[0-9a-f]{8}\s+read-write\s+in force\s+\S+Z\s+-\s+\S+Z\s+-$/);
        for (const secret of [key, json.key]) assert.ok(!listed.stdout.includes(secret.slice(13)), 'no key in the list');

        const revoked = ok(ams('api-key', 'revoke', '1'));
        assert.match(revoked.stdout, /^API key 1 revoked/);
        assert.equal(await authenticate(key, new Date()), undefined, 'refused once revoked');
        assert.ok(await authenticate(json.key, new Date()), 'the other key still works');
        const listedJson = JSON.parse(ok(ams('api-key', 'list', '--user', 'reseller-api', '--json')).stdout) as { id: number; state: string; revoked: string | null }[];
        assert.deepEqual(listedJson.map((k) => [k.id, k.state, k.revoked !== null]), [[1, 'revoked', true], [2, 'in force', false]]);

        refused(ams('api-key', 'revoke', '1'), 1, /no API key 1 in force/);
        refused(ams('api-key', 'revoke', '99'), 1, /no API key 99/);
        refused(ams('api-key', 'revoke', 'abc'), 2, /ID must be a positive whole number/);
        refused(ams('api-key', 'create', '--user', 'nobody'), 1, /no partner user "nobody"; nothing changed/);
        refused(ams('api-key', 'create'), 2, /--user NAME is required/);
        refused(ams('api-key', 'create', '--user', 'reseller-api', '--expires', '0'), 2, /--expires must be a positive whole number/);
        refused(ams('api-key', 'create', '--user', 'reseller-api', '--expires', '3651'), 2, /at most 3650 days/);
        refused(ams('api-key', 'create', '--user', 'reseller-api', '--forever'), 2, /Unknown option '--forever'/);
        refused(ams('api-key', 'list', '--user', 'nobody'), 1, /no partner user/);
        const count = await store.db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number(count.n), 2, 'mistakes changed nothing');

        const audit = await store.db.selectFrom('audit_log').select(['operation', 'detail']).orderBy('id').execute();
        assert.deepEqual(audit.map((a) => a.operation), ['ams api-key create', 'ams api-key create', 'ams api-key revoke']);
        for (const a of audit) for (const secret of [key, json.key]) assert.ok(!a.detail.includes(secret.slice(13)), 'no key in the audit log');
        const operators = ok(ams('audit', 'operators'));
        assert.match(operators.stdout, /api-key revoke/);
      } finally {
        await store.close();
        await database.drop();
      }
    });
  });
}
