/**
 * Contract-driven response encoding, byte-compatible with XmlSerializer: no indentation,
 * default namespace on the response element, null reference types omitted, nillable nulls as
 * `xsi:nil="true"`, empty strings as `<X />`.
 */
import type { ArrayKind, Field, Kind } from '../contract/kinds.js';
import { ItemStream } from '../contract/item-stream.js';
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

/**
 * A response body written in pieces (issue 20). Iterate it once; whoever holds it must either
 * read it to the end or `close()` it, which stops the list's reads and gives back what the call
 * took for it. A read or encoding failure mid-way is thrown by the iteration.
 */
export interface ChunkedBody extends AsyncIterable<string> {
  close(): Promise<void>;
}

/** The most list items encoded into one piece of a streamed answer (see `pieces` below). */
const ITEMS_PER_PIECE = 50;

/**
 * The `<Op>Response` element when a top-level array field of the output holds an ItemStream:
 * `before` and `after` the items are strings, the items in pieces of at most ITEMS_PER_PIECE.
 * The pieces joined are byte for byte what `encodeResponseBody` writes for the same items as an
 * array, `<X />` for none included; undefined when no field streams.
 */
export function encodeStreamedResponseBody(op: OperationDefinition, output: Record<string, unknown>, before: string, after: string): ChunkedBody | undefined {
  const index = op.response.findIndex((f) => output[f.name] instanceof ItemStream);
  if (index === -1) return undefined;
  const field = op.response[index]!;
  const stream = output[field.name] as ItemStream<unknown>;
  if (field.type.kind !== 'array') {
    void stream.close();
    throw new EncodeError(`${field.name}: only an array may stream`);
  }
  const kind: ArrayKind = field.type;
  const wrapped = op.style !== 'flat';
  let head: string;
  let tail: string;
  try {
    head = `${before}<${responseElementOf(op)} xmlns="${SERVICE_NAMESPACE}">` + (wrapped ? `<${resultElementOf(op)}>` : '') + encodeFields(op.response.slice(0, index), output);
    tail = encodeFields(op.response.slice(index + 1), output) + (wrapped ? `</${resultElementOf(op)}>` : '') + `</${responseElementOf(op)}>${after}`;
  } catch (err) {
    void stream.close();
    throw err;
  }
  const tags = tagsOf(field.name);

  async function* pieces(): AsyncGenerator<string> {
    let prefix = head + tags.open;
    let any = false;
    for await (const batch of stream) {
      // A piece is at most ITEMS_PER_PIECE items, so that each turn of the event loop the
      // writer gives a list (sendChunks in http/server.ts) encodes only that much: another
      // request waits for turns that carry every streaming list's piece (bench/README.md,
      // issue 20, 12-06 03:50–05:20).
      for (let start = 0; start < batch.length; start += ITEMS_PER_PIECE) {
        let out = prefix;
        const end = Math.min(batch.length, start + ITEMS_PER_PIECE);
        for (let i = start; i < end; i++) out += encodeElement(kind.itemElement, kind.item, batch[i], false);
        prefix = '';
        any = true;
        yield out;
      }
    }
    // No items at all: the element is written empty, as the buffered encoder does.
    yield any ? tags.close + tail : head + tags.empty + tail;
  }
  const generator = pieces();
  return {
    [Symbol.asyncIterator]: () => generator,
    close: async () => {
      await stream.close();
      await generator.return(undefined);
    },
  };
}

/** The output with every ItemStream read into an array: for answers that are written whole (the test form). */
export async function collectStreams(output: Record<string, unknown>): Promise<Record<string, unknown>> {
  const whole: Record<string, unknown> = { ...output };
  for (const [name, value] of Object.entries(output)) {
    if (!(value instanceof ItemStream)) continue;
    const items: unknown[] = [];
    for await (const batch of value as ItemStream<unknown>) items.push(...batch);
    whole[name] = items;
  }
  return whole;
}
