/**
 * Contract-driven request decoding with XmlSerializer's semantics (asmx-wire-behaviour A7):
 * elements are matched by namespace + local name in any order and the first occurrence wins;
 * unknown elements and attributes are ignored; an absent value type gets its default and an
 * absent reference type is null; `xsi:nil="true"` is null; a lexically invalid value throws
 * FieldValueError, which the pipeline answers as a `soap:Client` fault naming the position.
 */
import type { ComplexKind, Field, Kind } from '../contract/kinds.js';
import { SERVICE_NAMESPACE } from '../contract/common-types.js';
import { WRAPPED_PARAMETER, type OperationDefinition } from '../contract/operation.js';
import type { XmlElement } from '../xml/reader.js';
import { LexicalError, defaultValue, parseScalar } from './lexical.js';
import { XSI_NAMESPACE } from './versions.js';

export type DecodedFields = Record<string, unknown>;

function isNil(element: XmlElement): boolean {
  return element.attributes.some(
    (a) => a.uri === XSI_NAMESPACE && a.local === 'nil' && (a.value.trim() === 'true' || a.value.trim() === '1'),
  );
}

/** A value that does not parse; the pipeline adds its position (found by a second, positioned parse). */
export class FieldValueError extends Error {
  override readonly name = 'FieldValueError';
  constructor(
    readonly element: XmlElement,
    message: string,
  ) {
    super(message);
  }
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
        if (err instanceof LexicalError) throw new FieldValueError(element, err.message);
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

const EMPTY_ELEMENT: XmlElement = { uri: '', local: '', attributes: [], children: [], text: '', ordinal: -1 };
