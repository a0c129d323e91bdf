/**
 * Request bytes to text (src/soap/charset.ts): a byte-order mark first, else the Content-Type
 * charset, else the XML declaration, else UTF-8; each encoding checked on raw bytes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRequestBody, encodingOfLabel } from '../../src/soap/charset.js';
import { XmlSyntaxError } from '../../src/xml/reader.js';

const DOC = (encoding: string, text: string) => `<?xml version="1.0" encoding="${encoding}"?><a>${text}</a>`;

describe('request charset decoding', () => {
  it('reads ISO-8859-1 as .NET does: one byte, one code point, 0x80-0x9F as C1 controls', () => {
    const bytes = Buffer.from(DOC('ISO-8859-1', 'M\u00fcller \u0085'), 'latin1');
    const decoded = decodeRequestBody(bytes, 'ISO-8859-1');
    assert.equal(decoded.encoding, 'iso-8859-1');
    assert.equal(decoded.text, DOC('ISO-8859-1', 'Müller \u0085'));
  });

  it('reads windows-1252 with its own characters in 0x80-0x9F (€, dashes, quotes)', () => {
    const bytes = Buffer.from([...Buffer.from('<a>'), 0x80, 0x96, 0x93, 0x94, 0x81, 0xfc, ...Buffer.from('</a>')]);
    const decoded = decodeRequestBody(bytes, '"windows-1252"');
    assert.equal(decoded.text, '<a>\u20ac\u2013\u201c\u201d\u0081\u00fc</a>');
  });

  it("reads US-ASCII as .NET's ASCIIEncoding does (a byte above 0x7F is ?)", () => {
    const decoded = decodeRequestBody(Buffer.from([0x3c, 0x61, 0x3e, 0x41, 0xfc, 0x3c, 0x2f, 0x61, 0x3e]), 'us-ascii');
    assert.equal(decoded.text, '<a>A?</a>');
  });

  it('reads UTF-16 without a byte-order mark as little-endian for charset=utf-16, big-endian when named', () => {
    const doc = DOC('utf-16', 'Müller 😀');
    assert.equal(decodeRequestBody(Buffer.from(doc, 'utf16le'), 'utf-16').text, doc);
    assert.equal(decodeRequestBody(Buffer.from(doc, 'utf16le').swap16(), 'UTF-16BE').text, doc);
  });

  it('lets a byte-order mark override the charset', () => {
    const doc = DOC('utf-16', 'Müller');
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(doc, 'utf16le').swap16()]);
    assert.deepEqual(decodeRequestBody(be, 'iso-8859-1'), { text: doc, encoding: 'utf-16be' });
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]);
    assert.equal(decodeRequestBody(le, 'utf-8').text, doc);
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(DOC('utf-8', 'Müller'))]);
    assert.deepEqual(decodeRequestBody(utf8, 'windows-1252'), { text: DOC('utf-8', 'Müller'), encoding: 'utf-8' });
  });

  it('without a charset, follows the XML declaration, in a one-byte encoding or in UTF-16 without a BOM', () => {
    const latin = DOC('ISO-8859-1', 'Müller');
    assert.equal(decodeRequestBody(Buffer.from(latin, 'latin1'), undefined).text, latin);
    const cp = DOC('windows-1252', '€');
    assert.equal(decodeRequestBody(Buffer.from([...Buffer.from(cp.replace('€', '')).subarray(0, -4), 0x80, ...Buffer.from('</a>')]), undefined).text, cp);
    const utf16 = DOC('utf-16', 'Müller');
    assert.equal(decodeRequestBody(Buffer.from(utf16, 'utf16le'), undefined).text, utf16);
    assert.equal(decodeRequestBody(Buffer.from(utf16, 'utf16le').swap16(), undefined).text, utf16);
    assert.equal(decodeRequestBody(Buffer.from('<a>Müller</a>'), undefined).text, '<a>Müller</a>', 'no declaration: UTF-8');
  });

  it('does not refuse an unknown charset or declared encoding: the fallback reads it and names what was unknown', () => {
    const utf8 = Buffer.from(DOC('utf-8', 'Müller'));
    assert.deepEqual(decodeRequestBody(utf8, 'x-klingon'), { text: DOC('utf-8', 'Müller'), encoding: 'utf-8', unknownEncoding: 'x-klingon' });
    const latin = DOC('ISO-8859-1', 'Müller');
    assert.deepEqual(decodeRequestBody(Buffer.from(latin, 'latin1'), 'x-klingon'), { text: latin, encoding: 'iso-8859-1', unknownEncoding: 'x-klingon' });
    const declared = DOC('x-ebcdic-martian', 'plain');
    assert.deepEqual(decodeRequestBody(Buffer.from(declared), undefined), { text: declared, encoding: 'utf-8', unknownEncoding: 'x-ebcdic-martian' });
  });

  it('refuses bytes that are invalid in the Unicode encoding chosen, as malformed XML', () => {
    assert.throws(() => decodeRequestBody(Buffer.from([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e]), 'utf-8'), XmlSyntaxError);
    assert.throws(() => decodeRequestBody(Buffer.from([0x3c, 0x00, 0x61, 0x00, 0x00, 0xd8, 0x3e, 0x00]), 'utf-16'), XmlSyntaxError);
  });

  it('knows the labels .NET and the WHATWG list give these encodings, in any case and quoted', () => {
    for (const [label, encoding] of [
      ['UTF-8', 'utf-8'],
      ['utf8', 'utf-8'],
      ['"utf-16"', 'utf-16le'],
      ['unicode', 'utf-16le'],
      ['unicodeFFFE', 'utf-16be'],
      ['Latin1', 'iso-8859-1'],
      ['iso_8859-1', 'iso-8859-1'],
      ['CP1252', 'windows-1252'],
      ['ASCII', 'us-ascii'],
    ] as const) {
      assert.equal(encodingOfLabel(label), encoding, label);
    }
    assert.equal(encodingOfLabel('shift_jis'), undefined);
  });
});
