/**
 * The JSON API's test harness checked on its own, before it checks the service: the OpenAPI
 * validator accepts the derived document and refuses broken ones; the response validator
 * passes good answers and names every flaw of bad ones; the generated client type-checks
 * against the served document, refuses a wrong program, and runs over a socket against a small
 * stand-in server that serves the hand-written sample document.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildOpenApi } from '../../src/describe/openapi.js';
import { validateOpenApiDocument } from '../support/openapi-validate.js';
import { ResponseValidator, type RecordedAnswer } from '../support/response-validator.js';
import { generateClient, type GeneratedClient } from '../support/generated-client.js';
import { sampleOpenApiDocument } from '../support/openapi-sample.js';

const RATE = { 'RateLimit-Limit': '100', 'RateLimit-Remaining': '99', 'RateLimit-Reset': '30' };
const ALICE = { username: 'alice', sizeMb: 10240, status: 'Active', createdAt: '2026-12-05T10:00:00Z' };

/** A stand-in for the service, answering as the sample document says (and once, on purpose, not). */
function standIn(req: IncomingMessage, res: ServerResponse, body: string): void {
  const send = (status: number, headers: Record<string, string>, payload?: unknown, type = 'application/json'): void => {
    res.writeHead(status, { ...RATE, ...headers, ...(payload === undefined ? {} : { 'Content-Type': type }) });
    res.end(payload === undefined ? undefined : JSON.stringify(payload));
  };
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/api/v1/openapi.json') return send(200, {}, sampleOpenApiDocument());
  if (req.method === 'POST' && url.pathname === '/api/v1/accounts') {
    const input = JSON.parse(body) as { username: string; sizeMb: number };
    return send(201, { Location: `/api/v1/accounts/${input.username}` }, { ...ALICE, username: input.username, sizeMb: input.sizeMb });
  }
  if (req.method === 'GET' && url.pathname === '/api/v1/accounts') return send(200, {}, { items: [ALICE], nextCursor: null });
  if (req.method === 'GET' && url.pathname === '/api/v1/accounts/alice') return send(200, {}, ALICE);
  if (req.method === 'GET' && url.pathname === '/api/v1/accounts/broken') return send(200, { 'X-Note': 'sizeMb as text' }, { ...ALICE, sizeMb: '10240' });
  return send(404, {}, { type: 'about:blank', title: 'Not Found', status: 404, code: 'AccountNotFound', result: 3 }, 'application/problem+json');
}

describe('the JSON API test harness', () => {
  let server: Server;
  let base: string;
  let client: GeneratedClient;
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => standIn(req, res, body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = await generateClient(`${base}/api/v1/openapi.json`);
  });
  after(async () => {
    client?.remove();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('the OpenAPI validator accepts the derived document and the sample', async () => {
    await validateOpenApiDocument(buildOpenApi({ version: '0.0.0-test' }));
    await validateOpenApiDocument(sampleOpenApiDocument());
  });

  it('the OpenAPI validator refuses a dangling $ref, a response without description and a 3.0 document', async () => {
    const dangling = sampleOpenApiDocument();
    (dangling['components'] as { schemas: Record<string, unknown> }).schemas['Account'] = { $ref: '#/components/schemas/Nowhere' };
    await assert.rejects(validateOpenApiDocument(dangling), /Nowhere|resolve|pointer/i);
    const noDescription = { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/x': { get: { responses: { '200': { content: {} } } } } } };
    await assert.rejects(validateOpenApiDocument(noDescription));
    await assert.rejects(validateOpenApiDocument({ ...sampleOpenApiDocument(), openapi: '3.0.3' }), /not an OpenAPI 3\.1 document/);
  });

  it('the response validator passes a good answer and names every flaw of bad ones', () => {
    const v = new ResponseValidator(sampleOpenApiDocument());
    const good = { method: 'GET', url: `${base}/api/v1/accounts/alice`, status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...RATE }, body: JSON.stringify(ALICE) };
    assert.deepEqual(v.problems(good), []);
    assert.deepEqual(v.problems({ ...good, url: '/api/v1/accounts?limit=5', body: JSON.stringify({ items: [ALICE], nextCursor: 'abc' }) }), []);
    const flaws = (answer: Partial<RecordedAnswer>): string => v.problems({ ...good, ...answer }).join('\n');
    assert.match(flaws({ body: JSON.stringify({ ...ALICE, sizeMb: '1' }) }), /body \(application\/json\)\/sizeMb must be integer/);
    assert.match(flaws({ body: JSON.stringify({ ...ALICE, createdAt: 'yesterday' }) }), /createdAt must match format "date-time"/);
    assert.match(flaws({ body: '{"username":' }), /body is not JSON/);
    assert.match(flaws({ status: 500 }), /status not declared for GET \/accounts\/\{username\} \(declared: 200, 404\)/);
    assert.match(flaws({ headers: { 'content-type': 'text/html', ...RATE } }), /content type "text\/html" not declared/);
    assert.match(flaws({ headers: { 'content-type': 'application/json', ...RATE, 'RateLimit-Remaining': 'many' } }), /header RateLimit-Remaining must be integer/);
    assert.match(flaws({ headers: { 'content-type': 'application/json', ...RATE, 'Retry-After': '1' } }), /header Retry-After sent but not declared/);
    assert.match(flaws({ method: 'DELETE' }), /no such operation/);
    assert.match(flaws({ url: '/api/v1/creating-account-tokens', method: 'POST', status: 204, body: 'x' }), /a body was sent but none is declared/);
    assert.match(
      v.problems({ ...good, status: 404, headers: { 'content-type': 'application/problem+json', ...RATE }, body: JSON.stringify({ title: 'x' }) }).join('\n'),
      /must have required property 'type'/,
    );
  });

  it('a program with a wrong path, a missing body field or a misspelt property does not type-check', () => {
    assert.equal(client.typeCheck(`const r = await client.GET('/accounts/{username}', { params: { path: { username: 'alice' } } });\nconst size: number | undefined = r.data?.sizeMb;\nvoid size;`), '');
    assert.match(client.typeCheck(`await client.GET('/acounts', {});`), /acounts/);
    assert.match(client.typeCheck(`await client.POST('/accounts', { body: { username: 'a', password: 'p' } });`), /sizeMb/);
    assert.match(client.typeCheck(`const r = await client.GET('/accounts', {});\nvoid r.data?.nextCursr;`), /nextCursr/);
  });

  it('the generated client runs over a socket and every answer is checked against the document', async () => {
    const answers = await client.run(
      `const created = await client.POST('/accounts', { body: { username: 'bob', password: 'correct horse battery', sizeMb: 2048 }, headers: { 'Idempotency-Key': 'k-1' } });
check(created.response.status === 201 && created.data?.username === 'bob', 'created bob');
const page = await client.GET('/accounts', { params: { query: { limit: 10 } } });
check(page.data?.items.length === 1, 'one item');
const missing = await client.GET('/accounts/{username}', { params: { path: { username: 'nobody' } } });
check(missing.error?.code === 'AccountNotFound', 'problem+json for a missing account');
await client.GET('/accounts/{username}', { params: { path: { username: 'broken' } } });`,
      { AMS_CLIENT_BASE_URL: `${base}/api/v1` },
    );
    assert.deepEqual(answers.map((a) => `${a.method} ${new URL(a.url).pathname} ${a.status}`), [
      'POST /api/v1/accounts 201',
      'GET /api/v1/accounts 200',
      'GET /api/v1/accounts/nobody 404',
      'GET /api/v1/accounts/broken 200',
    ]);
    const v = new ResponseValidator(sampleOpenApiDocument());
    for (const a of answers.slice(0, 3)) v.assertValid(a);
    assert.match(v.problems(answers[3] as (typeof answers)[number]).join('\n'), /sizeMb must be integer/);
  });
});
