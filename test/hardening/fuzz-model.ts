/**
 * The fuzzing model shared by test/hardening/fuzz.test.ts (a seeded CI run) and bench/fuzz.ts
 * (the long seeded run): fast-check arbitraries that build a valid request envelope for any
 * operation of the contract, with random field values, then mutate it (truncation, byte flips,
 * tag renames, namespace swaps, odd and huge content, odd content types and SOAPActions), and
 * the invariants every answer of the SOAP pipeline must keep whatever came in.
 */
import fc from 'fast-check';
import { OPERATIONS } from '../../src/contract/index.js';
import type { OperationDefinition } from '../../src/contract/operation.js';
import type { Field, Kind } from '../../src/contract/kinds.js';
import { parseXml, type XmlElement } from '../../src/xml/reader.js';
import { escapeText } from '../../src/xml/writer.js';
import type { SoapRequest, SoapResponse } from '../../src/soap/pipeline.js';
import { ALICE_PASSWORD, BOB_PASSWORD, PROVIDER_SECRET, RESELLER_A_SECRET, RESELLER_B_SECRET, ULTRA_PASSWORD } from '../support/harness.js';

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const NS = 'sosonlinebackup.com';

/** Secrets of the seeded data: none may ever appear in an answer. */
export const SEEDED_SECRETS: readonly string[] = [PROVIDER_SECRET, RESELLER_A_SECRET, RESELLER_B_SECRET, ALICE_PASSWORD, ULTRA_PASSWORD, BOB_PASSWORD, 'gone-password-1'];

const PARTNERS = [
  { user: 'reseller-a', password: RESELLER_A_SECRET },
  { user: 'provider', password: PROVIDER_SECRET },
  { user: 'reseller-b', password: RESELLER_B_SECRET },
] as const;

/** Fields whose value is a secret (account passwords, secret answers). */
const SECRET_FIELD = /password|answer/i;

export interface FuzzCase {
  readonly label: string;
  readonly request: SoapRequest;
  /** Secrets this request carried: none may come back. */
  readonly secrets: readonly string[];
}

// ---- values -------------------------------------------------------------------------------

/** A fresh secret: distinctive, so that finding it in an answer cannot be a coincidence. */
const freshSecret = fc.string({ unit: fc.constantFrom(...'abcdefghjkmnpqrstuvwxyz23456789'), minLength: 10, maxLength: 16 }).map((s) => `pw-${s}-Q7`);
const secretValue = fc.oneof({ weight: 3, arbitrary: freshSecret }, { weight: 1, arbitrary: fc.constantFrom(...SEEDED_SECRETS) });

const ODD_TEXT = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  '\uFFFE',
  '\uD800',
  '😀'.repeat(3),
  'e\u0301',
  ']]>',
  '<![CDATA[x]]>',
  '&',
  '&amp;lt;',
  'null',
  'NaN',
  '-0',
  '9'.repeat(40),
  'a'.repeat(300),
  'Robert"); DROP TABLE accounts;--',
  "' OR '1'='1",
  '../../etc/passwd',
  '%00',
  '${jndi:ldap://x}',
];

const anyText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_TEXT) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

const userName = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('alice', 'bob', 'ultra', 'gone', 'ALICE', 'nobody', 'provider', 'reseller-a') },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...'abcxyz019._-@'), minLength: 3, maxLength: 20 }).map((s) => `fz${s}`) },
  { weight: 2, arbitrary: anyText },
);

function textFor(name: string): fc.Arbitrary<string> {
  if (SECRET_FIELD.test(name)) return secretValue;
  if (/user ?name/i.test(name)) return userName;
  if (/email/i.test(name)) return fc.oneof(fc.emailAddress(), anyText);
  if (/token|key/i.test(name)) return fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF-_'), maxLength: 64 }), anyText);
  return anyText;
}

function scalar(kind: Kind, name: string): fc.Arbitrary<string> {
  switch (kind.kind) {
    case 'string':
      return textFor(name);
    case 'int':
      return fc.oneof(
        fc.integer({ min: -3, max: 50 }).map(String),
        fc.integer().map(String),
        fc.constantFrom('2147483648', '-2147483649', '+1', ' 7 ', '1e3', '0x10', '1.5', '', '٣'),
      );
    case 'long':
      return fc.oneof(
        fc.bigInt({ min: -5n, max: 100_000n }).map(String),
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
        fc.constantFrom('9223372036854775807', '9223372036854775808', '-9223372036854775809', '00012', ' 1 ', ''),
      );
    case 'boolean':
      return fc.constantFrom('true', 'false', '1', '0', 'TRUE', 'yes', ' true ', '', 'nope');
    case 'dateTime':
      return fc.oneof(
        fc.date({ noInvalidDate: true, min: new Date(-62135596800000), max: new Date(253402300799000) }).map((d) => d.toISOString()),
        fc.constantFrom('2026-02-30T00:00:00', '0001-01-01T00:00:00', 'yesterday', '2026-01-15T10:30:00+25:00', ''),
      );
    case 'decimal':
      return fc.oneof(fc.double({ noNaN: true }).map(String), fc.constantFrom('1e400', '-0.00001', 'abc', ''));
    case 'enum':
      return fc.oneof(fc.constantFrom(...kind.values), anyText);
    case 'complex':
    case 'array':
      return anyText;
  }
}

interface Built {
  readonly xml: string;
  readonly secrets: readonly string[];
}

/** One field as XML: absent, nil, a scalar, or a complex / array value built recursively. */
function fieldXml(f: Field, depth: number): fc.Arbitrary<Built> {
  const absent = fc.constant<Built>({ xml: '', secrets: [] });
  const nil = fc.constant<Built>({ xml: `<${f.name} xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" />`, secrets: [] });
  let present: fc.Arbitrary<Built>;
  if (f.type.kind === 'complex' && depth < 3) {
    present = fieldsXml(f.type.fields, depth + 1).map((b) => ({ xml: `<${f.name}>${b.xml}</${f.name}>`, secrets: b.secrets }));
  } else if (f.type.kind === 'array' && depth < 3) {
    const item = f.type.item;
    const element = f.type.itemElement;
    present = fc
      .array(fieldsXml(item.fields, depth + 1), { maxLength: 3 })
      .map((items) => ({ xml: `<${f.name}>${items.map((b) => `<${element}>${b.xml}</${element}>`).join('')}</${f.name}>`, secrets: items.flatMap((b) => b.secrets) }));
  } else {
    present = scalar(f.type, f.name).map((v) => ({ xml: `<${f.name}>${escapeText(v)}</${f.name}>`, secrets: SECRET_FIELD.test(f.name) && v.length >= 8 ? [v] : [] }));
  }
  return fc.oneof({ weight: 12, arbitrary: present }, { weight: 1, arbitrary: absent }, { weight: 1, arbitrary: nil });
}

function fieldsXml(fields: readonly Field[], depth: number): fc.Arbitrary<Built> {
  return fc.tuple(...fields.map((f) => fieldXml(f, depth))).map((parts) => ({ xml: parts.map((p) => p.xml).join(''), secrets: parts.flatMap((p) => p.secrets) }));
}

const authHeader = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PARTNERS).map((p) => ({ xml: authXml(p.user, p.password), secrets: [p.password] })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('reseller-a', 'provider', 'nobody-partner'), secretValue).map(([u, p]) => ({ xml: authXml(u, p), secrets: [p] })) },
  { weight: 1, arbitrary: fc.constant({ xml: '', secrets: [] as string[] }) },
  { weight: 1, arbitrary: fc.tuple(anyText, anyText).map(([u, p]) => ({ xml: authXml(u, p), secrets: [] as string[] })) },
);

function authXml(user: string, password: string): string {
  return `<AuthHeader xmlns="${NS}"><UserName>${escapeText(user)}</UserName><Password>${escapeText(password)}</Password></AuthHeader>`;
}

// ---- envelopes ----------------------------------------------------------------------------

interface Plan {
  readonly op: OperationDefinition;
  readonly version: '1.1' | '1.2';
  readonly auth: Built;
  readonly args: Built;
  readonly mutations: readonly Mutation[];
  readonly contentType: string | null;
  readonly soapAction: string | null | undefined;
}

type Mutation =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'flip'; readonly at: number; readonly byte: number }
  | { readonly kind: 'rename'; readonly which: number; readonly to: string; readonly closeToo: boolean }
  | { readonly kind: 'namespace'; readonly which: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'duplicate'; readonly which: number }
  | { readonly kind: 'drop'; readonly which: number }
  | { readonly kind: 'encoding'; readonly which: number };

const ODD_INSERTS = [
  '<!-- comment -->',
  '<!---->',
  '<![CDATA[<x>&]]>',
  '<![CDATA[]]>',
  '<?pi data?>',
  '<!DOCTYPE x [<!ENTITY e "e">]>',
  '&e;',
  '&#0;',
  '&#x110000;',
  '&#xD800;',
  '&lt;&gt;&amp;&quot;&apos;',
  '<x/>',
  '<soap:Header/>',
  '</x>',
  '<AuthHeader xmlns="sosonlinebackup.com"/>',
  '<y xmlns:p="urn:p" p:mustUnderstand="1" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" soap:mustUnderstand="1"/>',
  '\u0000',
  '\uFEFF',
  ' a="1"',
  ' xmlns=""',
  ' xmlns:soap="urn:other"',
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.nat({ max: 255 }) }),
  fc.record({
    kind: fc.constant('rename' as const),
    which: fc.nat(),
    to: fc.oneof(fc.constantFrom('request', 'Body', 'Header', 'Envelope', 'AuthHeader', 'Password', 'soap:Body', 'x:y', 'a-b', 'Username', 'userName'), fc.string({ unit: fc.constantFrom(...'abcXYZ_.-:'), minLength: 1, maxLength: 8 })),
    closeToo: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('namespace' as const), which: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...ODD_INSERTS) },
      { weight: 2, arbitrary: anyText.map(escapeText) },
      // Huge values: past the 1 MiB text-node limit, and merely long.
      { weight: 1, arbitrary: fc.constantFrom(1_100_000, 60_000).map((n) => 'A'.repeat(n)) },
      { weight: 1, arbitrary: fc.constantFrom(70, 2_000).map((n) => '<d>'.repeat(n) + '</d>'.repeat(n)) },
    ),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('encoding' as const), which: fc.nat({ max: 3 }) }),
);

const ODD_CONTENT_TYPES = [
  'text/xml',
  'text/xml; charset=utf-8',
  'TEXT/XML; Charset=UTF-8',
  'application/soap+xml',
  'application/soap+xml; charset=utf-8; action="sosonlinebackup.com/GetAccountInfo"',
  'application/soap+xml; action=sosonlinebackup.com/Nope',
  'application/soap+xml; action="',
  'application/xml',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/related; type="application/xop+xml"; boundary=x',
  'text/xml; charset=iso-8859-1',
  'text/xml; charset=utf-16',
  'text/xml;;;',
  '',
  ';',
  'text/xml; charset="utf-8',
];

const contentTypeArb = fc.oneof(fc.constantFrom(...ODD_CONTENT_TYPES), fc.string({ maxLength: 40 }));
const soapActionArb = fc.oneof(
  fc.constantFrom(...OPERATIONS.map((o) => `"${NS}/${o.name}"`)),
  fc.constantFrom('""', '"', 'sosonlinebackup.com/GetAccountInfo', '"http://sosonlinebackup.com/GetAccountInfo"', '"sosonlinebackup.com/"', '"sosonlinebackup.com/getaccountinfo"'),
  fc.string({ maxLength: 40 }),
);

const plan: fc.Arbitrary<Plan> = fc.constantFrom(...(OPERATIONS as readonly OperationDefinition[])).chain((op) =>
  fc.record({
    op: fc.constant(op),
    version: fc.constantFrom('1.1' as const, '1.2' as const),
    auth: authHeader,
    args: fieldsXml(op.request, 0),
    mutations: fc.oneof({ weight: 3, arbitrary: fc.constant([] as Mutation[]) }, { weight: 7, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
    // null: what the version calls for; otherwise an odd one.
    contentType: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: contentTypeArb }),
    // null: what the version calls for; undefined: none at all.
    soapAction: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: soapActionArb }),
  }),
);

/** Positions of the start of each tag (`<`), so structural mutations land on elements. */
function tagStarts(xml: string): number[] {
  const at: number[] = [];
  for (let i = xml.indexOf('<'); i >= 0; i = xml.indexOf('<', i + 1)) at.push(i);
  return at;
}

function pick<T>(items: readonly T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

/** The element starting at `start` as [start, end) when it is a simple open…close pair. */
function elementSpan(xml: string, start: number): [number, number] | undefined {
  const m = /^<([A-Za-z_][\w.:-]*)[^>]*?(\/?)>/.exec(xml.slice(start));
  if (!m || m[0].startsWith('</') || m[0].startsWith('<?') || m[0].startsWith('<!')) return undefined;
  if (m[2] === '/') return [start, start + m[0].length];
  const close = xml.indexOf(`</${m[1]}>`, start);
  return close < 0 ? undefined : [start, close + m[1]!.length + 3];
}

function applyText(xml: string, m: Mutation): string {
  const tags = tagStarts(xml);
  switch (m.kind) {
    case 'rename': {
      const start = pick(tags.filter((i) => xml[i + 1] !== '/' && xml[i + 1] !== '?' && xml[i + 1] !== '!'), m.which);
      if (start === undefined) return xml;
      const name = /^<([^\s/>]+)/.exec(xml.slice(start))?.[1];
      if (!name) return xml;
      let out = `${xml.slice(0, start + 1)}${m.to}${xml.slice(start + 1 + name.length)}`;
      if (m.closeToo) {
        const close = out.indexOf(`</${name}>`, start);
        if (close >= 0) out = `${out.slice(0, close + 2)}${m.to}${out.slice(close + 2 + name.length)}`;
      }
      return out;
    }
    case 'namespace': {
      const swaps: [string, string][] = [
        [S11, S12],
        [S12, S11],
        [`"${NS}"`, '"http://sosonlinebackup.com"'],
        [`"${NS}"`, '""'],
        [`"${NS}"`, '"sosonlinebackup.com/"'],
        ['xmlns:soap=', 'xmlns:soapx='],
        [`xmlns="${NS}"`, ''],
        [S11, 'http://schemas.xmlsoap.org/soap/envelope'],
      ];
      const [from, to] = swaps[m.which % swaps.length]!;
      return xml.includes(from) ? xml.split(from).join(to) : xml;
    }
    case 'insert': {
      const positions = [...tags, ...tags.map((i) => xml.indexOf('>', i) + 1)];
      const at = pick(positions, m.at) ?? 0;
      return `${xml.slice(0, at)}${m.text}${xml.slice(at)}`;
    }
    case 'duplicate':
    case 'drop': {
      const start = pick(tags, m.which);
      const span = start === undefined ? undefined : elementSpan(xml, start);
      if (!span) return xml;
      const element = xml.slice(span[0], span[1]);
      return m.kind === 'drop' ? xml.slice(0, span[0]) + xml.slice(span[1]) : xml.slice(0, span[1]) + element + xml.slice(span[1]);
    }
    default:
      return xml;
  }
}

function applyBytes(bytes: Buffer, m: Mutation): Buffer {
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, bytes.length === 0 ? 0 : m.at % bytes.length);
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const copy = Buffer.from(bytes);
      copy[m.at % copy.length] = m.byte;
      return copy;
    }
    case 'encoding': {
      const text = bytes.toString('utf8');
      if (m.which === 0) return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
      if (m.which === 1) return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      if (m.which === 2) return Buffer.from(text, 'utf16le'); // no BOM: not UTF-8
      return Buffer.from(text, 'latin1');
    }
    default:
      return bytes;
  }
}

function build(p: Plan): FuzzCase {
  const ns = p.version === '1.1' ? S11 : S12;
  const body = p.op.style === 'wrapped' ? `<request>${p.args.xml}</request>` : p.args.xml;
  let xml =
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    `${p.auth.xml === '' ? '' : `<soap:Header>${p.auth.xml}</soap:Header>`}<soap:Body><${p.op.name} xmlns="${NS}">${body}</${p.op.name}></soap:Body></soap:Envelope>`;
  for (const m of p.mutations) xml = applyText(xml, m);
  let bytes: Buffer = Buffer.from(xml, 'utf8');
  for (const m of p.mutations) bytes = applyBytes(bytes, m);
  const defaultType = p.version === '1.1' ? 'text/xml; charset=utf-8' : `application/soap+xml; charset=utf-8; action="${NS}/${p.op.name}"`;
  const defaultAction = p.version === '1.1' ? `"${NS}/${p.op.name}"` : undefined;
  const label = [p.op.name, `soap${p.version}`, ...p.mutations.map((m) => m.kind), ...(p.contentType !== null ? ['content-type'] : []), ...(p.soapAction !== null ? ['soapaction'] : [])].join(' ');
  return {
    label,
    request: { contentType: p.contentType ?? defaultType, soapAction: p.soapAction === null ? defaultAction : p.soapAction, body: bytes },
    secrets: [...p.auth.secrets, ...p.args.secrets],
  };
}

/** A request for any operation: valid from the contract, then (mostly) mutated. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = plan.map(build);

// ---- invariants ---------------------------------------------------------------------------

const ALLOWED = new Set([200, 400, 413, 415, 500]);
/** Stack frames, source paths and Node internals: none may reach a client. */
const LEAK = /\bat [\w$.<>]+ \(|\bat (?:async )?\/|\.(?:ts|js|mjs):\d+|node:internal|node_modules|\/src\/|\/dist\/|\/work\/|\/home\/|\/tmp\/|TypeError|ReferenceError|RangeError|SqliteError|SQLITE_|kysely|saxes/i;

function child(e: XmlElement | undefined, uri: string, local: string): XmlElement | undefined {
  return e?.children.find((c) => c.uri === uri && c.local === local);
}

/**
 * Every violation of the answer contract, empty when the answer is fine: a known status; 400,
 * 413 and 415 empty; 500 a well-formed fault envelope; 200 a response envelope of a known
 * operation; never a stack, a path or a secret this request (or the seed) carried.
 */
export function violations(c: FuzzCase, r: SoapResponse): string[] {
  const found: string[] = [];
  if (!ALLOWED.has(r.status)) found.push(`status ${r.status}`);
  if ((r.status === 400 || r.status === 413 || r.status === 415) && r.body !== '') found.push(`${r.status} with a body`);
  // Empty answers carry a SOAP content type too, as ASMX sets it before it writes an error.
  if ((r.status === 400 || r.status === 415) && r.contentType !== 'text/xml; charset=utf-8' && r.contentType !== 'application/soap+xml; charset=utf-8') {
    found.push(`${r.status} with content type ${String(r.contentType)}`);
  }
  if (LEAK.test(r.body)) found.push(`internal detail in the body: ${LEAK.exec(r.body)?.[0]}`);
  for (const secret of [...c.secrets, ...SEEDED_SECRETS]) {
    if (secret.length >= 8 && (r.body.includes(secret) || r.body.includes(escapeText(secret)))) found.push('a secret in the answer');
  }
  if (r.status === 200 || r.status === 500) {
    let root: XmlElement | undefined;
    try {
      root = parseXml(r.body);
    } catch (err) {
      found.push(`${r.status} body is not well-formed XML (${err instanceof Error ? err.message : String(err)})`);
    }
    if (root) {
      const ns = root.uri;
      const expectedType = ns === S11 ? 'text/xml; charset=utf-8' : ns === S12 ? 'application/soap+xml; charset=utf-8' : undefined;
      if (root.local !== 'Envelope' || !expectedType) found.push(`root is {${root.uri}}${root.local}`);
      else if (r.contentType !== expectedType) found.push(`content type ${r.contentType} for a ${ns === S11 ? '1.1' : '1.2'} envelope`);
      const body = child(root, ns, 'Body');
      const payload = body?.children[0];
      if (!body || !payload || body.children.length !== 1) found.push('Body must hold exactly one element');
      else if (r.status === 500) {
        const fault = child(body, ns, 'Fault');
        if (!fault) found.push('500 without a Fault');
        else if (ns === S11 && !(child(fault, '', 'faultcode')?.text && child(fault, '', 'faultstring')?.text)) found.push('1.1 fault without faultcode/faultstring');
        else if (ns === S12 && !(child(child(fault, ns, 'Code'), ns, 'Value')?.text && child(child(fault, ns, 'Reason'), ns, 'Text')?.text)) found.push('1.2 fault without Code/Value and Reason/Text');
      } else {
        const op = OPERATIONS.find((o) => `${o.name}Response` === payload.local);
        if (payload.uri !== NS || !op) found.push(`200 with {${payload.uri}}${payload.local}`);
        else if (!child(payload, NS, `${op.name}Result`)) found.push(`${payload.local} without ${op.name}Result`);
      }
    }
  }
  return found;
}

/** The kind of a violation, for a tally: its text without the detail after a colon. */
export function violationKind(v: string): string {
  return v.replace(/:.*$/, '');
}
