/**
 * The SOAP 1.1 and 1.2 sample request/response of an operation, in the format of the legacy
 * help page (spec/000_69f3e108d2aeb22f.txt, from ASMX's DefaultWsdlHelpGenerator): the HTTP
 * head with `Content-Length: length`, then a 2-space indented envelope with the `soap:` or
 * `soap12:` prefix, the AuthHeader, and placeholders named after the XSD types.
 *
 * One deliberate difference: the legacy pages rendered the Result object as an empty
 * `<Result />`; we show its fields (Result, Code, Message), which is what is on the wire.
 *
 * The envelopes are fixed per operation and computed once; only the request head depends on
 * the host and path of the request that asks for the page.
 */
import { AuthHeader, SERVICE_NAMESPACE } from '../contract/common-types.js';
import type { Field, Kind } from '../contract/kinds.js';
import {
  WRAPPED_PARAMETER,
  requestElementOf,
  responseElementOf,
  resultElementOf,
  soapActionOf,
  type OperationDefinition,
} from '../contract/operation.js';
import { escapeAttribute, escapeText } from '../xml/writer.js';

/** What a sample's request head shows. */
export interface SampleTarget {
  readonly host: string;
  readonly path: string;
}

export interface SampleVersion {
  readonly label: 'SOAP 1.1' | 'SOAP 1.2';
  /** Help-page samples use `soap12` for 1.2 (on the wire ASMX writes `soap` for both). */
  readonly prefix: 'soap' | 'soap12';
  readonly envelopeNamespace: string;
  readonly contentType: string;
  /** SOAP 1.1 carries the action in a SOAPAction header; the 1.2 sample shows none. */
  readonly soapActionHeader: boolean;
}

export const SAMPLE_VERSIONS: readonly SampleVersion[] = [
  {
    label: 'SOAP 1.1',
    prefix: 'soap',
    envelopeNamespace: 'http://schemas.xmlsoap.org/soap/envelope/',
    contentType: 'text/xml; charset=utf-8',
    soapActionHeader: true,
  },
  {
    label: 'SOAP 1.2',
    prefix: 'soap12',
    envelopeNamespace: 'http://www.w3.org/2003/05/soap-envelope',
    contentType: 'application/soap+xml; charset=utf-8',
    soapActionHeader: false,
  },
];

/** A sample split where it varies: only `requestHead` depends on the target. */
export interface SoapSampleTemplate {
  readonly version: SampleVersion;
  /** Request line and headers, ending with the empty line before the envelope. */
  requestHead(target: SampleTarget): string;
  readonly requestEnvelope: string;
  readonly responseHead: string;
  readonly responseEnvelope: string;
}

export interface SoapSample {
  readonly request: string;
  readonly response: string;
}

const NL = '\n';
const INDENT = '  ';

/** The placeholder ASMX prints for a scalar: the XSD type name, or an enum's first value. */
function placeholder(kind: Kind): string {
  switch (kind.kind) {
    case 'string':
    case 'int':
    case 'long':
    case 'boolean':
    case 'dateTime':
    case 'decimal':
      return kind.kind;
    case 'enum':
      return kind.values[0] ?? '';
    case 'complex':
    case 'array':
      throw new Error(`placeholder: ${kind.kind} is not a scalar`);
    default: {
      const unknown: never = kind;
      throw new Error(`placeholder: unknown kind ${JSON.stringify(unknown)}`);
    }
  }
}

/** Number of items shown for an array, as the ASMX help generator does. */
const ARRAY_SAMPLE_ITEMS = 2;

/**
 * The lines of `<name>…</name>` for a kind. `open` is the start-tag content (name plus any
 * attributes); `seen` stops a type that contains itself, which ASMX renders as an empty element.
 */
function elementLines(open: string, name: string, kind: Kind, level: number, seen: ReadonlySet<Kind>): string[] {
  const pad = INDENT.repeat(level);
  switch (kind.kind) {
    case 'string':
    case 'int':
    case 'long':
    case 'boolean':
    case 'dateTime':
    case 'decimal':
    case 'enum':
      return [`${pad}<${open}>${escapeText(placeholder(kind))}</${name}>`];
    case 'complex':
      return wrapLines(open, name, seen.has(kind) ? [] : fieldsLines(kind.fields, level + 1, new Set(seen).add(kind)), level);
    case 'array': {
      const items: string[] = [];
      for (let i = 0; i < ARRAY_SAMPLE_ITEMS; i++) {
        items.push(...elementLines(escapeText(kind.itemElement), escapeText(kind.itemElement), kind.item, level + 1, seen));
      }
      return wrapLines(open, name, items, level);
    }
    default: {
      const unknown: never = kind;
      throw new Error(`elementLines: unknown kind ${JSON.stringify(unknown)}`);
    }
  }
}

function wrapLines(open: string, name: string, inner: readonly string[], level: number): string[] {
  const pad = INDENT.repeat(level);
  if (inner.length === 0) return [`${pad}<${open} />`];
  return [`${pad}<${open}>`, ...inner, `${pad}</${name}>`];
}

function fieldsLines(fields: readonly Field[], level: number, seen: ReadonlySet<Kind>): string[] {
  return fields.flatMap((f) => elementLines(escapeText(f.name), escapeText(f.name), f.type, level, seen));
}

/** `<Op xmlns="ns">` with the parameters (flat) or one `<request>` (wrapped). */
function requestBodyLines(op: OperationDefinition, level: number): string[] {
  const name = escapeText(requestElementOf(op));
  const open = `${name} xmlns="${escapeAttribute(SERVICE_NAMESPACE)}"`;
  const inner =
    op.style === 'flat'
      ? fieldsLines(op.request, level + 1, new Set())
      : wrapLines(WRAPPED_PARAMETER, WRAPPED_PARAMETER, fieldsLines(op.request, level + 2, new Set()), level + 1);
  return wrapLines(open, name, inner, level);
}

/** `<OpResponse xmlns="ns">` with the response fields (flat) or one `<OpResult>` (wrapped). */
function responseBodyLines(op: OperationDefinition, level: number): string[] {
  const name = escapeText(responseElementOf(op));
  const open = `${name} xmlns="${escapeAttribute(SERVICE_NAMESPACE)}"`;
  const result = escapeText(resultElementOf(op));
  const inner =
    op.style === 'flat'
      ? fieldsLines(op.response, level + 1, new Set())
      : wrapLines(result, result, fieldsLines(op.response, level + 2, new Set()), level + 1);
  return wrapLines(open, name, inner, level);
}

function envelope(version: SampleVersion, header: readonly string[] | undefined, body: readonly string[]): string {
  const p = version.prefix;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<${p}:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:${p}="${version.envelopeNamespace}">`,
  ];
  if (header) lines.push(`${INDENT}<${p}:Header>`, ...header, `${INDENT}</${p}:Header>`);
  lines.push(`${INDENT}<${p}:Body>`, ...body, `${INDENT}</${p}:Body>`, `</${p}:Envelope>`);
  return lines.join(NL);
}

function authHeaderLines(level: number): string[] {
  const name = escapeText(AuthHeader.name);
  return wrapLines(
    `${name} xmlns="${escapeAttribute(SERVICE_NAMESPACE)}"`,
    name,
    fieldsLines(AuthHeader.fields, level + 1, new Set()),
    level,
  );
}

export function compileSoapSamples(op: OperationDefinition): readonly SoapSampleTemplate[] {
  return SAMPLE_VERSIONS.map((version) => {
    const headTail =
      `Content-Type: ${version.contentType}${NL}Content-Length: length${NL}` +
      (version.soapActionHeader ? `SOAPAction: "${soapActionOf(op)}"${NL}` : '') +
      NL;
    return {
      version,
      requestHead: (target: SampleTarget) => `POST ${target.path} HTTP/1.1${NL}Host: ${target.host}${NL}${headTail}`,
      requestEnvelope: envelope(version, authHeaderLines(2), requestBodyLines(op, 2)),
      responseHead: `HTTP/1.1 200 OK${NL}Content-Type: ${version.contentType}${NL}Content-Length: length${NL}${NL}`,
      responseEnvelope: envelope(version, undefined, responseBodyLines(op, 2)),
    };
  });
}

/** The plain-text samples of one operation for one target, keyed by version. */
export function buildSoapSamples(
  op: OperationDefinition,
  target: SampleTarget,
): { readonly soap11: SoapSample; readonly soap12: SoapSample } {
  const [soap11, soap12] = compileSoapSamples(op).map((t) => ({
    request: t.requestHead(target) + t.requestEnvelope,
    response: t.responseHead + t.responseEnvelope,
  }));
  if (!soap11 || !soap12) throw new Error('buildSoapSamples: both SOAP versions expected');
  return { soap11, soap12 };
}
