/**
 * Contract-driven request decoding with XmlSerializer's semantics (asmx-wire-behaviour A7):
 * elements are matched by namespace + local name in any order and the first occurrence wins;
 * unknown elements and attributes are ignored; an absent value type gets its default and an
 * absent reference type is null; `xsi:nil="true"` is null; a lexically invalid value is a
 * `soap:Client` fault naming the position and the .NET message.
 */
import type { ComplexKind, Field, Kind } from '../contract/kinds.js';
import { SERVICE_NAMESPACE } from '../contract/common-types.js';
import { WRAPPED_PARAMETER, type OperationDefinition } from '../contract/operation.js';
import type { XmlElement } from '../xml/reader.js';
import { LexicalError, defaultValue, parseScalar } from './lexical.js';
import { XSI_NAMESPACE } from './versions.js';
import { readRequestFault } from './fault.js';

export type DecodedFields = Record<string, unknown>;

function isNil(element: XmlElement): boolean {
  return element.attributes.some(
    (a) => a.uri === XSI_NAMESPACE && a.local === 'nil' && (a.value.trim() === 'true' || a.value.trim() === '1'),
  );
}

function position(element: XmlElement): string {
  return `There is an error in XML document (${element.line}, ${element.column}).`;
}

function decodeValue(kind: Kind, element: XmlElement): unknown {
  if (isNil(element)) return null;
  switch (kind.kind) {
    case 'complex':
      return decodeFields(kind.fields, element);
    case 'array':
      return element.children
        .filter((c) => c.uri === SERVICE_NAMESPACE && c.local === kind.itemElement)
        .map((c) => decodeFields(kind.item.fields, c));
    default:
      try {
        return parseScalar(kind, element.text);
      } catch (err) {
        if (err instanceof LexicalError) throw readRequestFault(position(element), err.message);
        throw err;
      }
  }
}

/** Decodes the children of `parent` as the given fields. */
export function decodeFields(fields: readonly Field[], parent: XmlElement): DecodedFields {
  const out: DecodedFields = {};
  for (const field of fields) {
    const element = parent.children.find((c) => c.local === field.name && c.uri === SERVICE_NAMESPACE);
    out[field.name] = element ? decodeValue(field.type, element) : field.nillable ? null : defaultValue(field.type);
  }
  return out;
}

export function decodeComplex(kind: ComplexKind, element: XmlElement): DecodedFields {
  return decodeFields(kind.fields, element);
}

/** The operation's arguments from its body element (already matched to the operation). */
export function decodeArguments(op: OperationDefinition, bodyElement: XmlElement): DecodedFields {
  if (op.style === 'flat') return decodeFields(op.request, bodyElement);
  const request = bodyElement.children.find((c) => c.local === WRAPPED_PARAMETER && c.uri === SERVICE_NAMESPACE);
  // A missing <request> decodes as a request whose fields are all absent, so that validation
  // names the first required field instead of the call failing as a whole.
  return request && !isNil(request) ? decodeFields(op.request, request) : decodeFields(op.request, EMPTY_ELEMENT);
}

const EMPTY_ELEMENT: XmlElement = { uri: '', local: '', attributes: [], children: [], text: '', line: 0, column: 0 };
