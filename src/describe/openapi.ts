/**
 * The OpenAPI 3.1 document of the JSON API, derived from the REST declaration (contract/json-routes.ts)
 * and the operations' kinds, built once at boot and served at /api/v1/openapi.json. Every schema
 * carries `examples`; every answer an operation can give, problems included, is declared.
 * Golden copy: test/golden/openapi.json (test/rest/openapi-drift.test.ts, UPDATE_GOLDEN=1).
 */
import { RESULT_CODES, type ResultCodeName } from '../contract/result-codes.js';
import type { ComplexKind, Kind } from '../contract/kinds.js';
import {
  ACCOUNT_LIST_ROUTE,
  AccountListEntry,
  EDGE_PROBLEMS,
  EXAMPLE_VALUES,
  PROBLEM_STATUS,
  REST_BASE_PATH,
  REST_ROUTES,
  jsonName,
  type EdgeProblemCode,
  type RestRoute,
  type RestVariant,
} from '../contract/json-routes.js';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface OpenApiOptions {
  readonly version: string;
  readonly title?: string;
}

const SCALAR_EXAMPLES: Readonly<Record<string, Json>> = {
  string: 'text',
  int: 1,
  long: 1024,
  boolean: true,
  dateTime: '2026-12-01T12:00:00.000Z',
  decimal: '9.99',
};

function exampleOf(name: string, kind: Kind): Json {
  const known = EXAMPLE_VALUES[name];
  if (known !== undefined) return known as Json;
  switch (kind.kind) {
    case 'enum':
      return kind.values[0] ?? '';
    case 'complex':
      return objectExample(kind);
    case 'array':
      return [objectExample(kind.item)];
    default:
      return SCALAR_EXAMPLES[kind.kind] ?? null;
  }
}

function objectExample(kind: ComplexKind): JsonObject {
  return Object.fromEntries(kind.fields.map((f) => [jsonName(f.name), exampleOf(jsonName(f.name), f.type)]));
}

/** A kind's JSON Schema; `nullable` adds null (reference strings and nillable value types). */
function kindSchema(kind: Kind, example: Json, nullable: boolean): JsonObject {
  const withNull = (type: string): Json => (nullable ? [type, 'null'] : type);
  const examples: Json = [example];
  switch (kind.kind) {
    case 'string':
      return { type: withNull('string'), examples };
    case 'int':
      return { type: withNull('integer'), format: 'int32', examples };
    case 'long':
      return { type: withNull('integer'), format: 'int64', description: 'A 64-bit integer, as a JSON number.', examples };
    case 'boolean':
      return { type: withNull('boolean'), examples };
    case 'dateTime':
      return { type: withNull('string'), format: 'date-time', description: 'RFC 3339, UTC.', examples };
    case 'decimal':
      return { type: withNull('string'), pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'A decimal number as text (never a float).', examples };
    case 'enum':
      return { type: withNull('string'), enum: nullable ? [...kind.values, null] : [...kind.values], examples };
    case 'complex':
      return nullable ? { oneOf: [{ $ref: `#/components/schemas/${kind.name}` }, { type: 'null' }], examples } : { $ref: `#/components/schemas/${kind.name}` };
    case 'array':
      return { type: 'array', items: { $ref: `#/components/schemas/${kind.item.name}` }, examples };
  }
}

/** Output fields: strings may be null (XmlSerializer's reference types); value types only when nillable. */
function outputSchema(name: string, kind: Kind, nillable: boolean): JsonObject {
  return kindSchema(kind, exampleOf(name, kind), kind.kind === 'string' || nillable);
}

function complexSchema(kind: ComplexKind): JsonObject {
  const properties: JsonObject = {};
  for (const f of kind.fields) properties[jsonName(f.name)] = outputSchema(jsonName(f.name), f.type, f.nillable === true);
  return { type: 'object', properties, required: kind.fields.map((f) => jsonName(f.name)), additionalProperties: false, examples: [objectExample(kind)] };
}

const PROBLEM_CODES = [...RESULT_CODES.filter((c) => c.name !== 'Success').map((c) => c.name), ...Object.keys(EDGE_PROBLEMS)];

function problemSchema(): JsonObject {
  return {
    type: 'object',
    description: 'RFC 9457 problem details. `code` and `result` are the ResultCode name and number (edge problems such as MalformedJson have no number: result 0).',
    properties: {
      type: { type: 'string', examples: ['https://ams.example/problems/account-not-found'] },
      title: { type: 'string', examples: ['No backup account with that user name.'] },
      status: { type: 'integer', examples: [404] },
      detail: { type: 'string', examples: ['AccountNotFound: jsmith'] },
      code: { type: 'string', enum: PROBLEM_CODES, examples: ['AccountNotFound'] },
      result: { type: 'integer', examples: [100] },
      field: { type: 'string', description: 'The JSON property (or parameter) at fault, on 422.', examples: ['email'] },
      requestId: { type: 'string', description: 'On 500: quote it to the operator.', examples: ['3f9c2a7b'] },
    },
    required: ['type', 'title', 'status', 'detail', 'code', 'result'],
    examples: [{ type: 'about:blank', title: 'Not found', status: 404, detail: 'No backup account with that user name.', code: 'AccountNotFound', result: 100 }],
  };
}

const RATE_HEADERS: JsonObject = {
  'RateLimit-Limit': { $ref: '#/components/headers/RateLimit-Limit' },
  'RateLimit-Remaining': { $ref: '#/components/headers/RateLimit-Remaining' },
  'RateLimit-Reset': { $ref: '#/components/headers/RateLimit-Reset' },
};

function bodyVariantSchema(variant: RestVariant): JsonObject {
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const f of variant.operation.request) {
    const source = variant.args[f.name];
    if (source?.from !== 'body') continue;
    properties[source.name] = kindSchema(f.type, exampleOf(source.name, f.type), !source.required && f.type.kind === 'string');
    if (source.required) required.push(source.name);
  }
  const example = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, ((v as { examples?: Json[] }).examples ?? [null])[0] ?? null])) as JsonObject;
  return { type: 'object', properties, required, additionalProperties: false, examples: [example] };
}

function answerSchema(route: RestRoute): JsonObject | undefined {
  const op = route.variants[0]!.operation;
  const answer = route.answer;
  const outField = (name: string): { kind: Kind; nillable: boolean } => {
    const f = op.response.find((r) => r.name === name);
    if (!f) throw new Error(`${route.id}: no output field ${name} in ${op.name}`);
    return { kind: f.type, nillable: f.nillable === true };
  };
  switch (answer.kind) {
    case 'empty':
      return undefined;
    case 'account':
      return { $ref: '#/components/schemas/AccountInfo' };
    case 'object': {
      const kind = outField(answer.field).kind;
      if (kind.kind !== 'complex') throw new Error(`${route.id}: ${answer.field} is not complex`);
      return { $ref: `#/components/schemas/${kind.name}` };
    }
    case 'fields': {
      const properties: JsonObject = {};
      for (const [name, source] of Object.entries(answer.fields)) {
        const f = outField(source);
        properties[name] = outputSchema(name, f.kind, f.nillable);
      }
      const example = Object.fromEntries(Object.entries(answer.fields).map(([name, source]) => [name, exampleOf(name, outField(source).kind)])) as JsonObject;
      return { type: 'object', properties, required: Object.keys(answer.fields), additionalProperties: false, examples: [example] };
    }
    case 'items': {
      const kind = outField(answer.field).kind;
      if (kind.kind !== 'array') throw new Error(`${route.id}: ${answer.field} is not an array`);
      const properties: JsonObject = { items: { type: 'array', items: { $ref: `#/components/schemas/${kind.item.name}` }, examples: [[objectExample(kind.item)]] } };
      const example: JsonObject = { items: [objectExample(kind.item)] };
      if (answer.total) {
        properties[answer.total.name] = { type: 'integer', format: 'int64', description: `The sum of the items' ${jsonName(answer.total.of)}.`, examples: [exampleOf(answer.total.name, { kind: 'long' })] };
        example[answer.total.name] = exampleOf(answer.total.name, { kind: 'long' });
      }
      return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false, examples: [example] };
    }
  }
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Malformed JSON',
  401: 'Missing or wrong credentials',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Body too large',
  415: 'Unsupported media type',
  422: 'Invalid input',
  423: 'Locked',
  429: 'Too many requests',
  500: 'Unexpected error',
};

/** The problem codes each status stands for on one route. */
function problemsOf(route: RestRoute, isList: boolean): Map<number, string[]> {
  const codes = new Set<ResultCodeName | EdgeProblemCode>(['InvalidSoapCredentials', 'TooManyRequests', 'UnexpectedError', 'InvalidInputParameters', 'NotFound']);
  for (const v of route.variants) for (const c of v.operation.resultCodes) codes.add(c);
  if (isList) codes.add('ObjectEntityMismatch');
  if (route.method !== 'GET') {
    for (const c of ['MalformedJson', 'PayloadTooLarge', 'UnsupportedMediaType', 'ReadOnlyKey'] as const) codes.add(c);
  }
  if (route.method === 'POST') {
    codes.add('IdempotencyKeyMismatch');
    codes.add('IdempotencyKeyInProgress');
  }
  codes.delete('Success');
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const status = code in EDGE_PROBLEMS ? EDGE_PROBLEMS[code as EdgeProblemCode].status : PROBLEM_STATUS[code as Exclude<ResultCodeName, 'Success'>];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

function problemResponses(route: RestRoute, isList = false): JsonObject {
  const responses: JsonObject = {};
  for (const [status, codes] of problemsOf(route, isList)) {
    const headers: JsonObject = { ...RATE_HEADERS };
    if (status === 429) headers['Retry-After'] = { $ref: '#/components/headers/Retry-After' };
    if (status === 401) headers['WWW-Authenticate'] = { $ref: '#/components/headers/WWW-Authenticate' };
    responses[String(status)] = {
      description: `${TITLES[status] ?? 'Problem'}: ${codes.join(', ')}.`,
      headers,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return responses;
}

const PATH_PARAM = /\{([A-Za-z]+)\}/g;

function operationObject(route: RestRoute): JsonObject {
  const parameters: Json[] = [...route.path.matchAll(PATH_PARAM)].map((m) => ({ $ref: `#/components/parameters/${m[1]}` }));
  if (route.method === 'POST') parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
  const schema = answerSchema(route);
  const headers: JsonObject = { ...RATE_HEADERS };
  if (route.location) headers['Location'] = { $ref: '#/components/headers/Location' };
  const success: JsonObject = { description: route.status === 204 ? 'Done.' : route.status === 201 ? 'Created.' : 'OK.', headers };
  if (schema) success['content'] = { 'application/json': { schema } };
  const operations = route.variants.map((v) => v.operation.name);
  const op: JsonObject = {
    operationId: route.id,
    summary: route.summary,
    description: `SOAP: ${operations.join(', ')}.${route.variants.length > 1 ? ` The body's ${route.variants.map((v) => `\`${v.when ?? ''}\``).join(' / ')} property picks the operation.` : ''}`,
    tags: ['accounts'],
    parameters,
    responses: { [String(route.status)]: success, ...problemResponses(route) },
    'x-soap-operations': operations,
  };
  if (route.method !== 'GET') {
    const variants = route.variants.map(bodyVariantSchema);
    const example = (route.example ?? {}) as JsonObject;
    const bodySchema: JsonObject = variants.length === 1 ? { ...variants[0]!, ...(route.example ? { examples: [example] } : {}) } : { oneOf: variants, examples: [example] };
    op['requestBody'] = { required: route.method === 'PUT', content: { 'application/json': { schema: bodySchema } } };
  }
  return op;
}

function listOperation(): JsonObject {
  const r = ACCOUNT_LIST_ROUTE;
  const listRoute: RestRoute = { id: r.id, method: 'GET', path: r.path, summary: r.summary, variants: [], status: 200, answer: { kind: 'empty' } };
  return {
    operationId: r.id,
    summary: r.summary,
    description: 'REST only; replaces the obsolete GetAllAccounts. Keyset pages ordered by user name: stable while accounts are added or removed. A page with `nextCursor` null is the last; otherwise follow `nextCursor` (or the `Link: rel="next"` header).',
    tags: ['accounts'],
    parameters: [
      { name: 'entityId', in: 'query', required: false, description: "An entity in your tree; default your own entity.", schema: { type: 'integer', format: 'int32', examples: [12] } },
      { name: 'customerTypeCode', in: 'query', required: false, schema: { type: 'string', examples: ['R'] } },
      { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: [...(AccountListEntry.fields.find((f) => f.name === 'Status')!.type as { values: readonly string[] }).values], examples: ['Active'] } },
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: r.maxLimit, default: r.defaultLimit, examples: [100] } },
      { name: 'cursor', in: 'query', required: false, description: 'Opaque; the nextCursor of the previous page.', schema: { type: 'string', examples: ['ajNtaXRo'] } },
    ],
    responses: {
      '200': {
        description: 'One page.',
        headers: { ...RATE_HEADERS, Link: { $ref: '#/components/headers/Link' } },
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                items: { type: 'array', items: { $ref: '#/components/schemas/AccountListEntry' }, examples: [[objectExample(AccountListEntry)]] },
                nextCursor: { type: ['string', 'null'], examples: ['ajNtaXRo'] },
              },
              required: ['items', 'nextCursor'],
              additionalProperties: false,
              examples: [{ items: [objectExample(AccountListEntry)], nextCursor: null }],
            },
          },
        },
      },
      ...problemResponses(listRoute, true),
    },
    'x-soap-operations': ['GetAllAccounts'],
  };
}

function collectComplex(kind: Kind, into: Map<string, ComplexKind>): void {
  if (kind.kind === 'complex') {
    if (into.has(kind.name)) return;
    into.set(kind.name, kind);
    for (const f of kind.fields) collectComplex(f.type, into);
  } else if (kind.kind === 'array') collectComplex(kind.item, into);
}

export function buildOpenApi(options: OpenApiOptions): JsonObject {
  const paths: { [path: string]: JsonObject } = {};
  const complexKinds = new Map<string, ComplexKind>();
  collectComplex(AccountListEntry, complexKinds);
  for (const route of REST_ROUTES) {
    for (const v of route.variants) for (const f of v.operation.response) if (f.name !== 'Result') collectComplex(f.type, complexKinds);
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operationObject(route);
  }
  (paths[ACCOUNT_LIST_ROUTE.path] ??= {})['get'] = listOperation();
  complexKinds.delete('ResultInfo');
  const schemas: JsonObject = { Problem: problemSchema() };
  for (const [name, kind] of [...complexKinds].sort(([a], [b]) => a.localeCompare(b))) schemas[name] = complexSchema(kind);
  const integerHeader = (description: string, example: number): JsonObject => ({ description, schema: { type: 'integer', examples: [example] } });
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'AMS partner JSON API',
      version: options.version,
      description:
        'The AccountManagementService operations as JSON over HTTP, beside SOAP: the same domain, Result codes, audit, mail and limits. Errors are RFC 9457 problem+json; every POST takes an Idempotency-Key; every answer carries RateLimit-* headers.',
    },
    servers: [{ url: REST_BASE_PATH }],
    security: [{ basicAuth: [] }, { bearerAuth: [] }],
    tags: [{ name: 'accounts', description: 'Backup accounts and their tokens.' }],
    paths,
    components: {
      securitySchemes: {
        basicAuth: { type: 'http', scheme: 'basic', description: "The partner API user's name and secret (the SOAP AuthHeader's credentials)." },
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from `ams api-key create --user NAME [--read-only] [--expires DAYS]`. A read-only key may only GET.' },
      },
      parameters: {
        username: { name: 'username', in: 'path', required: true, description: "A backup account's user name.", schema: { type: 'string', minLength: 1, examples: ['jsmith'] } },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Any unique string (a UUID). A retry with the same key and body within 24 h replays the first answer; the same key with another body is refused (422).',
          schema: { type: 'string', minLength: 1, maxLength: 255, examples: ['6f1b3e1c-2a7d-4d8e-9a55-0c6f3b1d2e4f'] },
        },
      },
      headers: {
        'RateLimit-Limit': integerHeader('Requests allowed in a burst (the bucket size).', 20),
        'RateLimit-Remaining': integerHeader('Requests left now.', 19),
        'RateLimit-Reset': integerHeader('Seconds until the bucket is full again.', 3),
        'Retry-After': integerHeader('Seconds to wait before trying again.', 1),
        'WWW-Authenticate': { description: 'The accepted schemes.', schema: { type: 'string', examples: ['Basic realm="AMS", Bearer'] } },
        Location: { description: 'The created resource.', schema: { type: 'string', examples: ['/api/v1/accounts/jsmith'] } },
        Link: { description: 'RFC 8288: `<…>; rel="next"` when there is a next page.', schema: { type: 'string', examples: ['</api/v1/accounts?cursor=ajNtaXRo&limit=100>; rel="next"'] } },
      },
      schemas,
    },
  };
}

/** The document as served: built once. */
export function compileOpenApi(options: OpenApiOptions): string {
  return `${JSON.stringify(buildOpenApi(options), null, 2)}\n`;
}
