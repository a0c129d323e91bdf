/**
 * ASMX wire behaviour (asmx-wire-behaviour A2–A7) through the real app's SOAP pipeline:
 * routing, version choice, fault shapes and statuses, limits. No socket needed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';
import { ALICE_PASSWORD, RESELLER_A_SECRET, fixedClock, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { envelope, operationBody } from '../support/envelope.js';

const AUTH = { user: 'reseller-a', password: RESELLER_A_SECRET };
const INFO = { requestId: 'protocol', sourceAddress: '192.0.2.1', isLocal: false };
const INFO_BODY = operationBody('GetAccountInfo', { userName: 'alice' }, false);

describe('SOAP protocol behaviour', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ clock: fixedClock(), template: await seededTemplate() });
  });
  after(async () => t.close());

  const send = (contentType: string | undefined, soapAction: string | undefined, body: string) =>
    t.app.soap({ contentType, soapAction, body: Buffer.from(body, 'utf8') }, INFO);
  const soap11 = envelope('1.1', INFO_BODY, AUTH);
  const soap12 = envelope('1.2', INFO_BODY, AUTH);

  it('writes the response exactly as ASMX does: one line, prefix soap, xsi and xsd declared', async () => {
    const r = await send('text/xml; charset=utf-8', '"sosonlinebackup.com/GetAccountInfo"', soap11);
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'text/xml; charset=utf-8');
    assert.ok(
      r.body.startsWith(
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ' +
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>' +
          '<GetAccountInfoResponse xmlns="sosonlinebackup.com"><GetAccountInfoResult><Result>0</Result><Code>Success</Code><Message /></GetAccountInfoResult>',
      ),
      r.body,
    );
    assert.doesNotMatch(r.body, /\n/);
  });

  it('routes SOAP 1.1 by SOAPAction, quoted or not, and by the body element when it is absent', async () => {
    for (const action of ['"sosonlinebackup.com/GetAccountInfo"', 'sosonlinebackup.com/GetAccountInfo', undefined]) {
      const r = await send('text/xml; charset=utf-8', action, soap11);
      assert.equal(r.status, 200, String(action));
      assert.equal(r.operation, 'GetAccountInfo');
      assert.equal(r.soapVersion, '1.1');
    }
  });

  it('answers an unknown SOAPAction with the ASMX Client fault, in the request version', async () => {
    const r = await send('text/xml', '"sosonlinebackup.com/Nope"', soap11);
    assert.equal(r.status, 500);
    assert.match(r.body, /<faultcode>soap:Client<\/faultcode><faultstring>Server did not recognize the value of HTTP Header SOAPAction: sosonlinebackup.com\/Nope.<\/faultstring><detail \/>/);
    const empty = await send('text/xml', '""', soap11);
    assert.match(empty.body, /SOAPAction: \.<\/faultstring>/);
  });

  it('routes SOAP 1.2 by the action parameter (with or without a space), else by the body element', async () => {
    for (const ct of [
      'application/soap+xml; charset=utf-8; action="sosonlinebackup.com/GetAccountInfo"',
      'application/soap+xml;charset=utf-8;action=sosonlinebackup.com/GetAccountInfo',
      'application/soap+xml; charset=utf-8',
    ]) {
      const r = await send(ct, undefined, soap12);
      assert.equal(r.status, 200, ct);
      assert.equal(r.contentType, 'application/soap+xml; charset=utf-8');
      assert.equal(r.soapVersion, '1.2');
    }
    // A SOAPAction header on a 1.2 request is ignored.
    const ignored = await send('application/soap+xml', '"sosonlinebackup.com/Nope"', soap12);
    assert.equal(ignored.status, 200);
    // A 1.2 envelope is accepted as text/xml too.
    assert.equal((await send('text/xml', undefined, soap12)).soapVersion, '1.2');
  });

  it('answers a 1.2 request it cannot route with a Sender fault', async () => {
    const unknown = await send('application/soap+xml; action="urn:nope"', undefined, envelope('1.2', '<Nope xmlns="sosonlinebackup.com"/>', AUTH));
    assert.equal(unknown.status, 500);
    assert.match(unknown.body, /<soap:Value>soap:Sender<\/soap:Value>.*The action 'urn:nope' was not recognized\./);
    const none = await send('application/soap+xml', undefined, envelope('1.2', '', AUTH));
    assert.match(none.body, /Unable to handle request without a valid action parameter\. Please supply a valid soap action\./);
  });

  it('refuses a wrong content type, and a 1.1 envelope under the 1.2 type, with an empty 415', async () => {
    for (const [ct, body] of [
      ['application/json', soap11],
      [undefined, soap11],
      ['application/soap+xml', soap11],
    ] as const) {
      const r = await send(ct, undefined, body);
      assert.equal(r.status, 415, String(ct));
      assert.equal(r.body, '');
    }
  });

  it('refuses malformed XML, any DOCTYPE and invalid UTF-8 with an empty 400', async () => {
    const bodies = [
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>',
      `<!DOCTYPE x [<!ENTITY e "boom">]>${soap11}`,
      '<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>',
      '<a:b/>',
    ];
    for (const body of bodies) {
      const r = await send('text/xml', '"sosonlinebackup.com/GetAccountInfo"', body);
      assert.equal(r.status, 400, body);
      assert.equal(r.body, '');
    }
    const invalidUtf8 = Buffer.concat([Buffer.from(soap11.slice(0, 200)), Buffer.from([0xc3, 0x28]), Buffer.from(soap11.slice(200))]);
    const r = await t.app.soap({ contentType: 'text/xml', soapAction: undefined, body: invalidUtf8 }, INFO);
    assert.equal(r.status, 400);
  });

  it('refuses documents past the depth, element and attribute limits quickly', async () => {
    const deep = envelope('1.1', `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`, AUTH);
    const started = performance.now();
    const r = await send('text/xml', undefined, deep);
    assert.equal(r.status, 400);
    assert.ok(performance.now() - started < 1000, 'deep document refused in well under a second');
    const wide = envelope('1.1', `<x ${Array.from({ length: 500 }, (_, i) => `a${i}="1"`).join(' ')}/>`, AUTH);
    assert.equal((await send('text/xml', undefined, wide)).status, 400);
    const many = envelope('1.1', '<x/>'.repeat(20_000), AUTH);
    assert.equal((await send('text/xml', undefined, many)).status, 400);
  });

  it('answers an unknown envelope namespace with a VersionMismatch fault whose Upgrade header lists SOAP 1.1 first, as CreateUpgradeHeader writes it', async () => {
    const r = await send('text/xml', undefined, '<e:Envelope xmlns:e="urn:not-soap"><e:Body/></e:Envelope>');
    assert.equal(r.status, 500);
    assert.equal(r.contentType, 'text/xml; charset=utf-8');
    assert.match(r.body, /<faultcode>soap:VersionMismatch<\/faultcode>/);
    assert.ok(
      r.body.includes(
        '<soap:Header><soap12:Upgrade xmlns:soap12="http://www.w3.org/2003/05/soap-envelope">' +
          '<soap12:SupportedEnvelope qname="soap:Envelope" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" />' +
          '<soap12:SupportedEnvelope qname="soap12:Envelope" xmlns:soap12="http://www.w3.org/2003/05/soap-envelope" />' +
          '</soap12:Upgrade></soap:Header>',
      ),
      r.body,
    );
  });

  it('gives empty 400 and 415 answers the SOAP content type ASMX sets: the envelope’s version once read, else the guessed one', async () => {
    const malformed11 = await send('text/xml; charset=utf-8', '"sosonlinebackup.com/GetAccountInfo"', soap11.replace('</soap:Body>', '</soap:Bodx>'));
    assert.deepEqual([malformed11.status, malformed11.contentType, malformed11.body], [400, 'text/xml; charset=utf-8', '']);
    const malformed12 = await send('application/soap+xml; action="sosonlinebackup.com/GetAccountInfo"', undefined, soap12.replace('</soap:Body>', '</soap:Bodx>'));
    assert.deepEqual([malformed12.status, malformed12.contentType], [400, 'application/soap+xml; charset=utf-8']);
    // Nothing read (a DOCTYPE first), routed by SOAPAction: the guessed version is 1.1.
    const doctype = await send('text/xml', '"sosonlinebackup.com/GetAccountInfo"', `<!DOCTYPE x>${soap12}`);
    assert.deepEqual([doctype.status, doctype.contentType], [400, 'text/xml; charset=utf-8']);
    const json = await send('application/json', '"sosonlinebackup.com/GetAccountInfo"', soap11);
    assert.deepEqual([json.status, json.contentType, json.body], [415, 'text/xml; charset=utf-8', '']);
    const jsonNoAction = await send('application/json', undefined, soap11);
    assert.deepEqual([jsonNoAction.status, jsonNoAction.contentType], [415, 'application/soap+xml; charset=utf-8']);
    const soap11AsSoap12 = await send('application/soap+xml', undefined, soap11);
    assert.deepEqual([soap11AsSoap12.status, soap11AsSoap12.contentType], [415, 'text/xml; charset=utf-8']);
  });

  it('answers an unknown SOAPAction before reading the body, as ASMX routes before it reads', async () => {
    const r = await send('text/xml', '"sosonlinebackup.com/Nope"', '<not xml');
    assert.equal(r.status, 500);
    assert.match(r.body, /SOAPAction: sosonlinebackup.com\/Nope\.<\/faultstring>/);
  });

  it('answers an XML error met while routing by the body with a 500 Server fault, one met after the request element with 400', async () => {
    const cases: readonly [string, string, number, RegExp][] = [
      ['text/xml', '', 500, /<soap:Value>soap:Receiver<\/soap:Value>.*Server was unable to process request\. ---&gt; Root element is missing\./],
      ['text/xml', `<!DOCTYPE x>${soap11}`, 500, /<soap:Value>soap:Receiver<\/soap:Value>.*---&gt; DTD is prohibited in this XML document\./],
      ['text/xml', '{"userName": "alice"}', 500, /---&gt; Data at the root level is invalid\. Line 1, position 1\.<\/soap:Text>/],
      ['text/xml', soap11.replace('</UserName>', '</Username>'), 500, /---&gt; The 'UserName' start tag on line 1 position \d+ does not match the end tag of 'Username'\. Line 1, position \d+\./],
      ['text/xml', soap11.replace('<soap:Body>', '<soap:Body a="1" a="2">'), 500, /<faultcode>soap:Server<\/faultcode><faultstring>Server was unable to process request\. ---&gt; 'a' is a duplicate attribute name\. Line 1, position \d+\./],
      // The request element was found; the document breaks after it: read as parameters, 400.
      ['application/soap+xml', soap12.replace('</soap:Body></soap:Envelope>', ''), 400, /^$/],
      ['text/xml', soap11.replace('alice', 'al&x;ice'), 400, /^$/],
      ['text/xml', soap11.replace('</userName>', '</username>'), 400, /^$/],
    ];
    for (const [ct, body, status, pattern] of cases) {
      const r = await send(ct, undefined, body);
      assert.equal(r.status, status, body);
      assert.match(r.body, pattern, body);
    }
  });

  it('answers a missing Body with the .NET resource text: a read error when the action routes, a process error when the body must', async () => {
    const noBody11 = soap11.replace(/<soap:Body>.*<\/soap:Body>/, '');
    const routed = await send('text/xml', '"sosonlinebackup.com/GetAccountInfo"', noBody11);
    assert.match(routed.body, /<faultcode>soap:Client<\/faultcode><faultstring>Server was unable to read request\. ---&gt; Request format is invalid: Missing required soap:Body element\.<\/faultstring>/);
    const unrouted = await send('text/xml', undefined, noBody11);
    assert.match(unrouted.body, /<faultcode>soap:Server<\/faultcode><faultstring>Server was unable to process request\. ---&gt; Request format is invalid: Missing required soap:Body element\.<\/faultstring>/);
    for (const notEnvelope of ['<soap:Envelopes xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"/>', '<soap:Envelopes xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><broken']) {
      const r = await send('text/xml', '"sosonlinebackup.com/GetAccountInfo"', notEnvelope);
      assert.equal(r.status, 500, notEnvelope);
      assert.match(r.body, /<faultcode>soap:Client<\/faultcode><faultstring>Server was unable to read request\. ---&gt; Request format is invalid: Missing required soap:Envelope element\./);
    }
  });

  it('runs the routed operation with absent parameters when the Body holds another element, as XmlSerializer skips an unknown node', async () => {
    const other = envelope('1.1', '<GetAllAccounts xmlns="sosonlinebackup.com"><request/></GetAllAccounts>', AUTH);
    const r = await send('text/xml', '"sosonlinebackup.com/GetAccountInfo"', other);
    assert.equal(r.status, 200);
    assert.equal(r.operation, 'GetAccountInfo');
    assert.match(r.body, /<Code>InvalidInputParameters<\/Code><Message>userName is required\.<\/Message>/);
  });

  it('decodes ISO-8859-1, windows-1252 and UTF-16 bodies and answers in UTF-8; an unknown charset is read by the fallback and logged', async () => {
    const latin = soap11.replace('<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>');
    const r = await t.app.soap({ contentType: 'text/xml; charset=ISO-8859-1', soapAction: '"sosonlinebackup.com/GetAccountInfo"', body: Buffer.from(latin, 'latin1') }, INFO);
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'text/xml; charset=utf-8');
    const utf16 = await t.app.soap({ contentType: 'application/soap+xml; charset=utf-16', soapAction: undefined, body: Buffer.from(soap12, 'utf16le') }, INFO);
    assert.equal(utf16.status, 200);
    const before = t.logLines.length;
    const unknown = await t.app.soap(
      { contentType: 'text/xml; charset=x-unheard-of', soapAction: '"sosonlinebackup.com/GetAccountInfo"', body: Buffer.from(soap11) },
      { ...INFO, requestId: 'charset-warning' },
    );
    assert.equal(unknown.status, 200);
    const warning = t.logLines.slice(before).find((l) => l.includes('unknown request charset'));
    assert.ok(warning, 'a warning is logged');
    assert.match(warning, /"charset":"x-unheard-of"/);
    assert.match(warning, /"requestId":"charset-warning"/);
    const again = t.logLines.length;
    await t.app.soap({ contentType: 'text/xml; charset=x-unheard-of', soapAction: '"sosonlinebackup.com/GetAccountInfo"', body: Buffer.from(soap11) }, INFO);
    assert.equal(t.logLines.slice(again).filter((l) => l.includes('unknown request charset')).length, 0, 'once per charset, not per request');
  });

  it('ignores unknown elements and wrong-namespace fields, as XmlSerializer does', async () => {
    const body = '<GetAccountInfo xmlns="sosonlinebackup.com"><extra>1</extra><userName xmlns="">bob</userName><userName>alice</userName></GetAccountInfo>';
    const r = await send('text/xml', undefined, envelope('1.1', body, AUTH));
    assert.equal(r.status, 200);
    assert.match(r.body, /<UserName>alice<\/UserName>/);
  });

  it('turns an internal failure into UnexpectedError with no stack trace, and keeps serving', async () => {
    const broken = await startTestApp({ clock: fixedClock(), template: await seededTemplate() });
    try {
      await broken.app.store.db.schema.dropTable('audit_log').execute();
      const body = envelope(
        '1.1',
        operationBody('ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'new-password-1', SendEmailToCustomer: true }, true),
        AUTH,
      );
      const r = await broken.app.soap({ contentType: 'text/xml', soapAction: undefined, body: Buffer.from(body) }, INFO);
      assert.equal(r.status, 200);
      assert.match(r.body, /<Code>UnexpectedError<\/Code>/);
      assert.doesNotMatch(r.body, /audit_log|at .*\.ts|SqliteError/);
      // The transaction rolled back: the password did not change, no e-mail was queued.
      const outbox = await broken.app.store.db.selectFrom('outbox').selectAll().execute();
      assert.equal(outbox.length, 0);
      const alice = await broken.app.store.db.selectFrom('accounts').select('password_hash').where('username', '=', 'alice').executeTakeFirstOrThrow();
      assert.equal(await argon2Hasher.verify(alice.password_hash, ALICE_PASSWORD), true);
      assert.ok(broken.logLines.some((l) => l.includes('operation failed')), 'the failure is logged for operators');
    } finally {
      await broken.close();
    }
  });
});
