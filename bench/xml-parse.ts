/**
 * Microbenchmark of the XML reader (`node --import tsx bench/xml-parse.ts`): µs per parse of a
 * SOAP 1.1 GetAccountInfo envelope as generated clients send it (compact, and pretty-printed
 * with CRLF line ends), for the hand-written parser and for the saxes-based reference it
 * replaced, from the request bytes as the SOAP pipeline calls it (UTF-8 decoding included) and
 * from a string. After a warm-up of every case, each measurement is the best of at least three
 * rounds (and two seconds) of BENCH_XML_ITERATIONS parses (default 50,000): the machines are
 * shared and noisy, so the best round and the ratio within one run mean more than any one figure. Both parsers must first agree on each envelope.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseXml, type XmlElement } from '../src/xml/reader.js';
import { parseXmlReference } from '../test/support/reference-xml.js';

const ITERATIONS = Number(process.env.BENCH_XML_ITERATIONS ?? '50000');
const WARM_UP = 10_000;
const ROUNDS = 3;
const MIN_SECONDS = 2;

const COMPACT =
  '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Header>' +
  '<AuthHeader xmlns="sosonlinebackup.com"><UserName>bench-partner</UserName><Password>bench-partner-secret-1</Password>' +
  '</AuthHeader></soap:Header><soap:Body><GetAccountInfo xmlns="sosonlinebackup.com"><userName>user0000001</userName>' +
  '</GetAccountInfo></soap:Body></soap:Envelope>';

const PRETTY_CRLF = [
  '<?xml version="1.0" encoding="utf-8"?>',
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
  '  <soap:Header>',
  '    <AuthHeader xmlns="sosonlinebackup.com">',
  '      <UserName>bench-partner</UserName>',
  '      <Password>bench-partner-secret-1</Password>',
  '    </AuthHeader>',
  '  </soap:Header>',
  '  <soap:Body>',
  '    <GetAccountInfo xmlns="sosonlinebackup.com">',
  '      <userName>user0000001</userName>',
  '    </GetAccountInfo>',
  '  </soap:Body>',
  '</soap:Envelope>',
].join('\r\n');

/** Best of at least ROUNDS rounds (and MIN_SECONDS) of ITERATIONS parses, in µs per parse. */
function microsecondsPerParse(parse: () => XmlElement): number {
  let best = Infinity;
  const until = performance.now() + MIN_SECONDS * 1000;
  for (let round = 0; round < ROUNDS || performance.now() < until; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) parse();
    const elapsedNs = Number(process.hrtime.bigint() - started);
    best = Math.min(best, elapsedNs / ITERATIONS / 1000);
  }
  return best;
}

interface Case {
  readonly name: string;
  readonly ours: () => XmlElement;
  readonly reference: () => XmlElement;
}

const cases: Case[] = [];
for (const [documentName, xml] of Object.entries({ compact: COMPACT, 'pretty, CRLF': PRETTY_CRLF })) {
  const bytes = new TextEncoder().encode(xml);
  const text = new TextDecoder().decode(bytes); // a flat string, as decoded from a request
  if (!isDeepStrictEqual(parseXml(bytes), parseXmlReference(bytes))) throw new Error(`the parsers disagree on the ${documentName} envelope`);
  for (const [inputName, input] of [['bytes', bytes], ['string', text]] as const) {
    cases.push({ name: `${documentName}, ${bytes.length} bytes, from ${inputName}`, ours: () => parseXml(input), reference: () => parseXmlReference(input) });
  }
}

// Warm every case up before measuring any, so that no measurement includes the JIT's work.
for (const c of cases) {
  for (let i = 0; i < WARM_UP; i++) {
    c.ours();
    c.reference();
  }
}
const rows: Record<string, Record<string, string>> = {};
for (const c of cases) {
  const ours = microsecondsPerParse(c.ours);
  const reference = microsecondsPerParse(c.reference);
  rows[c.name] = { 'hand-written µs': ours.toFixed(2), 'saxes µs': reference.toFixed(2), 'speed-up': `${(reference / ours).toFixed(1)}×` };
}
console.log(`Node ${process.version}: best of ≥${ROUNDS} rounds (≥${MIN_SECONDS} s) of ${ITERATIONS} parses, after ${WARM_UP} warm-up parses of each`);
console.table(rows);
