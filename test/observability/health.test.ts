/**
 * /healthz (alive: no database) and /readyz (database answers, migrations current, mail worker
 * running), over a real socket; readiness goes 503 when the database is gone, on SQLite and on
 * PostgreSQL, and comes back by itself on PostgreSQL.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { sql } from 'kysely';
import { AMS_VERSION } from '../../src/observability/version.js';
import { listenTestApp, seededTemplate, startTestApp } from '../support/harness.js';
import { POSTGRES_TEST_URL, createTestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

async function probe(port: number, path: '/healthz' | '/readyz'): Promise<{ status: number; body: Record<string, unknown>; contentType: string | null }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: r.status, body: (await r.json()) as Record<string, unknown>, contentType: r.headers.get('content-type') };
}

describe('health and readiness on SQLite', () => {
  it('/healthz says alive with the version; /readyz goes 503 once the database is unavailable, /healthz stays 200', async () => {
    const t = await startTestApp({ template: await seededTemplate() });
    const server = await listenTestApp(t);
    try {
      const alive = await probe(server.port, '/healthz');
      assert.equal(alive.status, 200);
      assert.equal(alive.contentType, 'application/json');
      assert.deepEqual(Object.keys(alive.body), ['status', 'version', 'uptimeSeconds']);
      assert.equal(alive.body.status, 'ok');
      assert.equal(alive.body.version, AMS_VERSION);
      const ready = await probe(server.port, '/readyz');
      assert.equal(ready.status, 200);
      assert.equal(ready.body.status, 'ready');

      await t.app.store.db.destroy(); // the database is gone from under the running service
      const down = await probe(server.port, '/readyz');
      assert.equal(down.status, 503);
      assert.deepEqual(down.body, { status: 'unavailable', mode: 'production', database: 'unavailable', migrations: 'unknown', mailWorker: 'running' });
      const stillAlive = await probe(server.port, '/healthz');
      assert.equal(stillAlive.status, 200, 'alive: a balancer must not restart instances for an outage they share');
    } finally {
      await server.close();
      await t.close().catch(() => undefined); // the store is already closed
    }
  });

  it('/readyz is 503 while a migration this build knows is not applied, and while the mail worker is stopped', async () => {
    const t = await startTestApp({ template: await seededTemplate() });
    const server = await listenTestApp(t);
    try {
      const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(t.app.store.db);
      const last = applied.rows.at(-1)!.name;
      await sql`DELETE FROM kysely_migration WHERE name = ${last}`.execute(t.app.store.db);
      const behind = await probe(server.port, '/readyz');
      assert.equal(behind.status, 503);
      assert.equal(behind.body.migrations, 'behind');
      assert.deepEqual(behind.body.pendingMigrations, [last]);
      await sql`INSERT INTO kysely_migration (name, timestamp) VALUES (${last}, ${new Date().toISOString()})`.execute(t.app.store.db);
      assert.equal((await probe(server.port, '/readyz')).status, 200, 'current again');

      await t.app.mailWorker.stop();
      const stopped = await probe(server.port, '/readyz');
      assert.equal(stopped.status, 503);
      assert.equal(stopped.body.mailWorker, 'stopped');
      assert.equal(stopped.body.database, 'ok');
    } finally {
      await server.close();
      await t.close();
    }
  });
});

describe('readiness on PostgreSQL', { skip: POSTGRES_TEST_URL ? false : 'needs AMS_TEST_DATABASE_URL' }, () => {
  it('goes 503 while the database refuses connections and 200 again by itself once it accepts them', async () => {
    const database = await createTestDatabase();
    const admin = new pg.Client({ connectionString: POSTGRES_TEST_URL });
    await admin.connect();
    const t = await startTestApp({ empty: true, env: { AMS_DATABASE_URL: database.url, AMS_DATABASE_STATEMENT_TIMEOUT_MS: '1000' } });
    const server = await listenTestApp(t);
    try {
      assert.equal((await probe(server.port, '/readyz')).status, 200);
      // Nobody may connect to it any more, and the instance's connections are cut: as good as stopped
      // for this instance, without stopping the cluster other suites use.
      await admin.query(`ALTER DATABASE "${database.name}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database.name]);
      const started = Date.now();
      const down = await probe(server.port, '/readyz');
      assert.equal(down.status, 503);
      assert.equal(down.body.database, 'unavailable');
      assert.ok(Date.now() - started < 2500, 'answered within the readiness deadline');
      assert.equal((await probe(server.port, '/healthz')).status, 200);

      await admin.query(`ALTER DATABASE "${database.name}" ALLOW_CONNECTIONS true`);
      await waitFor(async () => (await probe(server.port, '/readyz')).status === 200, 10_000, 'readiness after the database is back');
    } finally {
      await admin.query(`ALTER DATABASE "${database.name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
      await server.close();
      await t.close();
      await database.drop();
    }
  });
});
