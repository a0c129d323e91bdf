/**
 * A partner's change to an account reads the account with the partner check (its contract's
 * accountArgument): one read outside the transaction instead of two, one database round trip
 * fewer on PostgreSQL (issue 20). The change is still decided by the read inside its
 * transaction: a state that forbids it, set after the partner check, still refuses it.
 * On the real store of the harness's engine (AMS_TEST_HARNESS_ENGINE).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RESELLER_A_SECRET, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';
import type { CommittedReader } from '../../src/store/committed-reader.js';

const AUTH = { user: 'reseller-a', password: RESELLER_A_SECRET };

/** The SQL texts `reader` runs while `work` does. */
async function readsDuring(reader: CommittedReader, work: () => Promise<unknown>): Promise<string[]> {
  const reads: string[] = [];
  const all = reader.all.bind(reader);
  reader.all = (sql, parameters) => {
    reads.push(sql);
    return all(sql, parameters);
  };
  try {
    await work();
  } finally {
    reader.all = all;
  }
  return reads;
}

describe("a partner's change reads the account with the partner check", () => {
  let t: TestApp;
  let reader: CommittedReader;
  before(async () => {
    t = await startTestApp({ template: await seededTemplate() });
    reader = t.app.store.committedReader ?? assert.fail('the store has a committed reader');
    // The first call verifies the partner's secret; the ones measured below find it remembered.
    assert.equal((await call(t, 'GetAccountInfo', { userName: 'alice' }, AUTH)).code, 'Success');
  });
  after(async () => t.close());

  const changes: [string, Record<string, string | number | boolean>][] = [
    ['ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'a-new-password-1', SendEmailToCustomer: false }],
    ['ChangeBackupAccountEmail', { Username: 'alice', Email: 'alice-2@example.com', SendEmailToCustomer: false }],
    ['ChangeAccountLicenseKey', { userName: 'alice', licenseKey: 'KEY-2' }],
    ['ChangeAccountSize', { userName: 'alice', sizeInMB: 2048 }],
  ];
  for (const [operation, fields] of changes) {
    it(`${operation}: one read outside the transaction, and the change is made`, async () => {
      const before = await t.app.store.db.selectFrom('accounts').selectAll().where('username', '=', 'alice').executeTakeFirstOrThrow();
      let code: string | undefined;
      const reads = await readsDuring(reader, async () => {
        code = (await call(t, operation, fields, AUTH)).code;
      });
      assert.equal(code, 'Success');
      assert.equal(reads.length, 1, `reads outside the transaction: ${reads.length}`);
      assert.match(reads[0]!, /partner_users/);
      assert.match(reads[0]!, /accounts/);
      const changed = await t.app.store.db.selectFrom('accounts').selectAll().where('username', '=', 'alice').executeTakeFirstOrThrow();
      assert.ok(changed.updated_at >= before.updated_at);
      assert.notDeepEqual({ ...changed, updated_at: 0 }, { ...before, updated_at: 0 });
    });
  }

  it('is still refused when the account was cancelled after the partner check read it', async () => {
    // The cancellation commits between the partner check's read and the transaction: the
    // read-ahead (Active) lets the call go on, the transaction's own read refuses it.
    const all = reader.all.bind(reader);
    reader.all = async <Row>(sql: string, parameters: readonly unknown[]) => {
      reader.all = all;
      const rows = await all<Row>(sql, parameters);
      await t.app.store.db.updateTable('accounts').set({ status: 'Cancelled' }).where('username', '=', 'alice').execute();
      return rows;
    };
    const before = await t.app.store.db.selectFrom('accounts').select(['password_hash', 'credential_generation']).where('username', '=', 'alice').executeTakeFirstOrThrow();
    let result: Awaited<ReturnType<typeof call>>;
    try {
      result = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'another-password-2', SendEmailToCustomer: false }, AUTH);
    } finally {
      // Restored even when the call fails, so the tests after this one read through the real reader.
      reader.all = all;
    }
    assert.equal(result.code, 'InvalidAccountState');
    const after = await t.app.store.db.selectFrom('accounts').select(['password_hash', 'credential_generation']).where('username', '=', 'alice').executeTakeFirstOrThrow();
    assert.deepEqual(after, before, 'nothing written');
  });

  it('CancelAccount: one read outside the transaction', async () => {
    await t.app.store.db.updateTable('accounts').set({ status: 'Active' }).where('username', '=', 'alice').execute();
    let code: string | undefined;
    const reads = await readsDuring(reader, async () => {
      code = (await call(t, 'CancelAccount', { userName: 'alice' }, AUTH)).code;
    });
    assert.equal(code, 'Success');
    assert.equal(reads.length, 1);
    const row = await t.app.store.db.selectFrom('accounts').select('status').where('username', '=', 'alice').executeTakeFirstOrThrow();
    assert.equal(row.status, 'Cancelled');
  });
});
