/**
 * The `?WSDL` document, in the shape ASMX's ServiceDescriptionReflector writes for a
 * document/literal service with a SOAP header (asmx-wire-behaviour A8): 2-space indentation,
 * ` />` self-closing, messages `<Op>SoapIn` / `<Op>SoapOut` / `<Op>AuthHeader`, one port type,
 * a Soap and a Soap12 binding, and a service with one port per binding.
 *
 * Deliberately absent, as the legacy service's configuration implies: HttpGet/HttpPost
 * bindings (off by default in ASMX) and the WS-I BP 1.1 `wsi:Claim` (with it, ASMX would answer
 * a missing AuthHeader with a MustUnderstand fault; SERVICE.md §2 answers InvalidSoapCredentials).
 *
 * Everything but the address is computed once: `compileWsdl(operations)` returns a function
 * that only splices the (escaped) address into two places.
 */
import { AuthHeader, SERVICE_NAME, SERVICE_NAMESPACE } from '../contract/common-types.js';
import { requestElementOf, responseElementOf, soapActionOf, type OperationDefinition } from '../contract/operation.js';
import { escapeAttribute, escapeText } from '../xml/writer.js';
import { schemaLines } from './schema.js';

export const WSDL_NAMESPACE = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP_HTTP_TRANSPORT = 'http://schemas.xmlsoap.org/soap/http';

/** The namespace declarations of `wsdl:definitions`, in the order ASMX (.NET 4.x) writes them. */
const DEFINITIONS_OPEN =
  '<wsdl:definitions' +
  ' xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"' +
  ' xmlns:tm="http://microsoft.com/wsdl/mime/textMatching/"' +
  ' xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"' +
  ' xmlns:mime="http://schemas.xmlsoap.org/wsdl/mime/"' +
  ` xmlns:tns="${escapeAttribute(SERVICE_NAMESPACE)}"` +
  ' xmlns:s="http://www.w3.org/2001/XMLSchema"' +
  ' xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"' +
  ' xmlns:http="http://schemas.xmlsoap.org/wsdl/http/"' +
  ` targetNamespace="${escapeAttribute(SERVICE_NAMESPACE)}"` +
  ` xmlns:wsdl="${WSDL_NAMESPACE}">`;

/** Names ASMX derives from the service class name. */
export const PORT_TYPE_NAME = `${SERVICE_NAME}Soap`;
export const SOAP11_BINDING_NAME = `${SERVICE_NAME}Soap`;
export const SOAP12_BINDING_NAME = `${SERVICE_NAME}Soap12`;

/** Per-binding differences: the WSDL extension prefix (`soap` or `soap12`). */
interface BindingDescriptor {
  readonly name: string;
  readonly prefix: 'soap' | 'soap12';
}
const BINDINGS: readonly BindingDescriptor[] = [
  { name: SOAP11_BINDING_NAME, prefix: 'soap' },
  { name: SOAP12_BINDING_NAME, prefix: 'soap12' },
];

/**
 * ServiceDescription.Write uses an indented XmlTextWriter, whose line breaks are the Windows
 * Environment.NewLine: CRLF, and none after the closing root tag.
 */
export const NEWLINE = '\r\n';

/** Stands for the address while the document is assembled; cannot occur in escaped text. */
const ADDRESS_SLOT = '\u0000address\u0000';

const headerMessageOf = (op: OperationDefinition): string => `${op.name}${AuthHeader.name}`;

function messageLines(op: OperationDefinition): string[] {
  const name = escapeAttribute(op.name);
  const header = AuthHeader.name;
  return [
    `  <wsdl:message name="${name}SoapIn">`,
    `    <wsdl:part name="parameters" element="tns:${escapeAttribute(requestElementOf(op))}" />`,
    '  </wsdl:message>',
    `  <wsdl:message name="${name}SoapOut">`,
    `    <wsdl:part name="parameters" element="tns:${escapeAttribute(responseElementOf(op))}" />`,
    '  </wsdl:message>',
    `  <wsdl:message name="${escapeAttribute(headerMessageOf(op))}">`,
    `    <wsdl:part name="${escapeAttribute(header)}" element="tns:${escapeAttribute(header)}" />`,
    '  </wsdl:message>',
  ];
}

function portTypeOperationLines(op: OperationDefinition): string[] {
  const name = escapeAttribute(op.name);
  const lines = [`    <wsdl:operation name="${name}">`];
  // ASMX repeats the wsdl namespace declaration on every operation's documentation element.
  if (op.description !== '') {
    lines.push(`      <wsdl:documentation xmlns:wsdl="${WSDL_NAMESPACE}">${escapeText(op.description)}</wsdl:documentation>`);
  }
  lines.push(
    `      <wsdl:input message="tns:${name}SoapIn" />`,
    `      <wsdl:output message="tns:${name}SoapOut" />`,
    '    </wsdl:operation>',
  );
  return lines;
}

function bindingLines(binding: BindingDescriptor, operations: readonly OperationDefinition[]): string[] {
  const p = binding.prefix;
  const lines = [
    `  <wsdl:binding name="${escapeAttribute(binding.name)}" type="tns:${escapeAttribute(PORT_TYPE_NAME)}">`,
    // The Soap12 binding's transport is the SOAP 1.1 HTTP transport URI too, as ASMX writes it.
    `    <${p}:binding transport="${SOAP_HTTP_TRANSPORT}" />`,
  ];
  for (const op of operations) {
    lines.push(
      `    <wsdl:operation name="${escapeAttribute(op.name)}">`,
      `      <${p}:operation soapAction="${escapeAttribute(soapActionOf(op))}" style="document" />`,
      '      <wsdl:input>',
      `        <${p}:body use="literal" />`,
      `        <${p}:header message="tns:${escapeAttribute(headerMessageOf(op))}" part="${escapeAttribute(AuthHeader.name)}" use="literal" />`,
      '      </wsdl:input>',
      '      <wsdl:output>',
      `        <${p}:body use="literal" />`,
      '      </wsdl:output>',
      '    </wsdl:operation>',
    );
  }
  lines.push('  </wsdl:binding>');
  return lines;
}

function serviceLines(): string[] {
  const lines = [`  <wsdl:service name="${escapeAttribute(SERVICE_NAME)}">`];
  for (const b of BINDINGS) {
    lines.push(
      `    <wsdl:port name="${escapeAttribute(b.name)}" binding="tns:${escapeAttribute(b.name)}">`,
      `      <${b.prefix}:address location="${ADDRESS_SLOT}" />`,
      '    </wsdl:port>',
    );
  }
  lines.push('  </wsdl:service>');
  return lines;
}

/** Precomputes the WSDL; the returned function substitutes the `soap:address` location. */
export function compileWsdl(operations: readonly OperationDefinition[]): (address: string) => string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    DEFINITIONS_OPEN,
    '  <wsdl:types>',
    ...schemaLines(operations, SERVICE_NAMESPACE, AuthHeader, 2),
    '  </wsdl:types>',
    ...operations.flatMap(messageLines),
    `  <wsdl:portType name="${escapeAttribute(PORT_TYPE_NAME)}">`,
    ...operations.flatMap(portTypeOperationLines),
    '  </wsdl:portType>',
    ...BINDINGS.flatMap((b) => bindingLines(b, operations)),
    ...serviceLines(),
    '</wsdl:definitions>',
  ];
  const pieces = lines.join(NEWLINE).split(ADDRESS_SLOT);
  return (address: string): string => pieces.join(escapeAttribute(address));
}

export function buildWsdl(operations: readonly OperationDefinition[], address: string): string {
  return compileWsdl(operations)(address);
}
