/**
 * Contract-driven response encoding, byte-compatible with XmlSerializer: no indentation,
 * default namespace on the response element, null reference types omitted, nillable nulls as
 * `xsi:nil="true"`, empty strings as `<X />`.
 */
import type { Field, Kind } from '../contract/kinds.js';
import { SERVICE_NAMESPACE } from '../contract/common-types.js';
import { responseElementOf, resultElementOf, type OperationDefinition } from '../contract/operation.js';
import { escapeText } from '../xml/writer.js';
import { formatDateTime } from './lexical.js';

/** The encoder met a value that does not fit the contract: a bug on our side, never the client's. */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
}

function scalarText(kind: Kind, value: unknown, name: string): string {
  switch (kind.kind) {
    case 'string':
    case 'decimal':
      if (typeof value === 'string') return escapeText(value);
      break;
    case 'enum':
      if (typeof value === 'string' && kind.values.includes(value)) return value;
      break;
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return String(value);
      break;
    case 'long':
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value ? 'true' : 'false';
      break;
    case 'dateTime':
      if (value instanceof Date && !Number.isNaN(value.getTime())) return formatDateTime(value);
      break;
    case 'complex':
    case 'array':
      break;
  }
  throw new EncodeError(`${name}: value does not fit kind ${kind.kind}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** An element's tags, made once per name: the names come from the contract alone, so few. */
interface Tags {
  readonly open: string;
  readonly close: string;
  readonly empty: string;
  readonly nil: string;
}
const TAGS = new Map<string, Tags>();

function tagsOf(name: string): Tags {
  let tags = TAGS.get(name);
  if (tags === undefined) {
    tags = { open: `<${name}>`, close: `</${name}>`, empty: `<${name} />`, nil: `<${name} xsi:nil="true" />` };
    TAGS.set(name, tags);
  }
  return tags;
}

function encodeElement(name: string, kind: Kind, value: unknown, nillable: boolean): string {
  const tags = tagsOf(name);
  if (value === null || value === undefined) {
    if (nillable) return tags.nil;
    if (kind.kind === 'string' || kind.kind === 'complex' || kind.kind === 'array') return '';
    throw new EncodeError(`${name}: a value type cannot be null`);
  }
  let inner: string;
  if (kind.kind === 'complex') {
    if (!isRecord(value)) throw new EncodeError(`${name}: expected an object`);
    inner = encodeFields(kind.fields, value);
  } else if (kind.kind === 'array') {
    if (!Array.isArray(value)) throw new EncodeError(`${name}: expected an array`);
    inner = value.map((item: unknown) => encodeElement(kind.itemElement, kind.item, item, false)).join('');
  } else {
    inner = scalarText(kind, value, name);
  }
  return inner === '' ? tags.empty : tags.open + inner + tags.close;
}

export function encodeFields(fields: readonly Field[], value: Record<string, unknown>): string {
  let out = '';
  for (const field of fields) out += encodeElement(field.name, field.type, value[field.name], field.nillable === true);
  return out;
}

/** The `<Op>Response` element of a SOAP body. */
export function encodeResponseBody(op: OperationDefinition, output: Record<string, unknown>): string {
  const fields = encodeFields(op.response, output);
  const content = op.style === 'flat' ? fields : `<${resultElementOf(op)}>${fields}</${resultElementOf(op)}>`;
  return `<${responseElementOf(op)} xmlns="${SERVICE_NAMESPACE}">${content}</${responseElementOf(op)}>`;
}
