/**
 * The operator CLI, run as a real process on a real database: migrate, create an entity and a
 * partner user whose printed secret then authenticates a SOAP call.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/config.js';
import { createApp } from '../../src/app/compose.js';
import { createLogger } from '../../src/observability/logger.js';
import { MemoryTransport } from '../../src/mail/memory-transport.js';
import { envelope, operationBody } from '../support/envelope.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function ams(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/cli/run-cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ams CLI', () => {
  it('migrates, creates an entity and a partner user whose secret works once printed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-cli-'));
    const env = { AMS_DATABASE_URL: path.join(dir, 'ams.sqlite'), AMS_LOG_LEVEL: 'error' };
    try {
      const migrate = ams(env, 'migrate');
      assert.equal(migrate.status, 0, migrate.stderr);
      assert.match(migrate.stdout, /Success\t001-initial/);
      assert.match(ams(env, 'migrate').stdout, /up to date/);

      const root = ams(env, 'entity', 'create', '--name', 'Provider');
      assert.equal(root.status, 0, root.stderr);
      assert.match(root.stdout, /entity 1 created/);
      const child = ams(env, 'entity', 'create', '--name', 'Reseller', '--parent', '1');
      assert.match(child.stdout, /entity 2 created/);
      assert.equal(ams(env, 'entity', 'create', '--name', 'Orphan', '--parent', '99').status, 1);
      assert.equal(ams(env, 'entity', 'create').status, 2, 'a missing option is a usage error');

      const user = ams(env, 'partner-user', 'create', '--entity', '2', '--username', 'reseller-cli');
      assert.equal(user.status, 0, user.stderr);
      const secret = /secret: (\S+)/.exec(user.stdout)?.[1];
      assert.ok(secret && secret.length >= 20, 'the secret is printed once');
      assert.equal(ams(env, 'partner-user', 'create', '--entity', '2', '--username', 'RESELLER-cli').status, 1, 'user names are unique');

      const app = await createApp(loadConfig(env), { logger: createLogger('error', () => {}), transport: new MemoryTransport() });
      try {
        const body = envelope('1.1', operationBody('GetAccountInfo', { userName: 'nobody' }, false), { user: 'reseller-cli', password: secret });
        const r = await app.soap({ contentType: 'text/xml', soapAction: undefined, body: Buffer.from(body) }, { requestId: 'cli', sourceAddress: '127.0.0.1', isLocal: true });
        assert.match(r.body, /<Code>AccountNotFound<\/Code>/, 'authenticated: the answer is about the account, not the credentials');
      } finally {
        await app.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints help derived from the command table, and refuses unknown commands', () => {
    const help = ams({}, 'help');
    assert.equal(help.status, 0);
    for (const usage of ['ams serve', 'ams migrate', 'ams entity create', 'ams partner-user create', 'AMS_DATABASE_URL']) assert.match(help.stdout, new RegExp(usage));
    assert.equal(ams({}, 'frobnicate').status, 2);
  });

  it('refuses a bad setting with one clear message and exit status 2, before touching anything', () => {
    const r = ams({ AMS_PORT: 'eighty' }, 'migrate');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'ams: invalid configuration: AMS_PORT must be a whole number from 0 to 65535, got "eighty"\n');
    const serve = ams({ AMS_LOG_LEVEL: 'loud' }, 'serve');
    assert.equal(serve.status, 2, 'ams serve stops at once');
    assert.equal(serve.stderr, 'ams: invalid configuration: AMS_LOG_LEVEL must be debug, info, warn or error, got "loud"\n');
    assert.equal(serve.stdout, '', 'nothing was started');
  });
});
