/** The per-account sign-in lock-out of SERVICE.md §4, through Authenticate, with a controlled clock. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALICE_PASSWORD, RESELLER_A_SECRET, fixedClock, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';

const AUTH = { user: 'reseller-a', password: RESELLER_A_SECRET };

describe('sign-in lock-out', () => {
  const clock = fixedClock();
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ clock, template: await seededTemplate() });
  });
  after(async () => t.close());

  const signIn = (password: string) => call(t, 'Authenticate', { userName: 'alice', password }, AUTH);

  it('locks after 10 failures in 15 minutes, answers AccountLocked without checking, unlocks by itself', async () => {
    for (let i = 0; i < 9; i++) assert.equal((await signIn(`wrong-password-${i}`)).code, 'InvalidAccountCredentials');
    assert.equal((await signIn(ALICE_PASSWORD)).code, 'Success', 'a success before the 10th failure resets the count');
    for (let i = 0; i < 10; i++) assert.equal((await signIn(`wrong-password-${i}`)).code, 'InvalidAccountCredentials');
    const locked = await signIn(ALICE_PASSWORD);
    assert.equal(locked.code, 'AccountLocked');
    assert.equal(locked.text('accountStatus'), 'Locked');
    clock.advance(15 * 60_000 + 1);
    const after = await signIn(ALICE_PASSWORD);
    assert.equal(after.code, 'Success');
    assert.equal(after.text('accountStatus'), 'Active');
  });

  it('does not lock when the failures are spread over more than the window', async () => {
    for (let i = 0; i < 9; i++) assert.equal((await signIn(`wrong-${i}-password`)).code, 'InvalidAccountCredentials');
    clock.advance(15 * 60_000 + 1);
    for (let i = 0; i < 9; i++) assert.equal((await signIn(`wrong-${i}-password`)).code, 'InvalidAccountCredentials');
    assert.equal((await signIn(ALICE_PASSWORD)).code, 'Success');
  });

  it('is lifted by a partner reset', async () => {
    for (let i = 0; i < 10; i++) await signIn(`wrong-password-${i}`);
    assert.equal((await signIn(ALICE_PASSWORD)).code, 'AccountLocked');
    const reset = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'after-lock-password', SendEmailToCustomer: false }, AUTH);
    assert.equal(reset.code, 'Success');
    assert.equal((await signIn('after-lock-password')).code, 'Success');
  });
});
