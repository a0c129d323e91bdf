/**
 * xsd:dateTime formatting (src/soap/lexical.ts): the field-by-field formatter must write exactly
 * what XmlSerializer's rule gives when applied to toISOString(): UTC, `Z`, fractional seconds
 * only when non-zero and without trailing zeros.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDateTime, parseDateTime } from '../../src/soap/lexical.js';

/** The rule stated on the ISO string, independently of the implementation. */
function byIsoString(date: Date): string {
  const iso = date.toISOString();
  const [main, fraction = ''] = iso.slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed ? `${main}.${trimmed}Z` : `${main}Z`;
}

describe('formatDateTime', () => {
  it('writes whole seconds without a fraction and trims trailing zeros', () => {
    assert.equal(formatDateTime(new Date('2024-05-01T13:45:00.000Z')), '2024-05-01T13:45:00Z');
    assert.equal(formatDateTime(new Date('2024-05-01T13:45:00.120Z')), '2024-05-01T13:45:00.12Z');
    assert.equal(formatDateTime(new Date('2024-05-01T03:04:05.007Z')), '2024-05-01T03:04:05.007Z');
    assert.equal(formatDateTime(new Date('2024-12-31T23:59:59.500Z')), '2024-12-31T23:59:59.5Z');
    assert.equal(formatDateTime(new Date('0001-01-01T00:00:00Z')), '0001-01-01T00:00:00Z', 'DateTime.MinValue');
  });

  it('agrees with the rule applied to toISOString() for any date, and parses back to the same instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (date) => {
        const text = formatDateTime(date);
        assert.equal(text, byIsoString(date));
        assert.equal(parseDateTime(text).getTime(), date.getTime());
      }),
      { numRuns: 5000, seed: 20261127 },
    );
  });

  it('refuses an invalid date as toISOString does', () => {
    assert.throws(() => formatDateTime(new Date(Number.NaN)), RangeError);
  });
});
