/** The HTTP edge over a real socket: ASMX routing of GET/POST, self-description, limits, headers. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { RESELLER_A_SECRET, listenTestApp, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { envelope, operationBody } from '../support/envelope.js';
import type { RunningServer } from '../../src/http/server.js';

const PATH = '/WebApi/AccountManagementService/AccountManagementService.asmx';

/** A raw request, so that Host and other headers are exactly what we say. */
function request(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('HTTP edge', () => {
  let t: TestApp;
  let server: RunningServer;
  before(async () => {
    t = await startTestApp({ template: await seededTemplate(), env: { AMS_MAX_BODY_BYTES: '65536' } });
    server = await listenTestApp(t);
  });
  after(async () => {
    await server.close();
    await t.close();
  });

  it('serves the WSDL for ?WSDL in any case, with soap:address built from the request', async () => {
    for (const q of ['WSDL', 'wsdl', 'Wsdl']) {
      const r = await request(server.port, { path: `${PATH}?${q}`, headers: { Host: 'backup.example:8443' } });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'text/xml; charset=utf-8');
      assert.match(r.body, new RegExp(`<soap:address location="http://backup.example:8443${PATH}" />`));
      assert.match(r.body, new RegExp(`<soap12:address location="http://backup.example:8443${PATH}" />`));
    }
  });

  it('matches the endpoint path case-insensitively, as IIS does', async () => {
    const r = await request(server.port, { path: `${PATH.toLowerCase()}?disco` });
    assert.equal(r.status, 200);
    assert.match(r.body, /<discovery /);
    assert.match(r.body, /binding="q1:AccountManagementServiceSoap"/);
  });

  it('serves the operation list and the ?op= pages; remote callers get the sentence, not the form', async () => {
    const list = await request(server.port, { path: PATH });
    assert.equal(list.status, 200);
    assert.match(list.body, /ChangeBackupAccountPassword/);
    const remote = await request(server.port, { path: `${PATH}?op=ChangeBackupAccountPassword`, headers: { 'X-Forwarded-For': '203.0.113.9' } });
    assert.match(remote.body, /The test form is only available for requests from the local machine\./);
    assert.doesNotMatch(remote.body, /<form/);
    assert.match(remote.body, /SOAPAction: &quot;sosonlinebackup.com\/ChangeBackupAccountPassword&quot;|SOAPAction: "sosonlinebackup.com\/ChangeBackupAccountPassword"/);
  });

  it('answers a SOAP call with Content-Length and an X-Request-Id, echoing a sane incoming one', async () => {
    const body = envelope('1.1', operationBody('GetAccountInfo', { userName: 'alice' }, false), { user: 'reseller-a', password: RESELLER_A_SECRET });
    const r = await request(server.port, {
      method: 'POST',
      path: PATH,
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"sosonlinebackup.com/GetAccountInfo"', 'X-Request-Id': 'trace-123' },
      body,
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], String(Buffer.byteLength(r.body)));
    assert.equal(r.headers['transfer-encoding'], undefined);
    assert.equal(r.headers['x-request-id'], 'trace-123');
    assert.ok(t.logLines.some((l) => l.includes('"requestId":"trace-123"')), 'the request id appears in the log line');
    const generated = await request(server.port, { method: 'POST', path: PATH, headers: { 'Content-Type': 'text/xml', 'X-Request-Id': 'bad id with spaces' }, body });
    assert.match(String(generated.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('gives an answer with characters beyond ASCII the Content-Length of its UTF-8 bytes', async () => {
    const fullName = 'Zoë Ünïcode 日本語 😀';
    const call = (op: string, fields: Record<string, string | number | boolean>, wrapped: boolean) =>
      request(server.port, {
        method: 'POST',
        path: PATH,
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"sosonlinebackup.com/${op}"` },
        body: envelope('1.1', operationBody(op, fields, wrapped), { user: 'reseller-a', password: RESELLER_A_SECRET }),
      });
    const created = await call('CreateAccountBySize', { TargetEntityId: 0, Username: 'zoe-utf8', Password: 'zoe-password-1', AccountSizeMB: 10240, FullName: fullName, Email: 'zoe@example.com', IsUltrasafe: false, DisableEmailsNotification: true }, true);
    assert.match(created.body, /<Code>Success<\/Code>/);
    const r = await call('GetAccountInfo', { userName: 'zoe-utf8' }, false);
    assert.equal(r.status, 200);
    assert.ok(r.body.includes(`<FullName>${fullName}</FullName>`), 'the name arrives whole');
    const bytes = Buffer.byteLength(r.body);
    assert.ok(bytes > r.body.length, 'the answer holds multi-byte characters');
    assert.equal(r.headers['content-length'], String(bytes));
  });

  it('refuses a body over the limit with 413 before reading it all, in the SOAP content type of the version ASMX guesses', async () => {
    const big = `<x>${'a'.repeat(70_000)}</x>`;
    const r = await request(server.port, { method: 'POST', path: PATH, headers: { 'Content-Type': 'text/xml', SOAPAction: '"x"' }, body: big });
    assert.equal(r.status, 413);
    assert.equal(r.body, '');
    assert.equal(r.headers['content-type'], 'text/xml; charset=utf-8');
    const soap12 = await request(server.port, { method: 'POST', path: PATH, headers: { 'Content-Type': 'application/soap+xml' }, body: big });
    assert.equal(soap12.status, 413);
    assert.equal(soap12.headers['content-type'], 'application/soap+xml; charset=utf-8');
  });

  it('sends empty 400 and 415 answers with a Content-Type and Content-Length 0', async () => {
    const malformed = await request(server.port, {
      method: 'POST',
      path: PATH,
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"sosonlinebackup.com/GetAccountInfo"' },
      body: '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>',
    });
    assert.deepEqual([malformed.status, malformed.headers['content-type'], malformed.headers['content-length'], malformed.body], [400, 'text/xml; charset=utf-8', '0', '']);
    const json = await request(server.port, { method: 'POST', path: PATH, headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.deepEqual([json.status, json.headers['content-type'], json.body], [415, 'application/soap+xml; charset=utf-8', '']);
  });

  it('answers HEAD on the .asmx with 405, like every verb but GET and POST', async () => {
    for (const method of ['HEAD', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await request(server.port, { method, path: PATH });
      assert.equal(r.status, 405, method);
    }
    assert.equal((await request(server.port, { method: 'HEAD', path: `${PATH}?wsdl` })).status, 405);
    assert.equal((await request(server.port, { method: 'GET', path: PATH })).status, 200);
  });

  it('answers other verbs with 405, unknown /Op paths and remote form posts with a 500 page', async () => {
    assert.equal((await request(server.port, { method: 'PUT', path: PATH, body: 'x' })).status, 405);
    const get = await request(server.port, { path: `${PATH}/ChangeBackupAccountPassword` });
    assert.equal(get.status, 500);
    assert.match(get.body, /Request format is unrecognized for URL unexpectedly ending in &#39;\/ChangeBackupAccountPassword&#39;|unexpectedly ending in '\/ChangeBackupAccountPassword'/);
    const proxied = await request(server.port, {
      method: 'POST',
      path: `${PATH}/ChangeBackupAccountPassword`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': '203.0.113.9' },
      body: 'Username=alice&NewPassword=hijacked-password&AuthHeader.UserName=reseller-a&AuthHeader.Password=' + RESELLER_A_SECRET,
    });
    assert.equal(proxied.status, 500);
    assert.doesNotMatch(proxied.body, /Success/);
  });

  it('reports liveness on /healthz (no database) and readiness on /readyz', async () => {
    const r = await request(server.port, { path: '/healthz' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    const body = JSON.parse(r.body) as Record<string, unknown>;
    assert.equal(body.status, 'ok');
    assert.match(String(body.version), /^\d+\.\d+\.\d+/);
    assert.equal(body.database, undefined, 'liveness does not ask the database');
    const ready = await request(server.port, { path: '/readyz' });
    assert.equal(ready.status, 200);
    assert.deepEqual(JSON.parse(ready.body), {
      status: 'ready',
      mode: 'production',
      database: 'ok',
      migrations: 'current',
      mailWorker: 'running',
      mailTransport: { state: 'up' },
      // pending and dead only (see test/mail/dead-letter.test.ts); sent rows are never counted
      outbox: { pending: 0, dead: 0, oldestPendingSeconds: null },
    });
  });
});

describe('HTTP edge behind a proxy', () => {
  it('advertises AMS_PUBLIC_URL in the WSDL instead of the request host', async () => {
    const t = await startTestApp({ template: await seededTemplate(), env: { AMS_PUBLIC_URL: 'https://api.backup.example/' } });
    const server = await listenTestApp(t);
    try {
      const r = await request(server.port, { path: `${PATH}?wsdl`, headers: { Host: 'internal:8080' } });
      assert.match(r.body, new RegExp(`location="https://api.backup.example${PATH}"`));
      assert.doesNotMatch(r.body, /internal:8080/);
    } finally {
      await server.close();
      await t.close();
    }
  });
});
