/**
 * Issue 14, item 6: stored text fields refuse control characters and the invisible format
 * characters that make text read otherwise than it is, naming the field (and the character by
 * its code point, never echoing it). Rules first, then through the operations that store them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkOptionalEmail, checkOptionalText } from '../../src/domain/validation.js';
import { ALICE_PASSWORD, RESELLER_A_SECRET, fixedClock, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';

const REFUSED: readonly [string, string][] = [
  ['\t', 'TAB'],
  ['\n', 'LF'],
  ['\u001b', 'ESC'],
  ['\u007f', 'DEL'],
  ['\u0085', 'NEL'],
  ['\u009b', 'CSI'],
  ['\u200e', 'LRM'],
  ['\u200f', 'RLM'],
  ['\u202a', 'LRE'],
  ['\u202b', 'RLE'],
  ['\u202c', 'PDF'],
  ['\u202d', 'LRO'],
  ['\u202e', 'RLO'],
  ['\u2066', 'LRI'],
  ['\u2067', 'RLI'],
  ['\u2068', 'FSI'],
  ['\u2069', 'PDI'],
  ['\u061c', 'ALM'],
  ['\u200b', 'ZWSP'],
  ['\ufeff', 'BOM'],
  ['\u2060', 'WJ'],
  ['\u00ad', 'SHY'],
  ['\u2028', 'LINE SEPARATOR'],
];

const hex = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

describe('text field rules', () => {
  for (const [c, name] of REFUSED) {
    it(`refuses ${name} (${hex(c)}) in a name and in an e-mail address, naming the field and the code point`, () => {
      const text = checkOptionalText('FullName', `Alice${c}Example`, 200);
      assert.deepEqual(text, {
        ok: false,
        failure: { ok: false, code: 'InvalidInputParameters', message: `FullName contains a control or invisible formatting character (${hex(c)}).` },
      });
      const email = checkOptionalEmail('Email', `alice${c}@example.com`);
      assert.equal(email.ok, false);
      assert.ok(!email.ok && email.failure.message?.startsWith('Email '), JSON.stringify(email));
      assert.ok(!email.ok && !email.failure.message?.includes(c), 'the character itself is never echoed');
    });
  }

  it('keeps what people write: accents, scripts, ZWNJ in Persian, ZWJ in emoji sequences', () => {
    for (const value of ['Zoë Ðurić', '山田 太郎', 'می\u200cخواهم', 'Family \u{1F468}\u200d\u{1F469}\u200d\u{1F467}', 'Ørsted & Söhne', 'O\u2019Brien']) {
      assert.deepEqual(checkOptionalText('FullName', value, 200), { ok: true, value });
    }
    assert.equal(checkOptionalEmail('Email', 'jose.nuñez@example.com').ok, true);
    // An address has no use for ZWJ: refused there.
    assert.equal(checkOptionalEmail('Email', 'a\u200d@example.com').ok, false);
  });
});

describe('text fields through the operations that store them', () => {
  const auth = { user: 'reseller-a', password: RESELLER_A_SECRET };
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ clock: fixedClock(), template: await seededTemplate() });
  });
  after(async () => t.close());

  const account = (username: string) => t.app.store.db.selectFrom('accounts').select(['email', 'license_key']).where('username', '=', username).executeTakeFirst();
  const auditRows = async () => (await t.app.store.db.selectFrom('audit_log').select('id').execute()).length;
  const outboxRows = async () => (await t.app.store.db.selectFrom('outbox').select('id').execute()).length;

  it('CreateUltraSafeAccount: secretQuestion with a bidi override, answer with NEL, firstName with CSI', async () => {
    const base = { firstName: 'Dora', userName: 'dora', password: 'dora-password-1', email: 'dora@example.com', licenseKey: '', localeCode: 'en-US', secretQuestion: 'Pet?', answer: 'Rex' };
    const cases: [Record<string, string>, string][] = [
      [{ secretQuestion: 'Your \u202epet?' }, 'secretQuestion'],
      [{ answer: 'R\u0085ex' }, 'answer'],
      [{ firstName: 'Do\u009b31mra' }, 'firstName'],
      [{ email: 'dora\u0085@example.com' }, 'email'],
    ];
    for (const [change, field] of cases) {
      const r = await call(t, 'CreateUltraSafeAccount', { ...base, ...change }, auth);
      assert.equal(r.code, 'InvalidInputParameters', field);
      assert.match(r.message ?? '', new RegExp(`^${field} contains a control or invisible formatting character \\(U\\+[0-9A-F]{4}\\)\\.$`));
    }
    assert.equal(await account('dora'), undefined, 'nothing stored');
    assert.equal((await call(t, 'CreateUltraSafeAccount', base, auth)).code, 'Success', 'the same request without them is fine');
  });

  it('ChangeAccountLicenseKey and ChangeAccountEmail: refused, nothing changed, nothing audited, nobody told', async () => {
    const audits = await auditRows();
    const queued = await outboxRows();
    const key = await call(t, 'ChangeAccountLicenseKey', { userName: 'alice', licenseKey: 'LK-\u2066evil\u2069' }, auth);
    assert.equal(key.code, 'InvalidInputParameters');
    assert.equal(key.message, 'licenseKey contains a control or invisible formatting character (U+2066).');
    const email = await call(t, 'ChangeAccountEmail', { userName: 'alice', password: ALICE_PASSWORD, email: 'alice\u007f@example.com' }, auth);
    assert.equal(email.code, 'InvalidInputParameters');
    assert.equal(email.message, 'email contains a control or invisible formatting character (U+007F).');
    assert.deepEqual(await account('alice'), { email: 'alice@example.com', license_key: 'LK-0001' });
    assert.equal(await auditRows(), audits);
    assert.equal(await outboxRows(), queued);
  });
});
