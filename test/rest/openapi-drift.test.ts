/**
 * The OpenAPI document agrees with the REST declaration (contract/json-routes.ts) and stays put unless
 * changed on purpose: regenerate the golden copy with
 * `UPDATE_GOLDEN=1 node --import tsx --test test/rest/openapi-drift.test.ts` and review the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATIONS } from '../../src/contract/index.js';
import { ACCOUNT_LIST_ROUTE, PROBLEM_STATUS, REST_NOT_MAPPED, REST_ROUTES, jsonName } from '../../src/contract/json-routes.js';
import { buildOpenApi, compileOpenApi } from '../../src/describe/openapi.js';

const GOLDEN = path.join(import.meta.dirname, '..', 'golden', 'openapi.json');
const VERSION = '0.0.0-golden';

type Node = { readonly [key: string]: unknown };
const at = (value: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (v as Node | undefined)?.[k], value);

describe('the OpenAPI document derived from the REST declaration', () => {
  it('matches the golden copy', () => {
    const actual = compileOpenApi({ version: VERSION });
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, actual);
    assert.equal(actual, readFileSync(GOLDEN, 'utf8'), 'the OpenAPI document changed: rerun with UPDATE_GOLDEN=1 and review the diff');
  });

  it('maps every operation: a route, or a documented reason why not', () => {
    const routed = new Set(REST_ROUTES.flatMap((r) => r.variants.map((v) => v.operation.name)));
    for (const op of OPERATIONS) assert.ok(routed.has(op.name) || op.name in REST_NOT_MAPPED, `${op.name} has a route or a REST_NOT_MAPPED entry`);
    for (const name of Object.keys(REST_NOT_MAPPED)) assert.ok(!routed.has(name), `${name} is both routed and not mapped`);
  });

  it('documents every route and its SOAP operations in docs/json-api.md', () => {
    const doc = readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'json-api.md'), 'utf8');
    for (const route of [...REST_ROUTES, ACCOUNT_LIST_ROUTE]) assert.ok(doc.includes(`\`${route.method} ${route.path}`), `${route.method} ${route.path} in docs/json-api.md`);
    for (const name of [...REST_ROUTES.flatMap((r) => r.variants.map((v) => v.operation.name)), ...Object.keys(REST_NOT_MAPPED)]) assert.match(doc, new RegExp(`\\b${name}\\b`), name);
  });

  it('feeds every SOAP request field of every variant from the path, the body or a constant', () => {
    for (const route of REST_ROUTES) {
      const params = [...route.path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]);
      for (const v of route.variants) {
        assert.deepEqual(Object.keys(v.args).sort(), v.operation.request.map((f) => f.name).sort(), `${route.id} → ${v.operation.name}`);
        for (const source of Object.values(v.args)) if (source.from === 'path') assert.ok(params.includes(source.name), `${route.id}: {${source.name}} in the path`);
        if (route.variants.length > 1) assert.ok(v.when && Object.values(v.args).some((s) => s.from === 'body' && s.name === v.when && s.required), `${route.id}: ${v.operation.name} is picked by a required property`);
      }
      // Secrets travel in bodies only: no path parameter is a password or a token.
      for (const p of params) assert.doesNotMatch(p ?? '', /password|token|secret/i, `${route.id}: {${p}}`);
    }
  });

  it('declares every route with its success answer, RateLimit headers and a problem answer per possible code', () => {
    const doc = buildOpenApi({ version: VERSION });
    for (const route of REST_ROUTES) {
      const op = at(doc, 'paths', route.path, route.method.toLowerCase());
      assert.ok(op, `${route.method} ${route.path}`);
      const responses = at(op, 'responses') as Node;
      assert.ok(responses[String(route.status)], `${route.id} declares ${route.status}`);
      for (const v of route.variants) {
        for (const code of v.operation.resultCodes) {
          if (code === 'Success') continue;
          const status = String(PROBLEM_STATUS[code]);
          assert.match(String(at(responses, status, 'description')), new RegExp(`\\b${code}\\b`), `${route.id} declares ${code} as ${status}`);
          assert.equal(at(responses, status, 'content', 'application/problem+json', 'schema', '$ref'), '#/components/schemas/Problem');
        }
      }
      for (const [status, response] of Object.entries(responses)) {
        assert.ok(at(response, 'headers', 'RateLimit-Remaining'), `${route.id} ${status} declares RateLimit-Remaining`);
      }
      assert.ok(at(responses, '429', 'headers', 'Retry-After'), `${route.id} 429 declares Retry-After`);
      assert.ok(at(responses, '401', 'headers', 'WWW-Authenticate'), `${route.id} 401 declares WWW-Authenticate`);
      if (route.method === 'POST') assert.ok((at(op, 'parameters') as Node[]).some((p) => p['$ref'] === '#/components/parameters/IdempotencyKey'), `${route.id} takes Idempotency-Key`);
    }
    assert.ok(at(doc, 'paths', ACCOUNT_LIST_ROUTE.path, 'get', 'responses', '200', 'headers', 'Link'));
    assert.deepEqual(Object.keys(at(doc, 'components', 'securitySchemes') as Node).sort(), ['basicAuth', 'bearerAuth']);
  });

  it('gives every schema and property examples, and documents every int64 as such', () => {
    const doc = buildOpenApi({ version: VERSION });
    const schemas = at(doc, 'components', 'schemas') as Node;
    for (const [name, schema] of Object.entries(schemas)) {
      assert.ok(Array.isArray(at(schema, 'examples')), `${name} has examples`);
      for (const [prop, value] of Object.entries((at(schema, 'properties') ?? {}) as Node)) {
        assert.ok(Array.isArray(at(value, 'examples')) || at(value, '$ref') !== undefined, `${name}.${prop} has examples`);
      }
    }
    assert.equal(at(schemas, 'AccountInfo', 'properties', jsonName('AccountSizeMB'), 'format'), 'int64');
  });
});
