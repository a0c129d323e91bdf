/**
 * Reading an OpenAPI 3.1 document defensively, for the docs page. The page must render ANY
 * document (the one describe/openapi.ts derives from the contract, a hand-written one in a test,
 * a future version with fields we do not know), so it reads plain JSON values with small
 * guards instead of trusting a declared type: a missing or odd field is skipped, never a crash.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The entries of an object whose values are objects, in document order. */
export function objectEntries(value: unknown): readonly (readonly [string, JsonObject])[] {
  const entries: (readonly [string, JsonObject])[] = [];
  for (const [key, v] of Object.entries(asObject(value) ?? {})) {
    const o = asObject(v);
    if (o !== undefined) entries.push([key, o]);
  }
  return entries;
}

/** `#/components/schemas/Account` → `Account`: the last segment of a local reference. */
export function refName(value: unknown): string | undefined {
  const ref = asString(asObject(value)?.['$ref']);
  if (ref === undefined || !ref.startsWith('#/')) return undefined;
  return decodePointerSegment(ref.slice(ref.lastIndexOf('/') + 1));
}

function decodePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Follows local `$ref`s (a chain of at most 16, so a cycle cannot hang the page). */
export function resolve(doc: JsonObject, value: unknown): JsonObject | undefined {
  let current = asObject(value);
  for (let hops = 0; current !== undefined && hops < 16; hops++) {
    const ref = asString(current['$ref']);
    if (ref === undefined) return current;
    if (!ref.startsWith('#/')) return undefined;
    let target: unknown = doc;
    for (const segment of ref.slice(2).split('/')) target = asObject(target)?.[decodePointerSegment(segment)];
    current = asObject(target);
  }
  return undefined;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface OperationView {
  readonly method: string;
  readonly path: string;
  /** Unique within the page: the operationId, or method and path. */
  readonly key: string;
  readonly tags: readonly string[];
  readonly summary: string;
  readonly description: string;
  readonly deprecated: boolean;
  /** Path-level and operation-level parameters merged (the operation's win), references resolved. */
  readonly parameters: readonly JsonObject[];
  readonly requestBody: JsonObject | undefined;
  readonly responses: readonly (readonly [string, JsonObject])[];
  /** Security requirement objects; an empty list means no authentication. */
  readonly security: readonly JsonObject[];
}

function mergeParameters(doc: JsonObject, pathLevel: unknown, opLevel: unknown): JsonObject[] {
  const byKey = new Map<string, JsonObject>();
  for (const raw of [...asArray(pathLevel), ...asArray(opLevel)]) {
    const p = resolve(doc, raw);
    if (p === undefined) continue;
    byKey.set(`${asString(p['in']) ?? ''}:${asString(p['name']) ?? ''}`, p);
  }
  return [...byKey.values()];
}

/** Every operation of the document, in the order of its paths and of HTTP_METHODS. */
export function listOperations(doc: JsonObject): OperationView[] {
  const topSecurity = asArray(doc['security']).map(asObject).filter((o): o is JsonObject => o !== undefined);
  const ops: OperationView[] = [];
  for (const [path, rawItem] of objectEntries(doc['paths'])) {
    const item = resolve(doc, rawItem) ?? rawItem;
    for (const method of HTTP_METHODS) {
      const op = asObject(item[method]);
      if (op === undefined) continue;
      const security = Array.isArray(op['security'])
        ? op['security'].map(asObject).filter((o): o is JsonObject => o !== undefined)
        : topSecurity;
      const responses = objectEntries(op['responses']).map(([status, r]) => [status, resolve(doc, r) ?? r] as const);
      ops.push({
        method: method.toUpperCase(),
        path,
        key: asString(op['operationId']) ?? `${method} ${path}`,
        tags: asArray(op['tags']).map(asString).filter((t): t is string => t !== undefined),
        summary: asString(op['summary']) ?? '',
        description: asString(op['description']) ?? '',
        deprecated: op['deprecated'] === true,
        parameters: mergeParameters(doc, item['parameters'], op['parameters']),
        requestBody: resolve(doc, op['requestBody']),
        responses,
        security,
      });
    }
  }
  return ops;
}

/** A media type's example: `example`, the first of `examples`, or the schema's first example. */
export function firstExample(doc: JsonObject, media: JsonObject): { readonly found: boolean; readonly value: unknown } {
  if ('example' in media) return { found: true, value: media['example'] };
  for (const [, ex] of objectEntries(media['examples'])) {
    const resolved = resolve(doc, ex);
    if (resolved !== undefined && 'value' in resolved) return { found: true, value: resolved['value'] };
  }
  return schemaExample(doc, media['schema']);
}

export function schemaExample(doc: JsonObject, schema: unknown): { readonly found: boolean; readonly value: unknown } {
  const s = resolve(doc, schema);
  if (s === undefined) return { found: false, value: undefined };
  const examples = asArray(s['examples']);
  if (examples.length > 0) return { found: true, value: examples[0] };
  if ('example' in s) return { found: true, value: s['example'] };
  return { found: false, value: undefined };
}
