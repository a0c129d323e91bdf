/**
 * Upgrading instances one at a time: an older release's `ams serve` started on a database the
 * newer release already migrated (docs/scale-out.md). It starts, says so in one warning line
 * naming the migrations it does not know, is ready, answers SOAP calls, and stops cleanly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import pg from 'pg';
import { databaseConnectionWarning } from '../../src/app/startup.js';
import { createLogger } from '../../src/observability/logger.js';
import { migrate, openStore, parseDatabaseUrl } from '../../src/store/create-db.js';
import { envelope, operationBody, soapHeaders } from '../support/envelope.js';
import { startService, type Service } from '../support/service-process.js';

const PARTNER = { user: 'first-partner', password: 'first-partner-secret-1' };

describe('an older release on a database a newer one migrated', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-newer-db-'));
  let service: Service | undefined;
  after(async () => {
    if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts with one warning line, is ready, serves, and stops cleanly', async () => {
    const file = path.join(dir, 'ams.sqlite');
    const store = openStore(parseDatabaseUrl(file));
    assert.equal((await migrate(store)).error, undefined);
    await store.close();
    const db = new Database(file);
    // Applied after this build's own, as by the newer release (Kysely orders the history by time).
    db.prepare("INSERT INTO kysely_migration (name, timestamp) VALUES ('999-from-a-newer-release', ?)").run(new Date().toISOString());
    db.close();

    service = await startService({
      AMS_DATABASE_URL: file,
      AMS_MAIL_PICKUP_DIR: path.join(dir, 'pickup'),
      AMS_LOG_FORMAT: 'json',
      AMS_BOOTSTRAP_USERNAME: PARTNER.user,
      AMS_BOOTSTRAP_PASSWORD: PARTNER.password,
    });
    const warnings = service.lines.map((l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : {})).filter((e) => e.level === 'warn');
    assert.deepEqual(
      warnings.map((e) => [e.msg, e.newerMigrations]),
      [['the database was migrated by a newer AMS: this instance runs on it as the older release; upgrade it', '999-from-a-newer-release']],
    );

    const base = `http://127.0.0.1:${service.port}`;
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { migrations: string }).migrations, 'current');

    const headers = soapHeaders('1.1', 'GetAccountInfo');
    const answer = await fetch(`${base}/WebApi/AccountManagementService/AccountManagementService.asmx`, {
      method: 'POST',
      headers: { 'content-type': headers.contentType, soapaction: headers.soapAction ?? '' },
      body: envelope('1.1', operationBody('GetAccountInfo', { userName: 'nobody-here' }, false), PARTNER),
    });
    assert.equal(answer.status, 200);
    assert.match(await answer.text(), /<Code>AccountNotFound<\/Code>/);

    service.child.kill('SIGTERM');
    assert.deepEqual(await service.exited, { code: 0, signal: null });
  });

  it('tells a connection replaced for an outdated prepared statement from one lost, in its warning line', () => {
    const lines: Record<string, unknown>[] = [];
    const warn = databaseConnectionWarning(createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)));
    const outdated = Object.assign(new pg.DatabaseError('cached plan must not change result type', 0, 'error'), { code: '0A000', severity: 'ERROR' });
    warn(outdated);
    warn(new Error('Connection terminated unexpectedly'));
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg, l.errorMessage]),
      [
        ['warn', 'a migration changed a column under a prepared statement (a newer release migrated): connection replaced', 'cached plan must not change result type'],
        ['warn', 'database connection lost; the pool will reconnect', 'Connection terminated unexpectedly'],
      ],
    );
  });
});
