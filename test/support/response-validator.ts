/**
 * Every answer of the JSON API checked against the OpenAPI document that describes it: the
 * status must be declared for the operation, the declared headers present (when required) and
 * valid, the headers a partner relies on (rate limits, Location, Link, WWW-Authenticate, …)
 * declared, the content type declared for that status, and the body valid against its schema
 * by a real JSON Schema 2020-12 validator (ajv/dist/2020 with ajv-formats: date-time, int64, …).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { asObject, asString, listOperations, objectEntries, resolve, type JsonObject, type OperationView } from '../../src/describe/openapi-read.js';

export interface RecordedAnswer {
  readonly method: string;
  /** Absolute URL or path, with or without the query. */
  readonly url: string;
  readonly status: number;
  readonly headers: Headers | Readonly<Record<string, string>>;
  readonly body: string;
}

/** Headers a partner reads: sending one the document does not declare for that answer is a drift. */
const MUST_BE_DECLARED = /^(ratelimit-.*|retry-after|location|link|www-authenticate|idempotency-.*)$/i;
/** ajv-formats is CommonJS with `exports.default`: under NodeNext the plugin is that default. */
const addFormats = (formatsPlugin as unknown as { default: (ajv: Ajv2020) => Ajv2020 }).default;
const COMPONENTS_ID = 'urn:ams:openapi-components';

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  const o = asObject(value);
  if (o === undefined) return value;
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/') ? `${COMPONENTS_ID}#/$defs/${v.slice('#/components/schemas/'.length)}` : rewriteRefs(v)]),
  );
}

function headerValue(headers: RecordedAnswer['headers'], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

function headerNames(headers: RecordedAnswer['headers']): string[] {
  return headers instanceof Headers ? [...headers.keys()] : Object.keys(headers);
}

/** A header's text as the JSON value its schema describes (integers for RateLimit-*, …). */
function typedHeader(schema: JsonObject | undefined, text: string): unknown {
  const type = asString(schema?.['type']);
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

export class ResponseValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly operations: readonly (OperationView & { readonly pattern: RegExp; readonly literal: number })[];
  private readonly basePath: string;
  /** `METHOD path` of every operation an answer was checked for, and every status seen per operation. */
  readonly seen = new Map<string, Set<number>>();

  constructor(private readonly doc: JsonObject) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(asObject(asObject(doc['components'])?.['schemas']) ?? {}) });
    const server = asString(asObject(Array.isArray(doc['servers']) ? doc['servers'][0] : undefined)?.['url']) ?? '';
    this.basePath = new URL(server, 'http://base.invalid').pathname.replace(/\/+$/, '');
    this.operations = listOperations(doc)
      .map((op) => ({
        ...op,
        pattern: new RegExp(`^${op.path.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')}$`),
        literal: op.path.replace(/\{[^}]+\}/g, '').length,
      }))
      // A literal segment beats a parameter: /accounts/search before /accounts/{username}.
      .sort((a, b) => b.literal - a.literal);
  }

  /** `METHOD path` of every operation of the document (the keys of `seen`). */
  operationKeys(): string[] {
    return this.operations.map((op) => `${op.method} ${op.path}`);
  }

  /** The operation an answer belongs to, by method and path (after the server's base path). */
  operationFor(method: string, url: string): OperationView | undefined {
    let path = new URL(url, 'http://base.invalid').pathname;
    if (path.startsWith(this.basePath)) path = path.slice(this.basePath.length);
    return this.operations.find((op) => op.method === method.toUpperCase() && op.pattern.test(path));
  }

  /** Everything wrong with an answer; empty when it matches the document. */
  problems(answer: RecordedAnswer): string[] {
    const where = `${answer.method} ${answer.url} → ${answer.status}`;
    const op = this.operationFor(answer.method, answer.url);
    if (op === undefined) return [`${where}: no such operation in the document`];
    const opKey = `${op.method} ${op.path}`;
    if (!this.seen.has(opKey)) this.seen.set(opKey, new Set());
    this.seen.get(opKey)?.add(answer.status);
    const responses = new Map(op.responses);
    const status = String(answer.status);
    const response = responses.get(status) ?? responses.get(`${status[0]}XX`) ?? responses.get('default');
    if (response === undefined) return [`${where}: status not declared for ${opKey} (declared: ${[...responses.keys()].join(', ')})`];
    const found: string[] = [];
    const declared = objectEntries(response['headers']).map(([name, h]) => [name, resolve(this.doc, h) ?? h] as const);
    for (const [name, header] of declared) {
      if (name.toLowerCase() === 'content-type') continue;
      const value = headerValue(answer.headers, name);
      if (value === undefined) {
        if (header['required'] === true) found.push(`${where}: required header ${name} missing`);
        continue;
      }
      const schema = resolve(this.doc, header['schema']);
      if (schema !== undefined) found.push(...this.validate(`header ${name}`, header['schema'], typedHeader(schema, value)).map((p) => `${where}: ${p}`));
    }
    const declaredNames = new Set(declared.map(([name]) => name.toLowerCase()));
    for (const name of headerNames(answer.headers)) {
      if (MUST_BE_DECLARED.test(name) && !declaredNames.has(name.toLowerCase())) found.push(`${where}: header ${name} sent but not declared`);
    }
    found.push(...this.bodyProblems(where, answer, response));
    return found;
  }

  /** Throws one error listing every problem of the answer. */
  assertValid(answer: RecordedAnswer): void {
    const found = this.problems(answer);
    if (found.length > 0) throw new Error(`answer does not match the OpenAPI document:\n  ${found.join('\n  ')}\n  body: ${answer.body.slice(0, 500)}`);
  }

  private bodyProblems(where: string, answer: RecordedAnswer, response: JsonObject): string[] {
    const content = objectEntries(response['content']);
    if (content.length === 0) return answer.body === '' ? [] : [`${where}: a body was sent but none is declared`];
    const contentType = (headerValue(answer.headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const media = content.find(([type]) => type.toLowerCase() === contentType) ?? content.find(([type]) => type === '*/*' || (type.endsWith('/*') && contentType.startsWith(type.slice(0, -1))));
    if (media === undefined) return [`${where}: content type ${JSON.stringify(contentType)} not declared (declared: ${content.map(([t]) => t).join(', ')})`];
    if (!/[/+]json$/.test(contentType)) return [];
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return [`${where}: ${contentType} body is not JSON`];
    }
    return this.validate(`body (${contentType})`, media[1]['schema'], body).map((p) => `${where}: ${p}`);
  }

  private validate(what: string, schema: unknown, value: unknown): string[] {
    if (schema === undefined) return [];
    const key = JSON.stringify(schema);
    const rewritten = rewriteRefs(schema);
    const check = this.compiled.get(key) ?? this.ajv.compile(typeof rewritten === 'boolean' ? rewritten : (asObject(rewritten) ?? {}));
    this.compiled.set(key, check);
    if (check(value)) return [];
    return (check.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }
}
