/**
 * Issue 19, composed: the app built by the composition root hands the JSON edge its API access
 * (keys, idempotency, account pages, the partner rate), and deletes expired idempotency keys
 * periodically with the shared limits, on SQLite and (with AMS_TEST_DATABASE_URL) PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/config.js';
import { createApp } from '../../src/app/compose.js';
import { createLogger } from '../../src/observability/logger.js';
import { MemoryTransport } from '../../src/mail/memory-transport.js';
import { issueApiKey } from '../../src/security/api-keys.js';
import { ENGINES } from './engines.js';
import { waitFor } from '../support/wait-for.js';

for (const engine of ENGINES) {
  describe(`API access in the composed app on ${engine.name}`, () => {
    it('authenticates API keys, pages accounts, reports the rate, and purges expired idempotency keys periodically', async () => {
      const fresh = await engine.fresh();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-api-access-'));
      const config = loadConfig({
        AMS_DATABASE_URL: fresh.url,
        AMS_MAIL_PICKUP_DIR: path.join(dir, 'pickup'),
        AMS_BOOTSTRAP_USERNAME: 'provider',
        AMS_BOOTSTRAP_PASSWORD: 'provider-secret-0001',
        AMS_BACKUP_SERVERS: 'backup-01',
        AMS_PARTNER_REQUESTS_PER_MINUTE: '600',
        AMS_PARTNER_BURST: '30',
      });
      const app = await createApp(config, { logger: createLogger('error', () => undefined), transport: new MemoryTransport(), pruneIntervalMs: 20 });
      try {
        const { apiKeys, idempotency, accountPages, authenticateApiKey, partnerRate } = app.apiAccess;
        const provider = await app.store.db.selectFrom('partner_users').select(['id', 'entity_id']).executeTakeFirstOrThrow();
        const now = new Date();
        const issued = await issueApiKey(apiKeys, { partnerUserId: provider.id, readOnly: true, expiresInDays: null }, now);
        assert.deepEqual(await authenticateApiKey(issued.key, now), { userId: provider.id, username: 'provider', entityId: provider.entity_id, readOnly: true, apiKeyId: issued.id });
        assert.deepEqual(await accountPages.page({ entityId: provider.entity_id, customerTypeCode: null, status: null, afterUsername: null, limit: 10 }), []);
        assert.equal(partnerRate.report(provider.id)?.limit, 30);

        const hour = 3_600_000;
        for (let i = 0; i < 3; i++) assert.equal((await idempotency.claim(provider.id, `old-${i}`, 'd', new Date(now.getTime() - 25 * hour), new Date(now.getTime() - hour))).kind, 'claimed');
        assert.equal((await idempotency.claim(provider.id, 'current', 'd', now, new Date(now.getTime() + 24 * hour))).kind, 'claimed');
        const keys = async () => (await app.store.db.selectFrom('idempotency_keys').select('key').execute()).map((r) => r.key);
        await waitFor(async () => (await keys()).length === 1, 10_000, 'the periodic purge');
        assert.deepEqual(await keys(), ['current']);
      } finally {
        await app.close();
        await fresh.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
