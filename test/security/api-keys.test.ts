/**
 * API keys (issue 19) on a real migrated database, SQLite and (with AMS_TEST_DATABASE_URL)
 * PostgreSQL: generated from the CSPRNG in a recognisable shape, stored only as a digest, and
 * refused when unknown, revoked, expired, or when the user or its entity is disabled; the time of
 * last use written at most once a minute.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { apiKeyAuthenticator, digestApiKey, generateApiKey, issueApiKey, looksLikeApiKey } from '../../src/security/api-keys.js';
import { apiKeyRepository } from '../../src/store/repositories/api-keys.js';
import { partnerUserRepository } from '../../src/store/repositories/partners.js';
import type { Database } from '../../src/store/schema.js';
import type { Store } from '../../src/store/create-db.js';
import { ENGINES, migratedStore } from '../conformance/engines.js';
import { STORE_TEST_NOW, insertEntity } from '../support/store-records.js';

const NOW = STORE_TEST_NOW;
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe('API key generation', () => {
  it('makes ams_<8 hex>_<43 base64url> keys of 256 random bits, never the same twice, digested with SHA-256', () => {
    const keys = Array.from({ length: 200 }, generateApiKey);
    for (const k of keys) {
      assert.match(k.key, /^ams_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
      assert.ok(looksLikeApiKey(k.key));
      assert.equal(Buffer.from(k.key.slice(13), 'base64url').length, 32);
      assert.equal(k.prefix, k.key.slice(0, 12));
      assert.match(k.digest, /^[0-9a-f]{64}$/);
      assert.equal(k.digest, digestApiKey(k.key));
    }
    assert.equal(new Set(keys.map((k) => k.key.slice(13))).size, keys.length);
    for (const bad of ['', 'ams_', 'ams_0000000g_' + 'a'.repeat(43), 'AMS_00000000_' + 'a'.repeat(43), 'ams_00000000_' + 'a'.repeat(42), 'ams_00000000_' + 'a'.repeat(43) + ' ']) {
      assert.equal(looksLikeApiKey(bad), false, bad);
    }
  });
});

for (const engine of ENGINES) {
  describe(`API key authentication on ${engine.name}`, () => {
    let store: Store;
    let done: () => Promise<void>;
    let db: Kysely<Database>;
    let entity: number;
    let user: number;
    const touches: number[] = [];
    before(async () => {
      const m = await migratedStore(engine);
      ({ store, done } = m);
      db = store.db;
      const root = await insertEntity(db, 'Root', null);
      entity = await insertEntity(db, 'Reseller', root);
      const row = await db
        .insertInto('partner_users')
        .values({ entity_id: entity, username: 'Partner', username_key: 'partner', secret_hash: 'x', active: 1, created_at: NOW.getTime(), updated_at: NOW.getTime() })
        .returning('id')
        .executeTakeFirstOrThrow();
      user = row.id;
    });
    after(async () => done());

    const keys = () => apiKeyRepository(db);
    const authenticate = () => {
      const repository = keys();
      return apiKeyAuthenticator({
        apiKeys: { findByDigest: (d) => repository.findByDigest(d), touch: (id, when) => (touches.push(id), repository.touch(id, when)) },
        partnerUsers: partnerUserRepository(db),
      });
    };

    it('answers the caller of a valid key, with its read-only flag, and stores only the digest', async () => {
      const issued = await issueApiKey(keys(), { partnerUserId: user, readOnly: true, expiresInDays: 30 }, NOW);
      assert.deepEqual(issued.expiresAt, at(30 * 86_400_000));
      assert.deepEqual(await authenticate()(issued.key, at(1000)), { userId: user, username: 'Partner', entityId: entity, readOnly: true, apiKeyId: issued.id });
      const stored = await db.selectFrom('api_keys').selectAll().where('id', '=', issued.id).executeTakeFirstOrThrow();
      assert.equal(stored.digest, digestApiKey(issued.key));
      assert.ok(!Object.values(stored).some((v) => typeof v === 'string' && v.includes(issued.key.slice(13))), 'the secret part is stored nowhere');
      assert.equal(stored.prefix, issued.prefix);
    });

    it('refuses unknown, malformed, revoked and expired keys', async () => {
      const auth = authenticate();
      assert.equal(await auth(generateApiKey().key, NOW), undefined, 'well-formed but unknown');
      assert.equal(await auth('Bearer nonsense', NOW), undefined);
      const expiring = await issueApiKey(keys(), { partnerUserId: user, readOnly: false, expiresInDays: 1 }, NOW);
      assert.equal((await auth(expiring.key, at(86_400_000 - 1)))?.readOnly, false);
      assert.equal(await auth(expiring.key, at(86_400_000)), undefined, 'expired at the very moment');
      const revoked = await issueApiKey(keys(), { partnerUserId: user, readOnly: false, expiresInDays: null }, NOW);
      assert.ok(await auth(revoked.key, NOW));
      assert.equal(await keys().revoke(revoked.id, at(1)), true);
      assert.equal(await auth(revoked.key, at(2)), undefined);
    });

    it('refuses the key of a disabled user or of a user whose entity is disabled, and accepts it again once enabled', async () => {
      const auth = authenticate();
      const issued = await issueApiKey(keys(), { partnerUserId: user, readOnly: false, expiresInDays: null }, NOW);
      await db.updateTable('partner_users').set({ active: 0 }).where('id', '=', user).execute();
      assert.equal(await auth(issued.key, NOW), undefined);
      await db.updateTable('partner_users').set({ active: 1 }).where('id', '=', user).execute();
      await db.updateTable('entities').set({ active: 0 }).where('id', '=', entity).execute();
      assert.equal(await auth(issued.key, NOW), undefined);
      await db.updateTable('entities').set({ active: 1 }).where('id', '=', entity).execute();
      assert.ok(await auth(issued.key, NOW));
    });

    it('records the time of last use at most once a minute, without a write in between', async () => {
      const auth = authenticate();
      const issued = await issueApiKey(keys(), { partnerUserId: user, readOnly: false, expiresInDays: null }, NOW);
      const lastUsed = async () => (await keys().findByDigest(digestApiKey(issued.key)))?.lastUsedAt;
      touches.length = 0;
      for (const ms of [0, 10_000, 59_999]) assert.ok(await auth(issued.key, at(ms)));
      assert.deepEqual(await lastUsed(), at(0));
      assert.deepEqual(touches, [issued.id], 'one write in the first minute');
      assert.ok(await auth(issued.key, at(60_000)));
      assert.deepEqual(await lastUsed(), at(60_000));
      assert.equal(touches.length, 2);
    });

    it('lets the call through when recording the time of last use fails', async () => {
      const issued = await issueApiKey(keys(), { partnerUserId: user, readOnly: false, expiresInDays: null }, NOW);
      const errors: unknown[] = [];
      const repository = keys();
      const auth = apiKeyAuthenticator({
        apiKeys: { findByDigest: (d) => repository.findByDigest(d), touch: () => Promise.reject(new Error('disk full')) },
        partnerUsers: partnerUserRepository(db),
        onTouchError: (err) => errors.push(err),
      });
      assert.ok(await auth(issued.key, NOW));
      assert.equal(errors.length, 1);
    });
  });
}
