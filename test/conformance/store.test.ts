/**
 * One store suite, run against every engine of engines.ts (SQLite always, PostgreSQL when
 * AMS_TEST_DATABASE_URL is set), each test on a fresh database: same migrations, same values,
 * same answers under concurrency. A test that runs on one engine only says why.
 */
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { exclusively, migrate, MigrationHistoryMismatchError, openStore, parseDatabaseUrl, postgresTls, type Store } from '../../src/store/create-db.js';
import type { Database } from '../../src/store/schema.js';
import { createUnitOfWork } from '../../src/store/unit-of-work.js';
import { outboxQueue } from '../../src/store/repositories/outbox-queue.js';
import { bootstrapFirstPartner, createPartnerUser } from '../../src/app/admin.js';
import type { PasswordHasher } from '../../src/domain/ports.js';
import { ENGINES, migratedStore, type EngineUnderTest } from './engines.js';
import { STORE_TEST_NOW, insertEntity, newAccount } from '../support/store-records.js';

const NOW = STORE_TEST_NOW;
const LOCKOUT = { maxFailures: 10, windowMs: 15 * 60_000, lockMs: 15 * 60_000, maxChecksPerHour: 100 };
/** Cheap and deterministic: these tests are about the store, not about Argon2. */
const plainHasher: PasswordHasher = { hash: async (s) => `plain:${s}`, verify: async (h, s) => h === `plain:${s}` };

async function count(db: Kysely<Database>, table: keyof Database): Promise<number> {
  return Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

/** A store per engine and test: each test starts from an empty, migrated database. */
function storeSuite(engine: EngineUnderTest) {
  let current: Awaited<ReturnType<typeof migratedStore>> | undefined;
  const fresh = async (): Promise<Store> => {
    await current?.done();
    current = await migratedStore(engine);
    return current.store;
  };
  /** Another store on the test's database, as a second instance would open it. */
  const another = (): Store => {
    if (!current) throw new Error('no database yet');
    return current.fresh.open();
  };
  after(async () => current?.done());
  return { fresh, another };
}

for (const engine of ENGINES) {
  describe(`store on ${engine.name}`, () => {
    const { fresh, another } = storeSuite(engine);

    it('runs on a database a newer release migrated, and refuses one another build migrated', async () => {
      const store = await fresh();
      // Applied after this build's own, as by the newer release (Kysely orders the history by time).
      const record = (name: string) => sql`INSERT INTO kysely_migration (name, timestamp) VALUES (${name}, ${new Date().toISOString()})`.execute(store.db);
      await record('999-from-a-newer-release');
      const newer = await migrate(store);
      assert.equal(newer.error, undefined);
      assert.deepEqual(newer.results, []);
      assert.deepEqual(newer.newerMigrations, ['999-from-a-newer-release']);

      await record('005a-from-another-build');
      const other = await migrate(store);
      assert.ok(other.error instanceof MigrationHistoryMismatchError, String(other.error));
      assert.deepEqual(other.error.unknown, ['005a-from-another-build', '999-from-a-newer-release']);
      assert.equal(other.results, undefined, 'nothing ran');
    });

    it('migrates an empty database, then finds nothing left to do', async () => {
      const store = await fresh();
      const again = await migrate(store);
      assert.equal(again.error, undefined);
      assert.deepEqual(again.results, []);
      const tables = (await store.db.introspection.getTables()).map((t) => t.name).sort();
      assert.deepEqual(tables, [
        'account_payments',
        'account_tokens',
        'account_usage',
        'accounts',
        'api_keys',
        'audit_log',
        'auth_failure_windows',
        'auth_known_sources',
        'authorization_tokens',
        'creating_account_tokens',
        'database_mode',
        'entities',
        'idempotency_keys',
        'import_ledger',
        'outbox',
        'partner_license_keys',
        'partner_rate_buckets',
        'partner_users',
        'sandbox_mail',
        'service_keys',
      ]);
    });

    it('stores times, sizes and 64-bit ids as plain numbers', async () => {
      const store = await fresh();
      const e = await insertEntity(store.db, 'Root', null);
      const uow = createUnitOfWork(store.db);
      const big = Number.MAX_SAFE_INTEGER;
      const inserted = await uow.accounts.insert(newAccount('Numbers', e, { quotaMb: big }));
      assert.notEqual(inserted, 'duplicate');
      await store.db.updateTable('accounts').set({ used_space_kb: big, locked_until: big }).execute();
      const row = await store.db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
      for (const column of ['id', 'quota_mb', 'used_space_kb', 'signup_at', 'locked_until'] as const) assert.equal(typeof row[column], 'number', column);
      assert.equal(row.quota_mb, big);
      assert.equal(row.signup_at, NOW.getTime());
      const account = await uow.accounts.findByUsername('numbers');
      assert.equal(account?.quotaMb, big);
      assert.equal(account?.usedSpaceKb, big);
      await uow.audit.record({
        at: NOW,
        context: { requestId: 'r', sourceAddress: '192.0.2.1', operation: 'Test' },
        caller: { userId: 1, username: 'p', entityId: e },
        accountId: null,
        accountUsername: '',
        outcome: 'Success',
        detail: { text: 'ünïcödé ✓' },
      });
      const audit = await store.db.selectFrom('audit_log').selectAll().executeTakeFirstOrThrow();
      assert.equal(typeof audit.id, 'number');
      assert.deepEqual(JSON.parse(audit.detail), { text: 'ünïcödé ✓' });
    });

    it('refuses a second account with the same user name in any case, also when the inserts race', async () => {
      const store = await fresh();
      const e = await insertEntity(store.db, 'Root', null);
      const uow = createUnitOfWork(store.db);
      assert.notEqual(await uow.accounts.insert(newAccount('Alice', e)), 'duplicate');
      assert.equal(await uow.accounts.insert(newAccount('ALICE', e)), 'duplicate');
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => uow.transaction((tx) => tx.accounts.insert(newAccount(i % 2 ? 'racer' : 'RACER', e)))),
      );
      assert.equal(results.filter((r) => r !== 'duplicate').length, 1);
      assert.equal(await count(store.db, 'accounts'), 2);
    });

    it('grants exactly the limit of password checks racing on one account, before any hashing, and locks at the limit', async () => {
      const store = await fresh();
      const e = await insertEntity(store.db, 'Root', null);
      // As the app builds it: reservations committed without waiting for the disk.
      const uow = createUnitOfWork(store.db, { unflushedWrites: store.unflushedWrites });
      const inserted = await uow.accounts.insert(newAccount('alice', e));
      assert.ok(inserted !== 'duplicate');
      const at = (ms: number) => new Date(NOW.getTime() + ms);
      // Thirty at once, as a burst on several connections would take them: ten granted, each with the hash to check.
      const racing = await Promise.all(Array.from({ length: 30 }, (_, i) => uow.transaction((tx) => tx.accounts.reserveSignInCheck(inserted.id, at(i), LOCKOUT))));
      const granted = racing.filter((r) => r.granted);
      assert.equal(granted.length, 10);
      for (const r of granted) assert.deepEqual(r, { granted: true, passwordHash: 'hash-1', credentialGeneration: 0 });
      const nine = await Promise.all(Array.from({ length: 9 }, (_, i) => uow.accounts.recordFailedSignIn(inserted.id, at(50 + i), LOCKOUT)));
      // All ten reserved: each failure (the count already at the limit) locks from its own time.
      assert.deepEqual(nine.map((r) => r.lockedUntil?.getTime()).sort(), Array.from({ length: 9 }, (_, i) => NOW.getTime() + 50 + i + LOCKOUT.lockMs).sort());
      const row = await store.db.selectFrom('accounts').select(['failed_sign_ins', 'locked_until', 'hour_checks']).executeTakeFirstOrThrow();
      assert.equal(row.failed_sign_ins, 10);
      assert.equal(row.hour_checks, 10);
      assert.notEqual(row.locked_until, null);
      assert.equal((await uow.accounts.reserveSignInCheck(inserted.id, at(200), LOCKOUT)).granted, false, 'locked: refused');
      // A reset clears the count and the lock (and a Locked status), and starts a new credential generation.
      await store.db.updateTable('accounts').set({ status: 'Locked' }).execute();
      assert.equal(await uow.accounts.setPassword(inserted.id, 'hash-2', at(300)), true);
      const reset = await uow.accounts.findById(inserted.id);
      assert.equal(reset?.lockedUntil, null);
      assert.equal(reset?.status, 'Active');
      assert.equal(reset?.passwordHash, 'hash-2');
      assert.equal(reset?.credentialGeneration, 1);
      assert.equal(await uow.accounts.setPassword(inserted.id, 'hash-3', at(301), 0), false, 'compare-and-set on a stale generation changes nothing');
      assert.equal((await uow.accounts.findById(inserted.id))?.passwordHash, 'hash-2');
      assert.deepEqual(await uow.accounts.reserveSignInCheck(inserted.id, at(400), LOCKOUT), { granted: true, passwordHash: 'hash-2', credentialGeneration: 1 });
      // A success clears the window's count and gives the hour's reservation back.
      await uow.accounts.recordSuccessfulSignIn(inserted.id, at(401));
      const afterSuccess = await store.db.selectFrom('accounts').select(['failed_sign_ins', 'hour_checks']).executeTakeFirstOrThrow();
      assert.deepEqual({ ...afterSuccess }, { failed_sign_ins: 0, hour_checks: 0 });
      // The relaxed commit setting ends with the write: every other commit still waits for the disk.
      const durability = store.traits.engine === 'sqlite' ? sql`PRAGMA synchronous` : sql`SHOW synchronous_commit`;
      assert.deepEqual(Object.values((await durability.execute(store.db)).rows[0] as object), [store.traits.engine === 'sqlite' ? 2 : 'on']);
    });

    it('opens a new window after the window or a lock ends, and never grants more than the hourly cap', async () => {
      const store = await fresh();
      const e = await insertEntity(store.db, 'Root', null);
      const uow = createUnitOfWork(store.db, { unflushedWrites: store.unflushedWrites });
      const inserted = await uow.accounts.insert(newAccount('alice', e));
      assert.ok(inserted !== 'duplicate');
      const policy = { maxFailures: 3, windowMs: 1_000, lockMs: 500, maxChecksPerHour: 5 };
      const reserve = (ms: number) => uow.accounts.reserveSignInCheck(inserted.id, new Date(NOW.getTime() + ms), policy);
      const grantedAt = async (ms: number, n: number) => (await Promise.all(Array.from({ length: n }, () => reserve(ms)))).filter((r) => r.granted).length;
      assert.equal(await grantedAt(0, 6), 3, 'the window: 3');
      await uow.accounts.recordFailedSignIn(inserted.id, new Date(NOW.getTime() + 10), policy);
      assert.equal(await grantedAt(400, 3), 0, 'locked until 510');
      assert.equal(await grantedAt(600, 6), 2, 'the lock ended: a new window, but the hour has only 2 checks left');
      assert.equal(await grantedAt(5_000, 3), 0, 'a new window, the hour spent');
      assert.equal(await grantedAt(3_600_001, 6), 3, 'a new hour');
    });

    it('walks the entity tree and counts accounts per backup server', async () => {
      const store = await fresh();
      const root = await insertEntity(store.db, 'Root', null);
      const reseller = await insertEntity(store.db, 'Reseller', root);
      const customer = await insertEntity(store.db, 'Customer', reseller);
      const other = await insertEntity(store.db, 'Other', root);
      const uow = createUnitOfWork(store.db);
      await uow.accounts.insert(newAccount('b-user', customer, { backupServer: 'backup-02' }));
      await uow.accounts.insert(newAccount('a-user', reseller));
      await uow.accounts.insert(newAccount('c-user', other));
      assert.equal(await uow.entities.isWithinTree(root, customer), true);
      assert.equal(await uow.entities.isWithinTree(reseller, customer), true);
      assert.equal(await uow.entities.isWithinTree(other, customer), false);
      assert.deepEqual(
        (await uow.accounts.listInTree(reseller, null)).map((a) => a.username),
        ['a-user', 'b-user'],
      );
      const counts = await uow.accounts.countByBackupServer(['backup-01', 'backup-02', 'backup-03']);
      assert.deepEqual([...counts.entries()], [
        ['backup-01', 2],
        ['backup-02', 1],
        ['backup-03', 0],
      ]);
    });

    it('reads a partner user and an account in one statement exactly as the two separate reads do', async () => {
      const store = await fresh();
      const root = await insertEntity(store.db, 'Root', null);
      const reseller = await insertEntity(store.db, 'Reseller', root);
      const customer = await insertEntity(store.db, 'Customer', reseller);
      const other = await insertEntity(store.db, 'Other', root);
      const disabled = await insertEntity(store.db, 'Disabled', reseller);
      await store.db.updateTable('entities').set({ active: 0 }).where('id', '=', disabled).execute();
      await createPartnerUser(store.db, plainHasher, { entityId: reseller, username: 'Reseller-Admin', secret: 'reseller-admin-secret-1' }, NOW);
      const plain = createUnitOfWork(store.db);
      await plain.accounts.insert(newAccount('Mine', customer));
      await plain.accounts.insert(newAccount('theirs', other));
      await plain.accounts.insert(newAccount('parked', disabled));
      // Both ways the hot path reads: through Kysely (PostgreSQL, transactions) and, on SQLite, the committed reader.
      const uows = [plain, ...(store.committedReader ? [createUnitOfWork(store.db, { committedReader: store.committedReader })] : [])];
      for (const uow of uows) {
        for (const partner of ['reseller-admin', 'RESELLER-ADMIN', 'nobody']) {
          for (const account of ['mine', 'MINE', 'theirs', 'parked', 'absent']) {
            const both = await uow.partnerUsers.findByUsernameWithAccount(partner, account);
            const user = await uow.partnerUsers.findByUsername(partner);
            assert.deepEqual(both.user, user, `${partner}/${account}: the partner user`);
            // With no partner user there is no tree to look in: nothing is read for the account.
            const expected = user === undefined ? undefined : await uow.accounts.findInTree(account, user.entityId);
            assert.deepEqual(both.account, expected, `${partner}/${account}: the account in the partner's tree`);
          }
        }
      }
      const mine = await plain.partnerUsers.findByUsernameWithAccount('reseller-admin', 'mine');
      assert.equal(mine.account?.inTree, true);
      assert.equal((await plain.partnerUsers.findByUsernameWithAccount('reseller-admin', 'theirs')).account?.inTree, false);
      assert.equal((await plain.partnerUsers.findByUsernameWithAccount('reseller-admin', 'parked')).account?.entityActive, false);
    });

    it('reads the tree listing in keyset batches: same order, every account once, a stop reads no more', async () => {
      const store = await fresh();
      const root = await insertEntity(store.db, 'Root', null);
      const reseller = await insertEntity(store.db, 'Reseller', root);
      const customer = await insertEntity(store.db, 'Customer', reseller);
      const other = await insertEntity(store.db, 'Other', root);
      const uow = createUnitOfWork(store.db);
      // Mixed case: the order is by the lower-cased key, as the buffered listing's.
      const names = ['Delta', 'alpha', 'Charlie', 'bravo', 'echo', 'Foxtrot', 'golf'];
      for (const [i, name] of names.entries()) await uow.accounts.insert(newAccount(name, i % 2 === 0 ? customer : reseller));
      await uow.accounts.insert(newAccount('aaa-elsewhere', other));
      const whole = (await uow.accounts.listInTree(reseller, null)).map((a) => a.username);
      assert.deepEqual(whole, ['alpha', 'bravo', 'Charlie', 'Delta', 'echo', 'Foxtrot', 'golf']);
      for (const size of [1, 2, 3, 7, 100]) {
        const batches: string[][] = [];
        for await (const batch of uow.accounts.listInTreeBatches(reseller, null, size)) batches.push(batch.map((a) => a.username));
        assert.deepEqual(batches.flat(), whole, `batches of ${size}`);
        assert.ok(batches.every((b) => b.length > 0 && b.length <= size));
      }
      // An account added behind the cursor is not listed, one ahead of it is; none twice.
      const seen: string[] = [];
      for await (const batch of uow.accounts.listInTreeBatches(reseller, null, 2)) {
        seen.push(...batch.map((a) => a.username));
        if (seen.length === 2) {
          await uow.accounts.insert(newAccount('aardvark', customer));
          await uow.accounts.insert(newAccount('zulu', customer));
        }
      }
      assert.deepEqual(seen, [...whole, 'zulu']);
      // A stop after the first batch: the generator ends, nothing more is read.
      const stopped = uow.accounts.listInTreeBatches(reseller, null, 2)[Symbol.asyncIterator]();
      assert.equal((await stopped.next()).value?.length, 2);
      assert.deepEqual(await stopped.return?.(), { done: true, value: undefined });
      assert.equal((await stopped.next()).done, true);
    });

    it('lets exactly one of several racing redemptions consume a token', async () => {
      const store = await fresh();
      const e = await insertEntity(store.db, 'Root', null);
      const uow = createUnitOfWork(store.db);
      const inserted = await uow.accounts.insert(newAccount('alice', e));
      assert.ok(inserted !== 'duplicate');
      const expiresAt = new Date(NOW.getTime() + 60_000);
      await uow.tokens.insertAuthorization({ digest: 'd-1', accountId: inserted.id, partnerUserId: null, entityId: e, issuedBy: 1, credentialGeneration: 0, expiresAt }, NOW);
      await uow.tokens.insertCreatingAccount({ digest: 'd-2', entityId: e, quotaMb: 100, isUltraSafe: false, issuedBy: 1, expiresAt }, NOW);
      const auth = await Promise.all(Array.from({ length: 6 }, () => uow.tokens.consumeAuthorization('d-1', NOW)));
      const creating = await Promise.all(Array.from({ length: 6 }, () => uow.tokens.consumeCreatingAccount('d-2', inserted.id, NOW)));
      assert.equal(auth.filter(Boolean).length, 1);
      assert.equal(creating.filter(Boolean).length, 1);
      assert.equal(await uow.tokens.consumeAuthorization('d-1', NOW), false);
    });

    it('stores and honours a token only while the credential generation it was bought with is current', async () => {
      const store = await fresh();
      const e = await insertEntity(store.db, 'Root', null);
      const uow = createUnitOfWork(store.db);
      const inserted = await uow.accounts.insert(newAccount('alice', e));
      assert.ok(inserted !== 'duplicate');
      const expiresAt = new Date(NOW.getTime() + 60_000);
      const authorization = (digest: string, credentialGeneration: number) =>
        uow.tokens.insertAuthorization({ digest, accountId: inserted.id, partnerUserId: null, entityId: e, issuedBy: 1, credentialGeneration, expiresAt }, NOW);
      assert.equal(await uow.tokens.insertAuthentication({ digest: 'a-0', accountId: inserted.id, credentialGeneration: 0, expiresAt }, NOW), true);
      assert.equal(await authorization('z-0', 0), true);
      assert.equal((await uow.tokens.findAuthentication('a-0'))?.credentialGeneration, 0);
      await uow.accounts.setPassword(inserted.id, 'hash-2', NOW);
      assert.equal(await uow.tokens.insertAuthentication({ digest: 'a-1', accountId: inserted.id, credentialGeneration: 0, expiresAt }, NOW), false);
      assert.equal(await authorization('z-1', 0), false);
      assert.equal(await uow.tokens.findAuthentication('a-1'), undefined);
      assert.equal(await uow.tokens.consumeAuthorization('z-0', NOW), false, 'bought before the change, not revoked, still refused');
      assert.equal(await authorization('z-2', 1), true);
      assert.equal(await uow.tokens.consumeAuthorization('z-2', NOW), true);
    });

    it("revokes only the account's live tokens, counts them, and writes the audit record, inside a change's transaction", async () => {
      const store = await fresh();
      const e = await insertEntity(store.db, 'Root', null);
      const uow = createUnitOfWork(store.db);
      const ids = await Promise.all(['alice', 'bob'].map((name) => uow.accounts.insert(newAccount(name, e))));
      const [alice, bob] = ids.map((id) => (id === 'duplicate' ? assert.fail('inserted') : id.id)) as [number, number];
      const at = (ms: number) => new Date(NOW.getTime() + ms);
      for (const [digest, accountId, expires] of [['a-live', alice, 60_000], ['a-live-2', alice, 60_000], ['a-expired', alice, -1], ['b-live', bob, 60_000]] as const) {
        await uow.tokens.insertAuthentication({ digest, accountId, credentialGeneration: 0, expiresAt: at(expires) }, NOW);
        await uow.tokens.insertAuthorization({ digest: `z${digest}`, accountId, partnerUserId: null, entityId: e, issuedBy: 1, credentialGeneration: 0, expiresAt: at(expires) }, NOW);
      }
      assert.equal(await uow.tokens.consumeAuthorization('za-live-2', NOW), true, 'used before the change: not counted again');
      const revoked = await uow.transaction(async (tx) => {
        const counts = [await tx.tokens.revokeForAccount(alice, 'authentication', at(10)), await tx.tokens.revokeForAccount(alice, 'authorization', at(10))];
        await tx.audit.record({
          at: at(10),
          context: { requestId: 'req-1', sourceAddress: '192.0.2.7', operation: 'ChangeBackupAccountPassword' },
          caller: { userId: 3, username: 'partner', entityId: e },
          accountId: alice,
          accountUsername: 'alice',
          outcome: 'Success',
          detail: { tokensRevoked: counts[0]! + counts[1]! },
        });
        return counts;
      });
      assert.deepEqual(revoked, [2, 1], 'live ones only: not the expired, not the used');
      const authentication = await store.db.selectFrom('account_tokens').select(['token_hash', 'revoked_at']).orderBy('token_hash').execute();
      assert.deepEqual(
        authentication.map((r) => [r.token_hash, r.revoked_at]),
        [['a-expired', null], ['a-live', at(10).getTime()], ['a-live-2', at(10).getTime()], ['b-live', null]],
      );
      const authorization = await store.db.selectFrom('authorization_tokens').select(['token_hash', 'used_at']).orderBy('token_hash').execute();
      assert.deepEqual(
        authorization.map((r) => [r.token_hash, r.used_at]),
        [['za-expired', null], ['za-live', at(10).getTime()], ['za-live-2', NOW.getTime()], ['zb-live', null]],
      );
      const audit = await store.db.selectFrom('audit_log').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual(
        { ...audit, id: 0 },
        {
          id: 0,
          at: at(10).getTime(),
          request_id: 'req-1',
          actor_user_id: 3,
          actor_username: 'partner',
          actor_entity_id: e,
          source_address: '192.0.2.7',
          operation: 'ChangeBackupAccountPassword',
          account_id: alice,
          account_username: 'alice',
          outcome: 'Success',
          detail: '{"tokensRevoked":3}',
        },
      );
    });

    it('rolls back everything a failed transaction wrote', async () => {
      const store = await fresh();
      const e = await insertEntity(store.db, 'Root', null);
      const uow = createUnitOfWork(store.db);
      await assert.rejects(
        uow.transaction(async (tx) => {
          await tx.accounts.insert(newAccount('alice', e));
          await tx.outbox.enqueue({ event: 'account-created', entityId: 1, to: 'a@example.com', username: 'alice', fullName: '', localeCode: '' }, NOW);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await count(store.db, 'accounts'), 0);
      assert.equal(await count(store.db, 'outbox'), 0);
    });

    it('hands each due outbox message to exactly one of several claiming workers', async () => {
      const store = await fresh();
      const uow = createUnitOfWork(store.db);
      for (let i = 0; i < 40; i++) {
        await uow.outbox.enqueue({ event: 'account-created', entityId: 1, to: `u${i}@example.com`, username: `u${i}`, fullName: '', localeCode: '' }, NOW);
      }
      // Several workers, each its own store (its own pool) where the engine allows it.
      const stores = engine.concurrentStores ? [store, another(), another(), another()] : [store];
      try {
        const queues = stores.map((s) => outboxQueue(s.db, s.traits));
        const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => queues[i % queues.length]!.claimDue(NOW.getTime(), 60_000, 10)));
        claims.push(await queues[0]!.claimDue(NOW.getTime(), 60_000, 100));
        const ids = claims.flat().map((m) => m.id);
        assert.equal(new Set(ids).size, ids.length, 'no message claimed twice');
        assert.equal(ids.length, 40, 'every due message claimed');
        assert.ok(claims.flat().every((m) => m.attempts === 1));
      } finally {
        for (const s of stores.slice(1)) await s.close();
      }
    });

    it('creates exactly one first partner user when several instances bootstrap at once', async () => {
      const store = await fresh();
      const stores = engine.concurrentStores ? [store, another(), another()] : [store, store, store];
      try {
        const results = await Promise.all(
          stores.map((s) => exclusively(s, 'bootstrap', (trx) => bootstrapFirstPartner(trx, plainHasher, { username: null, password: null }, NOW))),
        );
        assert.equal(results.filter((r) => r !== undefined).length, 1);
        assert.equal(await count(store.db, 'partner_users'), 1);
        assert.equal(await count(store.db, 'entities'), 1);
      } finally {
        for (const s of new Set(stores)) if (s !== store) await s.close();
      }
    });
  });
}

describe('PostgreSQL TLS options', () => {
  const url = 'postgres://ams@db.example.com:5432/ams';
  it('leaves TLS to the URL when nothing is set, and maps the libpq modes', () => {
    assert.equal(postgresTls(url, null, null), undefined);
    assert.equal(postgresTls(url, 'disable', null), false);
    assert.deepEqual(postgresTls(url, 'require', null), { rejectUnauthorized: false });
    assert.deepEqual(postgresTls(url, 'verify-full', null), { rejectUnauthorized: true });
    const caFile = new URL(import.meta.url).pathname; // any readable file stands in for a PEM
    const verifyCa = postgresTls(url, 'verify-ca', caFile);
    assert.ok(typeof verifyCa === 'object' && verifyCa.rejectUnauthorized === true && typeof verifyCa.ca === 'string');
    assert.equal(verifyCa.checkServerIdentity?.('db.example.com', {} as never), undefined, 'verify-ca does not check the host name');
    const full = postgresTls(url, null, caFile);
    assert.ok(typeof full === 'object' && full.rejectUnauthorized === true && full.checkServerIdentity === undefined, 'a CA file alone means verify-full');
  });
  it('refuses TLS set both in the URL and in the settings', () => {
    assert.throws(() => postgresTls(`${url}?sslmode=require`, 'verify-full', null), /both in the database URL/);
  });
});

for (const engine of ENGINES.filter((e) => e.concurrentStores)) {
  describe(`store on ${engine.name}: several instances, timeouts and faults`, () => {
    it('migrates exactly once when several instances start on an empty database at once', async () => {
      const fresh = await engine.fresh();
      const stores = Array.from({ length: 5 }, () => fresh.open());
      try {
        const results = await Promise.all(stores.map((s) => migrate(s)));
        for (const r of results) assert.equal(r.error, undefined, String(r.error));
        const applied = results.flatMap((r) => (r.results ?? []).filter((m) => m.status === 'Success').map((m) => m.migrationName));
        assert.deepEqual(applied.sort(), Object.keys(MIGRATIONS).sort());
        const executed = await sql<{ n: number }>`SELECT count(*)::int AS n FROM kysely_migration`.execute(stores[0]!.db);
        assert.equal(executed.rows[0]?.n, Object.keys(MIGRATIONS).length);
      } finally {
        for (const s of stores) await s.close();
        await fresh.drop();
      }
    });

    it('keeps the migrator\'s bookkeeping in the schema it migrates (two schemas, one database)', async () => {
      const fresh = await engine.fresh();
      const admin = fresh.open();
      try {
        await sql`CREATE SCHEMA tenant_a`.execute(admin.db);
        await sql`CREATE SCHEMA tenant_b`.execute(admin.db);
        for (const schema of ['tenant_a', 'tenant_b']) {
          const u = new URL(fresh.url);
          u.searchParams.set('options', `-c search_path=${schema}`);
          const store = openStore(parseDatabaseUrl(u.toString()));
          try {
            const r = await migrate(store);
            assert.equal(r.error, undefined, String(r.error));
            assert.equal(r.results?.length, Object.keys(MIGRATIONS).length);
          } finally {
            await store.close();
          }
        }
        const tables = await sql<{ schema: string; n: number }>`
          SELECT table_schema AS schema, count(*)::int AS n FROM information_schema.tables
          WHERE table_schema IN ('tenant_a', 'tenant_b') GROUP BY table_schema ORDER BY 1`.execute(admin.db);
        assert.deepEqual(tables.rows, [
          { schema: 'tenant_a', n: 22 },
          { schema: 'tenant_b', n: 22 },
        ]);
      } finally {
        await admin.close();
        await fresh.drop();
      }
    });

    it('ends a statement at the statement timeout', async () => {
      const { store, done } = await migratedStore(engine, { postgresStatementTimeoutMs: 300 });
      try {
        const started = Date.now();
        await assert.rejects(sql`SELECT pg_sleep(5)`.execute(store.db), (err: Error & { code?: string }) => err.code === '57014');
        assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
      } finally {
        await done();
      }
    });

    it('rolls back a transaction whose connection is lost halfway, and keeps working', async () => {
      const lost: Error[] = [];
      const { store, fresh, done } = await migratedStore(engine, { onConnectionError: (e) => lost.push(e) });
      const admin = fresh.open();
      try {
        const e = await insertEntity(store.db, 'Root', null);
        const uow = createUnitOfWork(store.db);
        await assert.rejects(
          uow.transaction(async (tx) => {
            await tx.accounts.insert(newAccount('alice', e));
            // The one connection of this database inside a transaction is this one: end it from outside.
            const inTransaction = await sql<{ pid: number }>`
              SELECT pid FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND datname = current_database()`.execute(admin.db);
            assert.equal(inTransaction.rows.length, 1);
            await sql`SELECT pg_terminate_backend(${inTransaction.rows[0]!.pid})`.execute(admin.db);
            await new Promise((r) => setTimeout(r, 100));
            await tx.outbox.enqueue({ event: 'account-created', entityId: 1, to: 'a@example.com', username: 'alice', fullName: '', localeCode: '' }, NOW);
          }),
        );
        assert.equal(await count(store.db, 'accounts'), 0, 'the insert was rolled back');
        assert.equal(await count(store.db, 'outbox'), 0);
        assert.notEqual(await createUnitOfWork(store.db).accounts.insert(newAccount('alice', e)), 'duplicate', 'the pool works again');
      } finally {
        await admin.close();
        await done();
      }
    });

    it('passes the TLS setting to the driver (this server speaks no TLS, so `require` is refused)', async () => {
      const fresh = await engine.fresh();
      const plain = fresh.open();
      const store = fresh.open({ postgresSslMode: 'require' });
      try {
        const ssl = (await sql<{ ssl: string }>`SHOW ssl`.execute(plain.db)).rows[0]?.ssl;
        if (ssl === 'on') {
          await sql`SELECT 1`.execute(store.db);
        } else {
          await assert.rejects(sql`SELECT 1`.execute(store.db), /does not support SSL/);
        }
      } finally {
        await plain.close();
        await store.close();
        await fresh.drop();
      }
    });
  });
}
