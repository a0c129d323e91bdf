/** The pure parts of the feeds: the RFC 4180 parser, the byte limits and each field rule. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countLines, decodeCsv, parseCsv } from '../../src/feeds/csv.js';
import { checkAmount, checkCurrency, checkIsoDate, checkText, checkUsedKb } from '../../src/feeds/fields.js';

const fieldsOf = (text: string) => parseCsv(text).records.map((r) => [r.line, ...r.fields]);

describe('parseCsv', () => {
  it('splits records on LF and CRLF, with and without a final line break', () => {
    assert.deepEqual(fieldsOf('a,b\r\nc,d\ne,f'), [
      [1, 'a', 'b'],
      [2, 'c', 'd'],
      [3, 'e', 'f'],
    ]);
    assert.deepEqual(fieldsOf('a,b\n'), [[1, 'a', 'b']]);
    assert.deepEqual(fieldsOf('a,\n,b,'), [
      [1, 'a', ''],
      [2, '', 'b', ''],
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quotes, numbering records by their first line', () => {
    assert.deepEqual(fieldsOf('"x, y","say ""hi""","two\r\nlines"\nnext,"",end'), [
      [1, 'x, y', 'say "hi"', 'two\r\nlines'],
      [3, 'next', '', 'end'],
    ]);
  });

  it('skips blank lines but counts them', () => {
    assert.deepEqual(fieldsOf('\na,b\r\n\r\nc,d\n\n'), [
      [2, 'a', 'b'],
      [4, 'c', 'd'],
    ]);
  });

  it('reports stray and unclosed quotes and carries on with the next line', () => {
    const { records, problems } = parseCsv('a"b,c\n"x"y,z\nok,1\n"open,2\nmore');
    assert.deepEqual(
      records.map((r) => r.fields),
      [['ok', '1']],
    );
    assert.deepEqual(
      problems.map((p) => p.line),
      [1, 2, 4],
    );
    assert.match(problems[0]?.message ?? '', /quote inside an unquoted field/);
    assert.match(problems[1]?.message ?? '', /text after a closing quote/);
    assert.match(problems[2]?.message ?? '', /never closed/);
  });
});

describe('decodeCsv', () => {
  it('drops a BOM, refuses invalid UTF-8 and too many lines', () => {
    assert.deepEqual(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), { ok: true, text: 'a' });
    const latin1 = decodeCsv(new Uint8Array([0x4d, 0xfc, 0x6c]));
    assert.equal(latin1.ok, false);
    assert.equal(countLines(''), 0);
    assert.equal(countLines('a\nb'), 2);
    assert.equal(countLines('a\nb\n'), 2);
    assert.equal(decodeCsv(Buffer.from('x\n'.repeat(1_000_000))).ok, true, 'exactly the limit is fine');
  });
});

describe('field rules', () => {
  it('used_kb: digits only, up to 2^53 − 1', () => {
    assert.deepEqual(checkUsedKb('0'), { ok: true, value: 0n });
    assert.deepEqual(checkUsedKb('9007199254740991'), { ok: true, value: 9007199254740991n });
    for (const bad of ['', '-1', '1.5', '1e3', ' 1', '+1', '9007199254740992']) assert.equal(checkUsedKb(bad).ok, false, bad);
  });

  it('dates: ISO dates and zoned date-times to epoch ms; impossible or zoneless ones refused', () => {
    assert.deepEqual(checkIsoDate('2024-02-29'), { ok: true, value: Date.UTC(2024, 1, 29) });
    assert.deepEqual(checkIsoDate('2026-01-15T10:30Z'), { ok: true, value: Date.UTC(2026, 0, 15, 10, 30) });
    assert.deepEqual(checkIsoDate('2026-01-15T00:30:00.1239-02:30'), { ok: true, value: Date.UTC(2026, 0, 15, 3, 0, 0, 123) });
    assert.deepEqual(checkIsoDate('0050-06-01'), { ok: true, value: new Date('0050-06-01T00:00:00Z').getTime() });
    for (const bad of ['2025-02-29', '2026-13-01', '2026-01-15T24:00:00Z', '2026-01-15T10:30:00', '15/01/2026', '2026-1-5', '']) {
      assert.equal(checkIsoDate(bad).ok, false, bad);
    }
  });

  it('amounts: normalised decimal text, at most 4 places, never a float', () => {
    const cases: [string, string][] = [
      ['12.50', '12.50'],
      ['-3', '-3'],
      ['+007.1000', '7.1000'],
      ['-0.00', '0.00'],
      ['0', '0'],
      ['123456789012345678.9999', '123456789012345678.9999'],
    ];
    for (const [input, stored] of cases) assert.deepEqual(checkAmount(input), { ok: true, value: stored }, input);
    for (const bad of ['1.23456', '.5', '5.', '1,50', '1e2', '', '- 1', '1234567890123456789']) assert.equal(checkAmount(bad).ok, false, bad);
  });

  it('currency and text', () => {
    assert.equal(checkCurrency('EUR').ok, true);
    for (const bad of ['eur', 'EU', 'EURO', '']) assert.equal(checkCurrency(bad).ok, false, bad);
    const system = { column: 'system', max: 3, required: true };
    assert.equal(checkText('😀😀😀', system).ok, true, 'length in code points');
    for (const bad of ['', '  ', 'abcd', 'a\u0001', 'a\nb']) assert.equal(checkText(bad, system).ok, false, JSON.stringify(bad));
    assert.deepEqual(checkText('a\r\nb', { column: 'description', max: 10, required: false, multiline: true }), { ok: true, value: 'a\nb' });
  });
});
