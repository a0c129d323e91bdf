/**
 * The SQLite committed reader (src/store/committed-reader.ts): the hot lookups outside a
 * transaction read on a second connection. What must hold: they never see a transaction's
 * uncommitted (possibly rolled back) writes, they see every commit at once, a transaction's
 * own reads still see its own writes, and the reader cannot write.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { migrate, openStore, parseDatabaseUrl, type Store } from '../../src/store/create-db.js';
import { createUnitOfWork } from '../../src/store/unit-of-work.js';
import type { UnitOfWork } from '../../src/domain/ports.js';
import { STORE_TEST_NOW, insertEntity, newAccount } from '../support/store-records.js';

const NOW = STORE_TEST_NOW;

/** Closed and removed after the suite. */
const cleanups: (() => Promise<void>)[] = [];

async function storeWithAccount(): Promise<{ store: Store; uow: UnitOfWork; entityId: number; accountId: number; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-reader-'));
  const store = openStore(parseDatabaseUrl(path.join(dir, 'ams.sqlite')));
  cleanups.push(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const migrated = await migrate(store);
  assert.equal(migrated.error, undefined);
  assert.ok(store.committedReader, 'a SQLite file store has a committed reader');
  const uow = createUnitOfWork(store.db, { committedReader: store.committedReader });
  const entityId = await insertEntity(store.db, 'reseller', null);
  const inserted = await uow.accounts.insert(newAccount('alice', entityId, { email: 'alice@example.com' }));
  assert.notEqual(inserted, 'duplicate');
  return { store, uow, entityId, accountId: (inserted as { id: number }).id, dir };
}

describe('SQLite committed reader', () => {
  after(async () => {
    for (const c of cleanups) await c();
  });

  it('never sees the writes of an open transaction, sees them once committed; the transaction sees its own', async () => {
    const { uow, entityId, accountId } = await storeWithAccount();
    await uow.transaction(async (trx) => {
      await trx.accounts.update(accountId, { email: 'new@example.com' }, NOW);
      assert.equal((await trx.accounts.findInTree('alice', entityId))?.account.email, 'new@example.com', 'inside: its own write');
      assert.equal((await uow.accounts.findInTree('alice', entityId))?.account.email, 'alice@example.com', 'outside: committed data only');
    });
    assert.equal((await uow.accounts.findInTree('alice', entityId))?.account.email, 'new@example.com', 'after the commit, at once');
  });

  it('never sees a write that is rolled back', async () => {
    const { uow, entityId, accountId } = await storeWithAccount();
    const seen: string[] = [];
    await assert.rejects(
      uow.transaction(async (trx) => {
        await trx.accounts.update(accountId, { email: 'doomed@example.com' }, NOW);
        seen.push((await uow.accounts.findInTree('alice', entityId))?.account.email ?? 'missing');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    seen.push((await uow.accounts.findInTree('alice', entityId))?.account.email ?? 'missing');
    assert.deepEqual(seen, ['alice@example.com', 'alice@example.com']);
  });

  it('remembers results only while nothing changed: a commit by another process is seen by the next read', async () => {
    const { uow, entityId, dir } = await storeWithAccount();
    // A real second process, as the operator CLI or another instance would be: its commit is
    // over when it exits, and the service hears of that through I/O, as a client would tell it.
    const otherProcess = (statement: string, ...values: string[]): void => {
      execFileSync(process.execPath, [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]); db.prepare(process.argv[2]).run(...process.argv.slice(3)); db.close();`,
        path.join(dir, 'ams.sqlite'),
        statement,
        ...values,
      ]);
    };
    for (const email of ['one@example.com', 'two@example.com', 'three@example.com']) {
      // Read twice (the second from memory), then change the row behind the service's back.
      assert.notEqual((await uow.accounts.findInTree('alice', entityId))?.account.email, email);
      assert.notEqual((await uow.accounts.findInTree('alice', entityId))?.account.email, email);
      otherProcess('UPDATE accounts SET email = ? WHERE username = ?', email, 'alice');
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal((await uow.accounts.findInTree('alice', entityId))?.account.email, email);
    }
    otherProcess('DELETE FROM accounts');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await uow.accounts.findInTree('alice', entityId), undefined, 'a deleted row is not served from memory');
  });

  it("sees the service's own writes at once, in the same drain, with or without a transaction", async () => {
    const { uow, entityId, accountId } = await storeWithAccount();
    // Nothing here waits for I/O: every read below runs in the same drain as the write before it.
    for (const email of ['one@example.com', 'two@example.com']) {
      assert.notEqual((await uow.accounts.findInTree('alice', entityId))?.account.email, email);
      await uow.accounts.update(accountId, { email }, NOW);
      assert.equal((await uow.accounts.findInTree('alice', entityId))?.account.email, email, 'a write outside a transaction');
    }
    await uow.transaction((trx) => trx.accounts.update(accountId, { email: 'three@example.com' }, NOW));
    assert.equal((await uow.accounts.findInTree('alice', entityId))?.account.email, 'three@example.com', 'a committed transaction');
  });

  it('cannot write, whatever SQL reaches it', async () => {
    const { store } = await storeWithAccount();
    assert.throws(() => store.committedReader!.all('DELETE FROM accounts', []), /only statements that return rows/);
    assert.throws(() => store.committedReader!.all('DELETE FROM accounts RETURNING id', []), /readonly/i);
    assert.equal((await store.committedReader!.all<{ n: number }>('SELECT count(*) AS n FROM accounts', []))[0]?.n, 1);
  });

  it('is absent for :memory:, where a second connection would open another, empty database', async () => {
    const store = openStore(parseDatabaseUrl(':memory:'));
    cleanups.push(() => store.close());
    assert.equal(store.committedReader, undefined);
  });
});
