/**
 * The limits the composition root once hard-coded are settings (issue 16): the app answers by
 * the configured password maximum and creating-account token lifetimes, not by built-in numbers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RESELLER_A_SECRET, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';

const A = { user: 'reseller-a', password: RESELLER_A_SECRET };

describe('limits from the settings', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      template: await seededTemplate(),
      env: { AMS_PASSWORD_MAX_LENGTH: '12', AMS_CREATING_ACCOUNT_TOKEN_MAX_HOURS: '5', AMS_CREATING_ACCOUNT_TOKEN_DEFAULT_HOURS: '3' },
    });
  });
  after(async () => t.close());

  it('refuses a password one character over AMS_PASSWORD_MAX_LENGTH and takes one at it', async () => {
    const over = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'x'.repeat(13), SendEmailToCustomer: false }, A);
    assert.equal(over.code, 'InvalidInputParameters');
    assert.match(over.message ?? '', /8 to 12 characters/);
    const at = await call(t, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'y'.repeat(12), SendEmailToCustomer: false }, A);
    assert.equal(at.code, 'Success');
  });

  it('bounds ValidForHours by AMS_CREATING_ACCOUNT_TOKEN_MAX_HOURS and fills 0 with the default', async () => {
    const args = { TargetEntityId: 0, AccountSizeMB: 1024, IsUltrasafe: false };
    const over = await call(t, 'GenerateCreatingAccountToken', { ...args, ValidForHours: 6 }, A);
    assert.equal(over.code, 'InvalidInputParameters');
    assert.match(over.message ?? '', /between 1 and 5 \(0 means 3\)/);
    const before = Date.now();
    const byDefault = await call(t, 'GenerateCreatingAccountToken', { ...args, ValidForHours: 0 }, A);
    assert.equal(byDefault.code, 'Success');
    const expires = Date.parse(/<ExpiresUtc>([^<]+)<\/ExpiresUtc>/.exec(byDefault.response.body)?.[1] ?? '');
    const hours = (expires - before) / 3_600_000;
    assert.ok(hours > 2.9 && hours <= 3.01, `expires in ${hours} h`);
  });
});
