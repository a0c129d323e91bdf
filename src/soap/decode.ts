/**
 * Contract-driven request decoding with XmlSerializer's semantics (asmx-wire-behaviour A7):
 * elements are matched by namespace + local name in any order and the first occurrence wins;
 * unknown elements and attributes are ignored; an absent value type gets its default and an
 * absent reference type is null; `xsi:nil="true"` is null for a reference type or a nillable
 * field, while a non-nullable value type ignores it and reads the element's text (so an empty
 * `<b xsi:nil="true"/>` is "The string '' is not a valid Boolean value.", as XmlSerializer's
 * generated reader says); a lexically invalid value throws FieldValueError, which the pipeline
 * answers as a `soap:Client` fault naming the position.
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

/** Kinds XmlSerializer maps to .NET value types: they have no null unless the field is nillable. */
function isValueType(kind: Kind): boolean {
  return kind.kind !== 'string' && kind.kind !== 'complex' && kind.kind !== 'array';
}

function decodeValue(kind: Kind, element: XmlElement, nillable: boolean): unknown {
  if ((nillable || !isValueType(kind)) && isNil(element)) return null;
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
    out[field.name] = element ? decodeValue(field.type, element, field.nillable === true) : field.nillable ? null : defaultValue(field.type);
  }
  return out;
}

export function decodeComplex(kind: ComplexKind, element: XmlElement): DecodedFields {
  return decodeFields(kind.fields, element);
}

/**
 * The operation's arguments from its body element, or all absent when the Body's first element
 * is not the operation's (undefined): XmlSerializer skips that element as an unknown node and
 * the method runs with null/default parameters.
 */
export function decodeArguments(op: OperationDefinition, bodyElement: XmlElement | undefined): DecodedFields {
  if (bodyElement === undefined) return decodeFields(op.request, EMPTY_ELEMENT);
  if (op.style === 'flat') return decodeFields(op.request, bodyElement);
  const request = bodyElement.children.find((c) => c.local === WRAPPED_PARAMETER && c.uri === SERVICE_NAMESPACE);
  // A missing <request> decodes as a request whose fields are all absent, so that validation
  // names the first required field instead of the call failing as a whole.
  return request && !isNil(request) ? decodeFields(op.request, request) : decodeFields(op.request, EMPTY_ELEMENT);
}

const EMPTY_ELEMENT: XmlElement = { uri: '', local: '', attributes: [], children: [], text: '', ordinal: -1 };
