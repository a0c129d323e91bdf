/**
 * The JSON API's docs page rendered from a small hand-written OpenAPI 3.1 document: every
 * operation with its parameters, bodies, responses and a curl example; authentication, rate
 * limits, idempotency and problem+json gathered; everything escaped; nothing from outside.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { compileOpenApiPage, renderOpenApiPage } from '../../src/describe/openapi-page.js';
import { buildOpenApi } from '../../src/describe/openapi.js';
import { sampleOpenApiDocument } from '../support/openapi-sample.js';
import { textOf } from './helpers.js';

const ORIGIN = 'http://api.example:8080';
const html = renderOpenApiPage(sampleOpenApiDocument(), ORIGIN, { soapHelpHref: '/WebApi/AccountManagementService/AccountManagementService.asmx', footer: 'AMS 0.1.0' });
const text = textOf(html);

/** The text of the `<pre>` example of one operation (by its anchor). */
function curlOf(page: string, operationId: string): string {
  const section = page.slice(page.indexOf(`id="op-${operationId}"`));
  const pre = /<h4>Example<\/h4>\n<pre>([\s\S]*?)<\/pre>/.exec(section)?.[1];
  assert.ok(pre !== undefined, `no curl example for ${operationId}`);
  return pre.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

describe('the OpenAPI docs page', () => {
  it('is one self-contained page: no script, no outside stylesheet, image, font or frame', () => {
    assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
    assert.doesNotMatch(html, /<script|<link |<img |<iframe|@import|url\(/i);
    assert.ok(html.includes('<style>'));
    assert.ok(html.includes('<main>') && html.includes('<nav aria-label="Operations">'));
    assert.match(html, /<title>AMS &lt;JSON&gt; API — JSON API<\/title>/);
  });

  it('escapes everything taken from the document', () => {
    assert.ok(!html.includes('<JSON>') && !html.includes('<b>rate-limit</b>') && !html.includes('<problem>'));
    assert.ok(html.includes('Every answer carries the &lt;b&gt;rate-limit&lt;/b&gt; headers.'));
    assert.ok(html.includes('A AlreadyExists &lt;problem&gt; &amp; more'));
  });

  it('lists every operation by tag, each with its method, path, summary and a section', () => {
    for (const [id, method, path, summary] of [
      ['createAccount', 'POST', '/accounts', 'Creates an account'],
      ['listAccounts', 'GET', '/accounts', 'Lists accounts'],
      ['getAccount', 'GET', '/accounts/{username}', 'Reads an account'],
      ['createToken', 'POST', '/creating-account-tokens', 'Makes a token'],
    ] as const) {
      assert.ok(html.includes(`<a href="#op-${id}">${method} ${path}</a> — ${summary}`), id);
      assert.ok(html.includes(`<section class="operation" id="op-${id}"`), id);
      assert.ok(html.includes(`<span class="method">${method}</span> <code>${path}</code>`), id);
    }
    assert.ok(text.indexOf('Accounts Backup accounts.') < text.indexOf('Tokens Tokens.'));
    assert.ok(html.includes('[DEPRECATED]'));
  });

  it('shows parameters (path-level and referenced ones), the request body fields and its example', () => {
    assert.match(html, /<td><code>username<\/code><\/td><td>path<\/td><td>string<\/td><td>yes<\/td><td>The user name.<\/td>/);
    assert.match(html, /<td><code>Idempotency-Key<\/code><\/td><td>header<\/td><td>string<\/td><td>no<\/td><td>Retries with the same key replay the first answer. <span class="constraints">\(max length 200\)<\/span>/);
    assert.match(html, /<td><code>limit<\/code><\/td><td>query<\/td><td>integer<\/td><td>no<\/td><td> <span class="constraints">\(minimum 1, maximum 1000, default 100\)/);
    assert.ok(html.includes('<caption>application/json (<a href="#schema-NewAccount">NewAccount</a>). No other fields are accepted.</caption>'));
    assert.ok(html.includes('<td><code>sizeMb</code></td><td>integer (int64)</td><td>yes</td>'));
    assert.ok(html.includes('<h4>Example application/json request</h4>\n<pre>{\n  "username": "alice",'));
  });

  it('shows each response with its status, headers, schema and example', () => {
    assert.ok(html.includes('<p><b>201</b> Created</p>'));
    assert.ok(html.includes('<caption>Headers of 201</caption>'));
    assert.ok(html.includes('<td><code>Location</code></td><td>string</td><td>The new account.</td>'));
    assert.ok(html.includes('<caption>200 application/json (<a href="#schema-AccountPage">AccountPage</a>).</caption>'));
    assert.ok(html.includes('<td><code>items</code></td><td>array of <a href="#schema-Account">Account</a></td>'));
    assert.ok(html.includes('<td><code>nextCursor</code></td><td>string or null</td>'));
    assert.ok(html.includes('<td><code>status</code></td><td>one of <code>"Active"</code>, <code>"Cancelled"</code></td>'));
    assert.ok(html.includes('<h4>Example 404 response</h4>\n<pre>{\n  "type": "https://ams.example/problems/AccountNotFound",'));
    assert.ok(html.includes('<p><b>204</b> Done</p>'));
  });

  it('gathers authentication, rate-limit headers, idempotency and problem+json errors', () => {
    assert.ok(html.includes('<td><code>basicAuth</code></td><td>http basic</td><td>The partner API user.</td>'));
    assert.ok(html.includes('<td><code>bearerAuth</code></td><td>http bearer</td><td>An API key.</td>'));
    for (const header of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After']) {
      assert.ok(html.includes(`<tr><td><code>${header}</code></td><td>integer</td>`), header);
    }
    assert.ok(text.includes('Idempotency Idempotency-Key (string): Retries with the same key replay the first answer. (max length 200) Accepted by: POST /accounts.'));
    assert.ok(text.includes('Errors are answered as application/problem+json (RFC 9457), with these statuses: 404, 409, 422, 429.'));
    assert.ok(html.includes('<caption>Problem details (<a href="#schema-Problem">Problem</a>).</caption>'));
    assert.ok(html.includes('<tr id="problem-AccountNotFound"><td><code>AccountNotFound</code></td><td>404</td></tr>'));
    assert.ok(html.includes('<tr id="problem-TooManyRequests"><td><code>TooManyRequests</code></td><td>429</td></tr>'));
    assert.ok(text.includes('Authentication: basicAuth or bearerAuth.'));
    assert.ok(text.includes('Authentication: bearerAuth.'));
    assert.ok(text.includes('Authentication: none.'));
  });

  it('renders every component schema with its fields and example', () => {
    for (const name of ['NewAccount', 'Account', 'AccountPage', 'Problem']) {
      assert.ok(html.includes(`<section id="schema-${name}" aria-label="${name}">\n<h3>${name}</h3>`), name);
    }
    assert.ok(html.includes('<h4>Example</h4>\n<pre>{\n  "username": "alice",\n  "sizeMb": 10240,\n  "status": "Active"'));
  });

  it('gives a curl example per operation with secrets as shell variables and the example values', () => {
    assert.equal(
      curlOf(html, 'createAccount'),
      `curl -sS -i -X POST 'http://api.example:8080/api/v1/accounts' \\\n` +
        `  -u "$AMS_USER:$AMS_SECRET" \\\n` +
        `  -H "Idempotency-Key: $(uuidgen)" \\\n` +
        `  -H 'Content-Type: application/json' \\\n` +
        `  --data-raw '{"username":"alice","password":"correct horse battery","sizeMb":10240,"email":"alice@example.com"}'`,
    );
    assert.equal(curlOf(html, 'listAccounts'), `curl -sS -i 'http://api.example:8080/api/v1/accounts' \\\n  -H "Authorization: Bearer $AMS_API_KEY"`);
    assert.equal(curlOf(html, 'getAccount'), `curl -sS -i 'http://api.example:8080/api/v1/accounts/alice' \\\n  -u "$AMS_USER:$AMS_SECRET"`);
    assert.equal(curlOf(html, 'createToken'), `curl -sS -i -X POST 'http://api.example:8080/api/v1/creating-account-tokens'`);
  });

  it('the curl examples are valid shell (bash -n) and quote a body with an apostrophe', () => {
    const doc = sampleOpenApiDocument();
    const paths = doc['paths'] as Record<string, Record<string, { requestBody?: { content: Record<string, { example: unknown }> } }>>;
    const post = paths['/accounts']?.['post'];
    assert.ok(post?.requestBody);
    post.requestBody.content['application/json'] = { example: { fullName: "O'Brien; rm -rf /" } };
    const page = renderOpenApiPage(doc, ORIGIN);
    const curl = curlOf(page, 'createAccount');
    assert.ok(curl.endsWith(`--data-raw '{"fullName":"O'\\''Brien; rm -rf /"}'`));
    for (const id of ['createAccount', 'listAccounts', 'getAccount', 'createToken']) {
      const check = spawnSync('bash', ['-n', '-c', curlOf(page, id)], { encoding: 'utf8' });
      assert.equal(check.status, 0, `${id}: ${check.stderr}`);
    }
  });

  it('fills in the origin per request, and refuses one that is not a plain scheme://host[:port]', () => {
    const page = compileOpenApiPage(sampleOpenApiDocument());
    assert.ok(page.render('https://ams.example.org').includes("curl -sS -i 'https://ams.example.org/api/v1/accounts'"));
    const hostile = page.render("http://x'; rm -rf / #");
    assert.ok(!hostile.includes('rm -rf'));
    assert.ok(hostile.includes("curl -sS -i 'http://localhost:8080/api/v1/accounts'"));
    const fixed = page.render();
    assert.ok(fixed.includes(`curl -sS -i "$AMS_URL"'/api/v1/accounts'`));
    const run = spawnSync('bash', ['-c', `curl() { printf '%s\\n' "$@"; }\nAMS_URL=http://h:1 AMS_USER=u AMS_SECRET=s\n${curlOf(fixed, 'getAccount')}`], { encoding: 'utf8' });
    assert.deepEqual(run.stdout.split('\n').slice(0, 5), ['-sS', '-i', 'http://h:1/api/v1/accounts/alice', '-u', 'u:s']);
  });

  it('renders a document with missing or odd parts without failing', () => {
    const odd = { openapi: '3.1.0', info: { title: 'Odd' }, paths: { '/x': { get: { responses: { default: { $ref: '#/nowhere' } } }, post: 'not an operation' } }, components: { schemas: { Loop: { $ref: '#/components/schemas/Loop' } } } };
    const page = renderOpenApiPage(odd, ORIGIN);
    assert.ok(page.includes('<span class="method">GET</span> <code>/x</code>'));
    assert.ok(page.includes('Other operations'));
    assert.ok(!page.includes('<span class="method">POST</span>'));
    assert.ok(page.includes('<section id="schema-Loop"'));
  });

  it('renders the document derived from the contract: every operation, a valid curl each, problems linked not repeated', () => {
    const doc = buildOpenApi({ version: '0.0.0-test' });
    const page = renderOpenApiPage(doc, ORIGIN);
    const paths = doc['paths'] as Record<string, Record<string, { operationId?: string }>>;
    let count = 0;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (op.operationId === undefined) continue;
        count++;
        assert.ok(page.includes(`<span class="method">${method.toUpperCase()}</span> <code>${path}</code>`), `${method} ${path}`);
        const curl = curlOf(page, op.operationId);
        assert.equal(spawnSync('bash', ['-n', '-c', curl]).status, 0, curl);
        // Secrets travel in bodies: the URL of an example never holds a password or a token.
        assert.doesNotMatch(curl.split('\n')[0] ?? '', /passphrase|[?&](password|token|secret)=/i, curl);
      }
    }
    assert.ok(count >= 12, `${count} operations`);
    assert.ok(page.includes('application/json: one of 3 shapes.'));
    assert.equal(page.match(/<caption>Problem details/g)?.length, 1);
    assert.doesNotMatch(page, /<td>any<\/td>/);
  });
});
