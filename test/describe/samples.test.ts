import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  OPERATIONS,
  ResultInfo,
  SERVICE_PATH,
  arrayOf,
  complex,
  defineOperation,
  enumeration,
  field,
  long,
  operationNamed,
  string,
  type OperationDefinition,
} from '../../src/contract/index.js';
import { buildSoapSamples } from '../../src/describe/index.js';
import { parseDocument } from './helpers.js';

/** The legacy help page of the seed operation (shared/ lies beside the repository). */
// A copy of ../shared/spec/000_69f3e108d2aeb22f.txt, the captured legacy help page.
const LEGACY_PAGE = fileURLToPath(new URL('../golden/legacy-help-ChangeBackupAccountPassword.txt', import.meta.url));
const LEGACY_HOST = 'secure-sandbox.sosonlinebackup.com';

/** The block of lines from the n-th line starting with `start` up to the next line equal to `end`. */
function block(lines: readonly string[], start: string, end: string, n: number): string {
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith(start) || seen++ !== n) continue;
    const j = lines.indexOf(end, i);
    assert.ok(j > i, `no ${end} after line ${i}`);
    return lines.slice(i, j + 1).join('\n');
  }
  throw new Error(`block ${n} starting with ${start} not found`);
}

/** The envelope part of a sample (after the blank line that ends the HTTP head). */
const envelopeOf = (sample: string): string => sample.slice(sample.indexOf('\n\n') + 2);

describe('SOAP samples', () => {
  const op = operationNamed('ChangeBackupAccountPassword');
  assert.ok(op);
  const samples = buildSoapSamples(op, { host: LEGACY_HOST, path: SERVICE_PATH });

  it('reproduce the legacy help page of ChangeBackupAccountPassword', () => {
    const lines = readFileSync(LEGACY_PAGE, 'utf8').replace(/\r\n/g, '\n').split('\n');
    assert.equal(samples.soap11.request, block(lines, 'POST ', '</soap:Envelope>', 0));
    assert.equal(samples.soap12.request, block(lines, 'POST ', '</soap12:Envelope>', 1));
    // The one deliberate difference: the legacy page showed the Result object as `<Result />`.
    const expand = (text: string): string =>
      text.replace(
        '        <Result />',
        [
          '        <Result>',
          '          <Result>int</Result>',
          '          <Code>Success</Code>',
          '          <Message>string</Message>',
          '        </Result>',
        ].join('\n'),
      );
    assert.equal(samples.soap11.response, expand(block(lines, 'HTTP/1.1 200 OK', '</soap:Envelope>', 0)));
    assert.equal(samples.soap12.response, expand(block(lines, 'HTTP/1.1 200 OK', '</soap12:Envelope>', 1)));
  });

  it('take host and path as parameters', () => {
    const s = buildSoapSamples(op, { host: 'example.test:8443', path: '/x/Y.asmx' });
    assert.ok(s.soap11.request.startsWith('POST /x/Y.asmx HTTP/1.1\nHost: example.test:8443\n'));
    assert.ok(s.soap12.request.startsWith('POST /x/Y.asmx HTTP/1.1\nHost: example.test:8443\n'));
    assert.ok(!s.soap12.request.includes('SOAPAction'));
  });

  it('are well-formed XML for every operation and both versions', () => {
    for (const o of OPERATIONS as readonly OperationDefinition[]) {
      const s = buildSoapSamples(o, { host: 'h', path: SERVICE_PATH });
      for (const text of [s.soap11.request, s.soap11.response, s.soap12.request, s.soap12.response]) {
        parseDocument(envelopeOf(text));
      }
      assert.ok(s.soap11.request.includes(`SOAPAction: "sosonlinebackup.com/${o.name}"\n`));
    }
  });

  it('show an enum as its first value and an array as two items', () => {
    const Colour = enumeration('Colour', ['Red', 'Green']);
    const Item = complex('Item', [field('Id', long), field('Colour', Colour)]);
    const op2 = defineOperation({
      name: 'ListItems',
      style: 'wrapped',
      description: 'x',
      obsolete: false,
      extension: true,
      request: [field('Filter', string)],
      response: [field('Result', ResultInfo), field('Items', arrayOf(Item))],
      resultCodes: ['Success'],
    });
    const response = envelopeOf(buildSoapSamples(op2, { host: 'h', path: '/p' }).soap11.response);
    const item = ['          <Item>', '            <Id>long</Id>', '            <Colour>Red</Colour>', '          </Item>'];
    assert.ok(response.includes(['        <Items>', ...item, ...item, '        </Items>'].join('\n')), response);
    assert.ok(response.includes('      <ListItemsResult>\n        <Result>\n          <Result>int</Result>'));
  });
});
