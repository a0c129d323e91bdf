import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthHeader,
  OPERATIONS,
  RESULT_CODES,
  SERVICE_NAMESPACE,
  arrayOf,
  complex,
  dateTime,
  decimal,
  defineOperation,
  field,
  isValueKind,
  long,
  nillableField,
  resultElementOf,
  soapActionOf,
  string,
  wrappedRequestTypeOf,
  wrappedResultTypeOf,
  ResultInfo,
  type Field,
  type OperationDefinition,
} from '../../src/contract/index.js';
import { SchemaConflictError, buildWsdl, compileWsdl } from '../../src/describe/index.js';
import type { XmlElement } from '../../src/xml/reader.js';
import {
  SOAP11_WSDL_NS,
  SOAP12_WSDL_NS,
  WSDL_NS,
  XSD_NS,
  attr,
  child,
  children,
  named,
  parseDocument,
} from './helpers.js';

const ADDRESS = 'http://localhost:8080/WebApi/AccountManagementService/AccountManagementService.asmx';
const OPS: readonly OperationDefinition[] = OPERATIONS;

const wsdlText = buildWsdl(OPS, ADDRESS);
const root = parseDocument(wsdlText);
const schema = child(child(root, WSDL_NS, 'types'), XSD_NS, 'schema');

/** The particles of the sequence of a complexType (named or anonymous). */
function particles(complexType: XmlElement): XmlElement[] {
  const seq = children(complexType, XSD_NS, 'sequence');
  return seq.length === 0 ? [] : children(seq[0] as XmlElement, XSD_NS, 'element');
}

function expectedType(f: Field): string {
  const k = f.type;
  return k.kind === 'enum' || k.kind === 'complex' || k.kind === 'array' ? `tns:${k.name}` : `s:${k.kind}`;
}

/** Checks one particle against XmlSerializer's occurrence rules. */
function assertParticle(p: XmlElement, f: Field): void {
  const where = `particle ${f.name}`;
  assert.equal(attr(p, 'name'), f.name, where);
  assert.equal(attr(p, 'type'), expectedType(f), where);
  assert.equal(attr(p, 'maxOccurs'), '1', where);
  if (f.nillable) {
    assert.equal(attr(p, 'minOccurs'), '1', where);
    assert.equal(attr(p, 'nillable'), 'true', where);
  } else {
    assert.equal(attr(p, 'minOccurs'), isValueKind(f.type) ? '1' : '0', where);
    assert.equal(attr(p, 'nillable'), undefined, where);
  }
}

function assertFields(complexType: XmlElement, fields: readonly Field[]): void {
  const ps = particles(complexType);
  assert.deepEqual(
    ps.map((p) => attr(p, 'name')),
    fields.map((f) => f.name),
  );
  fields.forEach((f, i) => assertParticle(ps[i] as XmlElement, f));
}

describe('WSDL', () => {
  it('is well-formed XML with the ASMX root, declaration and namespaces', () => {
    assert.ok(wsdlText.startsWith('<?xml version="1.0" encoding="utf-8"?>\r\n<wsdl:definitions xmlns:soap='));
    assert.equal(root.uri, WSDL_NS);
    assert.equal(root.local, 'definitions');
    assert.equal(attr(root, 'targetNamespace'), SERVICE_NAMESPACE);
    assert.equal(attr(schema, 'elementFormDefault'), 'qualified');
    assert.equal(attr(schema, 'targetNamespace'), SERVICE_NAMESPACE);
    assert.ok(!/[^ ]\/>/.test(wsdlText), 'self-closing tags are written " />"');
    assert.ok(!wsdlText.includes('\t'));
  });

  it('lists every operation in the portType with its description', () => {
    const portType = named(root, WSDL_NS, 'portType', 'AccountManagementServiceSoap');
    const ops = children(portType, WSDL_NS, 'operation');
    assert.deepEqual(
      ops.map((o) => attr(o, 'name')),
      OPS.map((o) => o.name),
    );
    for (const op of OPS) {
      const el = named(portType, WSDL_NS, 'operation', op.name);
      assert.equal(child(el, WSDL_NS, 'documentation').text, op.description);
      assert.equal(attr(child(el, WSDL_NS, 'input'), 'message'), `tns:${op.name}SoapIn`);
      assert.equal(attr(child(el, WSDL_NS, 'output'), 'message'), `tns:${op.name}SoapOut`);
    }
  });

  it('declares the three messages of every operation', () => {
    for (const op of OPS) {
      const soapIn = named(root, WSDL_NS, 'message', `${op.name}SoapIn`);
      assert.equal(attr(child(soapIn, WSDL_NS, 'part'), 'element'), `tns:${op.name}`);
      assert.equal(attr(child(soapIn, WSDL_NS, 'part'), 'name'), 'parameters');
      const soapOut = named(root, WSDL_NS, 'message', `${op.name}SoapOut`);
      assert.equal(attr(child(soapOut, WSDL_NS, 'part'), 'element'), `tns:${op.name}Response`);
      const header = named(root, WSDL_NS, 'message', `${op.name}AuthHeader`);
      assert.equal(attr(child(header, WSDL_NS, 'part'), 'name'), 'AuthHeader');
      assert.equal(attr(child(header, WSDL_NS, 'part'), 'element'), 'tns:AuthHeader');
    }
  });

  for (const [bindingName, ns] of [
    ['AccountManagementServiceSoap', SOAP11_WSDL_NS],
    ['AccountManagementServiceSoap12', SOAP12_WSDL_NS],
  ] as const) {
    it(`binding ${bindingName} has every operation with soapAction and the AuthHeader soap:header`, () => {
      const binding = named(root, WSDL_NS, 'binding', bindingName);
      assert.equal(attr(binding, 'type'), 'tns:AccountManagementServiceSoap');
      assert.equal(attr(child(binding, ns, 'binding'), 'transport'), 'http://schemas.xmlsoap.org/soap/http');
      assert.deepEqual(
        children(binding, WSDL_NS, 'operation').map((o) => attr(o, 'name')),
        OPS.map((o) => o.name),
      );
      for (const op of OPS) {
        const el = named(binding, WSDL_NS, 'operation', op.name);
        const soapOp = child(el, ns, 'operation');
        assert.equal(attr(soapOp, 'soapAction'), soapActionOf(op));
        assert.equal(attr(soapOp, 'style'), 'document');
        const input = child(el, WSDL_NS, 'input');
        assert.equal(attr(child(input, ns, 'body'), 'use'), 'literal');
        const header = child(input, ns, 'header');
        assert.equal(attr(header, 'message'), `tns:${op.name}AuthHeader`);
        assert.equal(attr(header, 'part'), 'AuthHeader');
        assert.equal(attr(header, 'use'), 'literal');
        assert.equal(attr(child(child(el, WSDL_NS, 'output'), ns, 'body'), 'use'), 'literal');
      }
    });
  }

  it('has a service with one port per binding at the address', () => {
    const service = named(root, WSDL_NS, 'service', 'AccountManagementService');
    const soap = named(service, WSDL_NS, 'port', 'AccountManagementServiceSoap');
    assert.equal(attr(soap, 'binding'), 'tns:AccountManagementServiceSoap');
    assert.equal(attr(child(soap, SOAP11_WSDL_NS, 'address'), 'location'), ADDRESS);
    const soap12 = named(service, WSDL_NS, 'port', 'AccountManagementServiceSoap12');
    assert.equal(attr(soap12, 'binding'), 'tns:AccountManagementServiceSoap12');
    assert.equal(attr(child(soap12, SOAP12_WSDL_NS, 'address'), 'location'), ADDRESS);
  });

  it('enumerates every Result code name in ResultCode', () => {
    const restriction = child(named(schema, XSD_NS, 'simpleType', 'ResultCode'), XSD_NS, 'restriction');
    assert.equal(attr(restriction, 'base'), 's:string');
    assert.deepEqual(
      children(restriction, XSD_NS, 'enumeration').map((e) => attr(e, 'value')),
      RESULT_CODES.map((c) => c.name),
    );
  });

  it('follows the XmlSerializer occurrence rules for a value field and a string field', () => {
    const resultInfo = named(schema, XSD_NS, 'complexType', 'ResultInfo');
    const [result, code, message] = particles(resultInfo);
    assert.equal(attr(result as XmlElement, 'minOccurs'), '1'); // s:int
    assert.equal(attr(code as XmlElement, 'minOccurs'), '1'); // enum
    assert.equal(attr(message as XmlElement, 'minOccurs'), '0'); // s:string
    assertFields(resultInfo, ResultInfo.fields);
  });

  it('declares every request and response field with the right type and occurrence', () => {
    for (const op of OPS) {
      const request = child(named(schema, XSD_NS, 'element', op.name), XSD_NS, 'complexType');
      const response = child(named(schema, XSD_NS, 'element', `${op.name}Response`), XSD_NS, 'complexType');
      if (op.style === 'flat') {
        assertFields(request, op.request);
        assertFields(response, op.response);
      } else {
        const [req] = particles(request);
        assert.equal(attr(req as XmlElement, 'name'), 'request');
        assert.equal(attr(req as XmlElement, 'minOccurs'), '0');
        assert.equal(attr(req as XmlElement, 'type'), `tns:${wrappedRequestTypeOf(op)}`);
        const [res] = particles(response);
        assert.equal(attr(res as XmlElement, 'name'), resultElementOf(op));
        assert.equal(attr(res as XmlElement, 'minOccurs'), '0');
        assert.equal(attr(res as XmlElement, 'type'), `tns:${wrappedResultTypeOf(op)}`);
        assertFields(named(schema, XSD_NS, 'complexType', wrappedRequestTypeOf(op)), op.request);
        assertFields(named(schema, XSD_NS, 'complexType', wrappedResultTypeOf(op)), op.response);
      }
    }
  });

  it('declares the AuthHeader element and type with anyAttribute after the sequence', () => {
    const el = named(schema, XSD_NS, 'element', 'AuthHeader');
    assert.equal(attr(el, 'type'), 'tns:AuthHeader');
    const type = named(schema, XSD_NS, 'complexType', 'AuthHeader');
    assert.deepEqual(
      type.children.map((c) => c.local),
      ['sequence', 'anyAttribute'],
    );
    assertFields(type, AuthHeader.fields);
  });

  it('declares no name twice', () => {
    const names = schema.children.map((c) => `${c.local}:${attr(c, 'name') ?? ''}`);
    assert.equal(new Set(names).size, names.length);
  });

  it('substitutes and escapes the address without recomputing the rest', () => {
    const render = compileWsdl(OPS);
    assert.equal(render(ADDRESS), wsdlText);
    const odd = 'https://example.com/a.asmx?x="1"&y=<2>';
    const text = render(odd);
    assert.ok(text.includes('location="https://example.com/a.asmx?x=&quot;1&quot;&amp;y=&lt;2&gt;"'));
    const service = named(parseDocument(text), WSDL_NS, 'service', 'AccountManagementService');
    assert.equal(attr(child(named(service, WSDL_NS, 'port', 'AccountManagementServiceSoap12'), SOAP12_WSDL_NS, 'address'), 'location'), odd);
  });
});

describe('WSDL of kinds the legacy operations do not use yet', () => {
  const Payment = complex('AccountPayment', [
    field('PaymentId', long),
    field('DateUtc', dateTime),
    field('Amount', decimal),
    field('Description', string),
  ]);
  const GetPayments = defineOperation({
    name: 'GetPayments',
    style: 'flat',
    description: 'Payments & <refunds>',
    obsolete: false,
    extension: true,
    request: [field('userName', string)],
    response: [field('GetPaymentsResult', ResultInfo), field('payments', arrayOf(Payment)), nillableField('SinceUtc', dateTime)],
    resultCodes: ['Success'],
  });
  const schemaOf = (ops: readonly OperationDefinition[]): XmlElement =>
    child(child(parseDocument(buildWsdl(ops, ADDRESS)), WSDL_NS, 'types'), XSD_NS, 'schema');

  it('writes ArrayOf<X> with nillable unbounded items, then the item type', () => {
    const s = schemaOf([GetPayments]);
    const array = named(s, XSD_NS, 'complexType', 'ArrayOfAccountPayment');
    const [item] = particles(array);
    assert.equal(attr(item as XmlElement, 'minOccurs'), '0');
    assert.equal(attr(item as XmlElement, 'maxOccurs'), 'unbounded');
    assert.equal(attr(item as XmlElement, 'name'), 'AccountPayment');
    assert.equal(attr(item as XmlElement, 'nillable'), 'true');
    assert.equal(attr(item as XmlElement, 'type'), 'tns:AccountPayment');
    assertFields(named(s, XSD_NS, 'complexType', 'AccountPayment'), Payment.fields);
    const names = s.children.map((c) => attr(c, 'name'));
    assert.ok(names.indexOf('ArrayOfAccountPayment') < names.indexOf('AccountPayment'), 'pre-order, as XmlSchemaExporter');
    assertFields(child(named(s, XSD_NS, 'element', 'GetPaymentsResponse'), XSD_NS, 'complexType'), GetPayments.response);
  });

  it('escapes descriptions', () => {
    assert.ok(buildWsdl([GetPayments], ADDRESS).includes('>Payments &amp; &lt;refunds&gt;</wsdl:documentation>'));
  });

  it('writes an empty parameter list as <s:complexType />', () => {
    const Ping = defineOperation({ name: 'Ping', style: GetPayments.style, description: GetPayments.description, obsolete: false, extension: false, request: [], response: GetPayments.response, resultCodes: GetPayments.resultCodes });
    const text = buildWsdl([Ping], ADDRESS);
    assert.ok(text.includes('<s:element name="Ping">\r\n        <s:complexType />\r\n      </s:element>'));
  });

  it('refuses two different types with one name', () => {
    const Other = defineOperation({
      ...GetPayments,
      name: 'Other',
      response: [field('x', complex('AccountPayment', [field('Different', string)]))],
    });
    assert.throws(() => buildWsdl([GetPayments, Other], ADDRESS), SchemaConflictError);
  });

  it('refuses a type named like a global element (one class for two things in JAXB/gSOAP)', () => {
    const Clash = defineOperation({
      ...GetPayments,
      name: 'Clash',
      response: [field('x', complex('clashResponse', [field('A', string)]))],
    });
    assert.throws(() => buildWsdl([Clash], ADDRESS), SchemaConflictError);
  });

  it('refuses an operation declared twice', () => {
    assert.throws(() => buildWsdl([GetPayments, GetPayments], ADDRESS), SchemaConflictError);
  });
});
