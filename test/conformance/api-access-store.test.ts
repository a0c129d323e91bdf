/**
 * The JSON API's store (issue 19) on every engine: API keys, Idempotency-Key claims (exactly one
 * of many concurrent claims from several processes, each with its own connections, wins), the
 * purge of expired claims, and the keyset account page, walked across 2,000+ accounts while
 * another task adds and removes accounts: no row twice, none skipped that was there throughout.
 */
import path from 'node:path';
import readline from 'node:readline';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';
import { apiKeyRepository } from '../../src/store/repositories/api-keys.js';
import { idempotencyRepository } from '../../src/store/repositories/idempotency.js';
import { accountPageRepository } from '../../src/store/repositories/account-pages.js';
import { ENGINES, migratedStore } from './engines.js';
import { STORE_TEST_NOW, insertEntity } from '../support/store-records.js';

const NOW = STORE_TEST_NOW;
const DAY = 86_400_000;
const later = (ms: number) => new Date(NOW.getTime() + ms);

async function insertPartnerUser(db: Kysely<Database>, entityId: number, username: string): Promise<number> {
  const row = await db
    .insertInto('partner_users')
    .values({ entity_id: entityId, username, username_key: username.toLowerCase(), secret_hash: 'x', active: 1, created_at: NOW.getTime(), updated_at: NOW.getTime() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

interface AccountSeed {
  readonly username: string;
  readonly entityId: number;
  readonly status?: string;
  readonly customerTypeCode?: string;
}

/** Accounts written straight into the table, many per statement (a walk needs thousands). */
async function insertAccounts(db: Kysely<Database>, seeds: readonly AccountSeed[]): Promise<void> {
  for (let i = 0; i < seeds.length; i += 200) {
    await db
      .insertInto('accounts')
      .values(
        seeds.slice(i, i + 200).map((s) => ({
          username: s.username,
          username_key: s.username.toLowerCase(),
          password_hash: 'h',
          full_name: `Name ${s.username}`,
          first_name: 'Name',
          email: `${s.username}@example.com`,
          entity_id: s.entityId,
          quota_mb: 1024,
          used_space_kb: 0,
          is_ultrasafe: 0,
          status: s.status ?? 'Active',
          backup_server: 'backup-01',
          license_key: '',
          locale_code: '',
          secret_question: '',
          secret_answer_hash: '',
          email_notifications_disabled: 0,
          customer_type_code: s.customerTypeCode ?? '',
          payment_plan_id: 0,
          signup_at: NOW.getTime(),
          cancelled_at: null,
          last_sign_in_at: null,
          failed_sign_ins: 0,
          failed_window_started_at: null,
          locked_until: null,
          updated_at: NOW.getTime(),
        })),
      )
      .execute();
  }
}

/** `processes` processes, each making `perProcess` concurrent claims of one key once all are connected. */
async function claimFromProcesses(url: string, userId: number, key: string, processes: number, perProcess: number): Promise<string[]> {
  const script = path.resolve(import.meta.dirname, '../support/idempotency-claimer.ts');
  const children = Array.from({ length: processes }, () => spawn(process.execPath, ['--import', 'tsx', script, url, String(userId), key, String(perProcess)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const outputs = children.map((child) => {
    const lines = readline.createInterface({ input: child.stdout });
    const iterator = lines[Symbol.asyncIterator]();
    return { child, next: async () => (await iterator.next()).value as string | undefined };
  });
  for (const o of outputs) assert.equal(await o.next(), 'ready');
  for (const o of outputs) o.child.stdin.write('go\n');
  const kinds: string[] = [];
  for (const o of outputs) {
    const line = await o.next();
    kinds.push(...(JSON.parse(line ?? '[]') as string[]));
    await new Promise((resolve) => (o.child.exitCode === null ? o.child.once('exit', resolve) : resolve(undefined)));
  }
  return kinds;
}

for (const engine of ENGINES) {
  describe(`API access store on ${engine.name}`, () => {
    it('keeps API keys by digest: lists, revokes once, touches at most once a minute', async () => {
      const { store, done } = await migratedStore(engine);
      try {
        const entity = await insertEntity(store.db, 'Root', null);
        const user = await insertPartnerUser(store.db, entity, 'partner');
        const keys = apiKeyRepository(store.db);
        const first = await keys.insert({ partnerUserId: user, digest: 'd1', prefix: 'ams_aaaa', readOnly: true, createdAt: NOW, expiresAt: later(DAY) });
        const second = await keys.insert({ partnerUserId: user, digest: 'd2', prefix: 'ams_bbbb', readOnly: false, createdAt: NOW, expiresAt: null });
        await assert.rejects(keys.insert({ partnerUserId: user, digest: 'd1', prefix: 'ams_cccc', readOnly: false, createdAt: NOW, expiresAt: null }), 'digests are unique');
        assert.deepEqual(await keys.findByDigest('d1'), {
          id: first.id,
          partnerUserId: user,
          prefix: 'ams_aaaa',
          readOnly: true,
          createdAt: NOW,
          expiresAt: later(DAY),
          revokedAt: null,
          lastUsedAt: null,
        });
        assert.equal(await keys.findByDigest('nope'), undefined);
        assert.deepEqual((await keys.listForUser(user)).map((k) => k.id), [first.id, second.id]);
        assert.deepEqual(await keys.listForUser(user + 1), []);

        assert.equal(await keys.revoke(second.id, later(5)), true);
        assert.equal(await keys.revoke(second.id, later(9)), false, 'revoked once');
        assert.equal(await keys.revoke(9999, later(9)), false);
        assert.deepEqual((await keys.findByDigest('d2'))?.revokedAt, later(5));

        await keys.touch(first.id, later(1000));
        await keys.touch(first.id, later(30_000));
        assert.deepEqual((await keys.findByDigest('d1'))?.lastUsedAt, later(1000), 'not again within the minute');
        await keys.touch(first.id, later(61_000));
        assert.deepEqual((await keys.findByDigest('d1'))?.lastUsedAt, later(61_000));
      } finally {
        await done();
      }
    });

    it('claims a key, replays its answer, refuses another body, gives back a released key and replaces an expired one', async () => {
      const { store, done } = await migratedStore(engine);
      try {
        const entity = await insertEntity(store.db, 'Root', null);
        const user = await insertPartnerUser(store.db, entity, 'partner');
        const other = await insertPartnerUser(store.db, entity, 'other');
        const keys = idempotencyRepository(store.db);
        const claim = (who: number, key: string, digest: string, at = NOW) => keys.claim(who, key, digest, at, new Date(at.getTime() + DAY));
        assert.deepEqual(await claim(user, 'k-1', 'body-a'), { kind: 'claimed' });
        assert.deepEqual(await claim(user, 'k-1', 'body-a'), { kind: 'in-progress' });
        assert.deepEqual(await claim(user, 'k-1', 'body-b'), { kind: 'mismatch' });
        assert.deepEqual(await claim(other, 'k-1', 'body-b'), { kind: 'claimed' }, 'keys are per partner user');

        await keys.complete(user, 'k-1', { status: 201, headers: { location: '/api/v1/accounts/alice', 'content-type': 'application/json' }, body: '{"username":"alice"}' });
        assert.deepEqual(await claim(user, 'k-1', 'body-a', later(DAY - 1)), {
          kind: 'replay',
          status: 201,
          headers: { location: '/api/v1/accounts/alice', 'content-type': 'application/json' },
          body: '{"username":"alice"}',
        });
        assert.deepEqual(await claim(user, 'k-1', 'body-b', later(DAY - 1)), { kind: 'mismatch' });
        assert.deepEqual(await claim(user, 'k-1', 'body-b', later(DAY)), { kind: 'claimed' }, 'expired: claimable again, with any body');

        await keys.release(other, 'k-1');
        assert.deepEqual(await claim(other, 'k-1', 'body-c'), { kind: 'claimed' }, 'released: a retry may claim it');
        await keys.complete(other, 'k-1', { status: 204, headers: {}, body: '' });
        await keys.release(other, 'k-1');
        assert.equal((await claim(other, 'k-1', 'body-c')).kind, 'replay', 'a done key is not released');

        const long = 'x'.repeat(255);
        assert.deepEqual(await claim(user, long, 'd'), { kind: 'claimed' });
        await assert.rejects(claim(user, `${long}x`, 'd'), RangeError);
        await assert.rejects(claim(user, '', 'd'), RangeError);
      } finally {
        await done();
      }
    });

    it('gives exactly one of 40 concurrent claims from 4 processes the key', async () => {
      const { store, fresh, done } = await migratedStore(engine);
      try {
        const entity = await insertEntity(store.db, 'Root', null);
        const user = await insertPartnerUser(store.db, entity, 'partner');
        const kinds = await claimFromProcesses(fresh.url, user, 'retry-me', 4, 10);
        assert.equal(kinds.length, 40);
        assert.equal(kinds.filter((k) => k === 'claimed').length, 1, JSON.stringify(kinds));
        assert.ok(kinds.every((k) => k === 'claimed' || k === 'in-progress'), JSON.stringify(kinds));
        const rows = await store.db.selectFrom('idempotency_keys').selectAll().execute();
        assert.equal(rows.length, 1);
      } finally {
        await done();
      }
    });

    it('purges expired claims and answers, and keeps the rest', async () => {
      const { store, done } = await migratedStore(engine);
      try {
        const entity = await insertEntity(store.db, 'Root', null);
        const user = await insertPartnerUser(store.db, entity, 'partner');
        const keys = idempotencyRepository(store.db);
        for (let i = 0; i < 5; i++) await keys.claim(user, `old-${i}`, 'd', NOW, later(DAY));
        await keys.complete(user, 'old-0', { status: 201, headers: {}, body: '{}' });
        for (let i = 0; i < 3; i++) await keys.claim(user, `new-${i}`, 'd', later(DAY), later(2 * DAY));
        assert.equal(await keys.purgeExpired(later(DAY + 1)), 5);
        assert.equal(await keys.purgeExpired(later(DAY + 1)), 0);
        const left = await store.db.selectFrom('idempotency_keys').select('key').orderBy('key').execute();
        assert.deepEqual(left.map((r) => r.key), ['new-0', 'new-1', 'new-2']);
      } finally {
        await done();
      }
    });

    it('pages a subtree by lower-cased user name, filtered by customer type and status', async () => {
      const { store, done } = await migratedStore(engine);
      try {
        const root = await insertEntity(store.db, 'Root', null);
        const child = await insertEntity(store.db, 'Child', root);
        const grandchild = await insertEntity(store.db, 'Grandchild', child);
        const sibling = await insertEntity(store.db, 'Sibling', root);
        await insertAccounts(store.db, [
          { username: 'Bob', entityId: child, customerTypeCode: 'SMB' },
          { username: 'alice', entityId: grandchild, status: 'Cancelled' },
          { username: 'Carol', entityId: grandchild, customerTypeCode: 'SMB', status: 'Cancelled' },
          { username: 'dave', entityId: sibling },
          { username: 'erin', entityId: child },
        ]);
        const pages = accountPageRepository(store.db, store.traits);
        const names = async (q: Partial<Parameters<typeof pages.page>[0]>) =>
          (await pages.page({ entityId: child, customerTypeCode: null, status: null, afterUsername: null, limit: 100, ...q })).map((a) => a.username);
        assert.deepEqual(await names({}), ['alice', 'Bob', 'Carol', 'erin']);
        assert.deepEqual(await names({ limit: 2 }), ['alice', 'Bob']);
        assert.deepEqual(await names({ afterUsername: 'bob', limit: 2 }), ['Carol', 'erin']);
        assert.deepEqual(await names({ afterUsername: 'BOB' }), ['Carol', 'erin'], 'the cursor is compared lower-cased');
        assert.deepEqual(await names({ afterUsername: 'erin' }), []);
        assert.deepEqual(await names({ customerTypeCode: 'SMB' }), ['Bob', 'Carol']);
        assert.deepEqual(await names({ status: 'Cancelled' }), ['alice', 'Carol']);
        assert.deepEqual(await names({ status: 'Cancelled', customerTypeCode: 'SMB' }), ['Carol']);
        assert.deepEqual(await names({ entityId: root }), ['alice', 'Bob', 'Carol', 'dave', 'erin']);
        assert.deepEqual(await names({ entityId: grandchild }), ['alice', 'Carol']);
        const [carol] = await pages.page({ entityId: child, customerTypeCode: 'SMB', status: 'Cancelled', afterUsername: null, limit: 1 });
        assert.deepEqual(carol, {
          username: 'Carol',
          fullName: 'Name Carol',
          email: 'Carol@example.com',
          entityId: grandchild,
          customerTypeCode: 'SMB',
          paymentPlanId: 0,
          signupAt: NOW,
          status: 'Cancelled',
          quotaMb: 1024,
        });
        await assert.rejects(pages.page({ entityId: child, customerTypeCode: null, status: null, afterUsername: null, limit: 1001 }), RangeError);
        await assert.rejects(pages.page({ entityId: child, customerTypeCode: null, status: null, afterUsername: null, limit: 0 }), RangeError);
      } finally {
        await done();
      }
    });

    it('walks 2,100 accounts in pages while another task adds and removes accounts: none twice, none of the steady ones skipped', async () => {
      const { store, fresh, done } = await migratedStore(engine);
      // The writer is another instance where the engine allows several stores in one process.
      const writerStore = engine.concurrentStores ? fresh.open() : store;
      try {
        const root = await insertEntity(store.db, 'Root', null);
        const entities = [root];
        for (let i = 0; i < 4; i++) entities.push(await insertEntity(store.db, `E${i}`, entities[i % entities.length] ?? root));
        const outside = await insertEntity(store.db, 'Outside', null);
        const name = (i: number, tag: string) => `${tag}${String((i * 7919) % 10_000).padStart(4, '0')}-${i}`;
        const steady = Array.from({ length: 2100 }, (_, i) => ({ username: i % 3 === 0 ? name(i, 'U') : name(i, 'u'), entityId: entities[i % entities.length] ?? root }));
        // Every fifth of these may be deleted during the walk; the rest stay throughout.
        const volatile = Array.from({ length: 400 }, (_, i) => ({ username: name(i, 'v'), entityId: entities[i % entities.length] ?? root }));
        await insertAccounts(store.db, [...steady, ...volatile, ...Array.from({ length: 50 }, (_, i) => ({ username: name(i, 'o'), entityId: outside }))]);

        const pages = accountPageRepository(store.db, store.traits);
        let walking = true;
        let changes = 0;
        // A hand-off, not a sleep: the walker reads its next page only once the writer made a
        // change since the last one, so every page boundary sees the table move.
        let waiting: { atLeast: number; resume: () => void } | undefined;
        const untilChanges = (atLeast: number) => new Promise<void>((resume) => (changes >= atLeast ? resume() : (waiting = { atLeast, resume })));
        const writer = (async () => {
          let n = 0;
          while (walking) {
            await insertAccounts(writerStore.db, [{ username: name(n, n % 2 === 0 ? 'a' : 'w'), entityId: entities[n % entities.length] ?? root }]);
            const gone = volatile[n % volatile.length];
            if (gone) await writerStore.db.deleteFrom('accounts').where('username_key', '=', gone.username.toLowerCase()).execute();
            n += 1;
            changes += 2;
            if (waiting && changes >= waiting.atLeast) {
              waiting.resume();
              waiting = undefined;
            }
            // Let the walker read between changes (SQLite's synchronous driver never interleaves otherwise).
            await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        const seen: string[] = [];
        let cursor: string | null = null;
        let pagesRead = 0;
        try {
          for (;;) {
            const page = await pages.page({ entityId: root, customerTypeCode: null, status: null, afterUsername: cursor, limit: 97 });
            pagesRead += 1;
            seen.push(...page.map((a) => a.username.toLowerCase()));
            if (page.length < 97) break;
            cursor = page[page.length - 1]?.username.toLowerCase() ?? null;
            await untilChanges(pagesRead * 2);
          }
        } finally {
          walking = false;
          await writer;
        }
        assert.ok(pagesRead >= 22, `${pagesRead} pages`);
        assert.ok(changes >= 44, `the writer made ${changes} changes during the walk`);
        assert.equal(new Set(seen).size, seen.length, 'no account twice');
        const sorted = [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        if (engine.name === 'sqlite') assert.deepEqual(seen, sorted, 'in byte order of the lower-cased name');
        const seenSet = new Set(seen);
        const missing = steady.filter((s) => !seenSet.has(s.username.toLowerCase()));
        assert.deepEqual(missing, [], 'every account present throughout was seen');
        assert.ok(!seen.some((s) => s.startsWith('o')), 'nothing outside the subtree');
      } finally {
        if (writerStore !== store) await writerStore.close();
        await done();
      }
    });
  });
}
