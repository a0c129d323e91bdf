/**
 * The request log over a real socket: one JSON line per request with who called and how it
 * ended, the request id on every line of that request, and no secret in any line — redaction is
 * configured at start-up and proved here with a full scenario.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATIONS } from '../../src/contract/index.js';
import { AuthHeader } from '../../src/contract/common-types.js';
import { createLogger, REDACTED, SECRET_FIELD_NAMES } from '../../src/observability/logger.js';
import { formatPretty } from '../../src/observability/pretty.js';
import { createPartnerLicenseKey } from '../../src/app/license-keys.js';
import { ALICE_PASSWORD, RESELLER_A_SECRET, listenTestApp, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { envelope, operationBody } from '../support/envelope.js';
import type { RunningServer } from '../../src/http/server.js';
import { SERVICE_PATH, parseLogLines, rawPost, soapOverHttp, type LogEntry } from './support.js';
import { waitFor } from '../support/wait-for.js';

const RESELLER_A = { user: 'reseller-a', password: RESELLER_A_SECRET };
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function requestLines(t: TestApp, requestId: string): LogEntry[] {
  return parseLogLines(t.logLines).filter((e) => e.requestId === requestId);
}

describe('request log line', () => {
  let t: TestApp;
  let server: RunningServer;
  before(async () => {
    t = await startTestApp({ template: await seededTemplate() });
    server = await listenTestApp(t);
  });
  after(async () => {
    await server.close();
    await t.close();
  });

  it('is one JSON line per SOAP request: id, SOAP version, operation, partner user and entity, Result code, status, duration', async () => {
    const r = await soapOverHttp(server.port, 'GetAccountInfo', { userName: 'alice' }, RESELLER_A, '1.1', { 'X-Request-Id': 'log-line-1' });
    assert.equal(r.code, 'Success');
    assert.equal(r.requestId, 'log-line-1');
    const lines = requestLines(t, 'log-line-1');
    assert.equal(lines.length, 1, 'exactly one line for the request');
    const line = lines[0]!;
    assert.match(String(line.time), ISO_TIME);
    assert.deepEqual(
      { ...line, time: undefined, durationMs: undefined, pid: undefined, hostname: undefined, remote: undefined },
      {
        level: 'info',
        msg: 'request',
        requestId: 'log-line-1',
        method: 'POST',
        path: SERVICE_PATH,
        status: 200,
        soapVersion: '1.1',
        operation: 'GetAccountInfo',
        partnerUser: 'reseller-a',
        entityId: 2,
        result: 'Success',
        time: undefined,
        durationMs: undefined,
        pid: undefined,
        hostname: undefined,
        remote: undefined,
      },
    );
    assert.equal(typeof line.durationMs, 'number');
    assert.ok((line.durationMs as number) > 0 && (line.durationMs as number) < 10_000);
    assert.equal(line.remote, '127.0.0.1');
  });

  it('names the Result code in SOAP 1.2 too, refused credentials with the claimed user, faults by kind, refusals by reason', async () => {
    const v12 = await soapOverHttp(server.port, 'GetAccountInfo', { userName: 'nobody' }, RESELLER_A, '1.2');
    assert.equal(v12.code, 'AccountNotFound');
    assert.deepEqual(pick(requestLines(t, v12.requestId)[0]), { soapVersion: '1.2', operation: 'GetAccountInfo', result: 'AccountNotFound', status: 200, partnerUser: 'reseller-a', entityId: 2 });

    const wrong = await soapOverHttp(server.port, 'GetAccountInfo', { userName: 'alice' }, { user: 'reseller-a', password: 'not-the-secret-1' });
    assert.equal(wrong.code, 'InvalidSoapCredentials');
    const wrongLine = requestLines(t, wrong.requestId)[0];
    assert.deepEqual(pick(wrongLine), { soapVersion: '1.1', operation: 'GetAccountInfo', result: 'InvalidSoapCredentials', status: 200, partnerUser: undefined, entityId: undefined });
    assert.equal(wrongLine?.claimedUser, 'reseller-a', 'who tried, never with what');

    const body = envelope('1.1', operationBody('GetAccountInfo', { userName: 'alice' }, false), RESELLER_A);
    const fault = await rawPost(server.port, body, { 'content-type': 'text/xml; charset=utf-8', soapaction: '"sosonlinebackup.com/NoSuchOperation"' });
    assert.equal(fault.status, 500);
    assert.deepEqual(pick(requestLines(t, fault.requestId)[0]), { soapVersion: '1.1', operation: undefined, result: 'Client', status: 500, partnerUser: undefined, entityId: undefined });

    const malformed = await rawPost(server.port, '<soap:Envelope', { 'content-type': 'text/xml', soapaction: '"sosonlinebackup.com/GetAccountInfo"' });
    assert.equal(malformed.status, 400);
    assert.deepEqual(pick(requestLines(t, malformed.requestId)[0]), { soapVersion: undefined, operation: undefined, result: 'BadRequest', status: 400, partnerUser: undefined, entityId: undefined });

    const wsdl = await fetch(`http://127.0.0.1:${server.port}${SERVICE_PATH}?WSDL`);
    await wsdl.text();
    const wsdlLine = requestLines(t, wsdl.headers.get('x-request-id') ?? '')[0];
    assert.equal(wsdlLine?.method, 'GET');
    assert.equal(wsdlLine?.status, 200);
    assert.equal(wsdlLine?.result, undefined, 'not a SOAP call');
  });

  it('logs health probes at debug level only (balancers probe every few seconds)', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const r = await fetch(`http://127.0.0.1:${server.port}${path}`);
      await r.text();
      const line = requestLines(t, r.headers.get('x-request-id') ?? '')[0];
      assert.equal(line?.level, 'debug', path);
      assert.equal(line?.path, path);
    }
  });

  it('puts the request id on every line of that request (a child logger), also when the operation fails', async () => {
    const broken = await startTestApp({ template: await seededTemplate() });
    const brokenServer = await listenTestApp(broken);
    try {
      await broken.app.store.db.schema.dropTable('audit_log').execute();
      const r = await soapOverHttp(brokenServer.port, 'ChangeBackupAccountPassword', { Username: 'alice', NewPassword: 'broken-pass-123', SendEmailToCustomer: true }, RESELLER_A);
      assert.equal(r.code, 'UnexpectedError');
      const lines = requestLines(broken, r.requestId);
      assert.deepEqual(lines.map((l) => l.msg).sort(), ['operation failed', 'request']);
      const failure = lines.find((l) => l.msg === 'operation failed')!;
      assert.equal(failure.level, 'error');
      assert.equal(failure.operation, 'ChangeBackupAccountPassword');
      assert.match(String(failure.errorMessage), /audit_log/);
      assert.equal(lines.find((l) => l.msg === 'request')?.result, 'UnexpectedError');
      // The id appears once per line: the child logger's binding is not repeated as a field.
      const raw = broken.logLines.find((l) => l.includes('"operation failed"'))!;
      assert.equal(raw.split(`"requestId":"${r.requestId}"`).length, 2);
    } finally {
      await brokenServer.close();
      await broken.close();
    }
  });
});

function pick(line: LogEntry | undefined): Record<string, unknown> {
  assert.ok(line, 'a request line');
  return { soapVersion: line.soapVersion, operation: line.operation, result: line.result, status: line.status, partnerUser: line.partnerUser, entityId: line.entityId };
}

describe('redaction', () => {
  it('is configured at start-up: every secret-bearing field is replaced wherever a caller puts it', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', (l) => lines.push(l));
    const secrets = Array.from({ length: 16 }, (_, i) => `leak-${i}-x9`);
    const nested = {
      password: secrets[0],
      Password: secrets[1],
      NewPassword: secrets[2],
      newPassword: secrets[3],
      token: secrets[4],
      AuthToken: secrets[5],
      licenseKey: secrets[6],
      partnerLicenseKey: secrets[7],
      answer: secrets[8],
      secret: secrets[9],
      bootstrapPassword: secrets[10],
      authHeader: { UserName: 'visible-user', Password: secrets[11] },
      args: { Password: secrets[12], Token: secrets[13], Username: 'visible-account' },
      call: { authHeader: { Password: secrets[14] } },
    };
    logger.info('everything at once', nested as never);
    logger.child({ requestId: 'r1', PartnerLicenseKey: secrets[15] }).warn('child bindings too');
    assert.equal(lines.length, 2);
    for (const s of secrets) for (const l of lines) assert.ok(!l.includes(s!), `${s} leaked: ${l}`);
    const first = JSON.parse(lines[0]!) as { authHeader: Record<string, string>; args: Record<string, string>; password: string };
    assert.equal(first.password, REDACTED);
    assert.deepEqual(first.authHeader, { UserName: 'visible-user', Password: REDACTED });
    assert.deepEqual(first.args, { Password: REDACTED, Token: REDACTED, Username: 'visible-account' });
  });

  it('covers every secret-looking field of the contract and the AuthHeader', () => {
    const fields = [...AuthHeader.fields.map((f) => f.name), ...OPERATIONS.flatMap((op) => op.request.map((f: { readonly name: string }) => f.name))];
    const secretLooking = [...new Set(fields.filter((n) => /pass|token|key|answer|secret/i.test(n) && !/question/i.test(n)))];
    assert.ok(secretLooking.length >= 8, secretLooking.join());
    for (const name of secretLooking) assert.ok(SECRET_FIELD_NAMES.includes(name), `${name} is not in SECRET_FIELD_NAMES`);
  });

  it('leaves no secret in any log line of a full scenario over HTTP', async () => {
    const t = await startTestApp({ template: await seededTemplate() });
    const server = await listenTestApp(t);
    const port = server.port;
    const requestIds: string[] = [];
    const secrets = new Set<string>([RESELLER_A_SECRET, ALICE_PASSWORD]);
    const call = async (op: string, fields: Record<string, string | number | boolean>, auth = RESELLER_A) => {
      const r = await soapOverHttp(port, op, fields, auth);
      requestIds.push(r.requestId);
      return r;
    };
    try {
      const wrongSecret = 'wrong-partner-secret-9';
      secrets.add(wrongSecret);
      assert.equal((await call('GetAccountInfo', { userName: 'alice' }, { user: 'reseller-a', password: wrongSecret })).code, 'InvalidSoapCredentials');

      const created = 'scenario-create-pass-1';
      secrets.add(created);
      const create = await call('CreateAccountBySize', {
        TargetEntityId: 0,
        Username: 'scenario',
        Password: created,
        AccountSizeMB: 1024,
        FullName: 'Scenario Example',
        Email: 'scenario@example.com',
        IsUltrasafe: false,
        DisableEmailsNotification: false,
      });
      assert.equal(create.code, 'Success');

      const reset = 'scenario-reset-pass-2';
      secrets.add(reset);
      assert.equal((await call('ChangeBackupAccountPassword', { Username: 'scenario', NewPassword: reset, SendEmailToCustomer: true })).code, 'Success');
      const changed = 'scenario-change-pass-3';
      secrets.add(changed);
      assert.equal((await call('ChangeAccountPassword', { userName: 'scenario', password: reset, newPassword: changed })).code, 'Success');
      assert.equal((await call('Authenticate', { userName: 'scenario', password: 'a-wrong-account-pass' })).code, 'InvalidAccountCredentials');
      secrets.add('a-wrong-account-pass');

      const authn = await call('GetAuthenticationToken', { Username: 'scenario', Password: changed });
      assert.equal(authn.code, 'Success');
      const authnToken = authn.text('Token')!;
      secrets.add(authnToken);
      assert.equal((await call('ValidateAuthenticationToken', { Token: authnToken })).code, 'Success');

      const byEntity = await call('GetAuthorizationTokenByEntity', { Username: 'scenario', IsAppUser: true });
      const authzToken = byEntity.text('AuthToken')!;
      secrets.add(authzToken);
      assert.equal((await call('RedeemAuthorizationToken', { Token: authzToken })).code, 'Success');
      const own = await call('GetAuthorizationToken', { Username: 'scenario', Password: changed });
      secrets.add(own.text('AuthToken')!);
      assert.equal((await call('RedeemAuthorizationToken', { Token: own.text('AuthToken')! })).code, 'Success');
      assert.equal((await call('RedeemAuthorizationToken', { Token: own.text('AuthToken')! })).code, 'InvalidToken');

      const generated = await call('GenerateCreatingAccountToken', { TargetEntityId: 0, AccountSizeMB: 2048, IsUltrasafe: false, ValidForHours: 2 });
      const creatingToken = generated.text('Token')!;
      secrets.add(creatingToken);
      secrets.add('scenario-token-pass-4');
      const byToken = await call('CreateAccountByToken', { Token: creatingToken, Username: 'scenario-t', Password: 'scenario-token-pass-4', FullName: 'Token Example', Email: 't@example.com' });
      assert.equal(byToken.code, 'Success');

      const issued = await createPartnerLicenseKey(t.app.store.db, 2, new Date());
      assert.ok(issued.ok);
      secrets.add(issued.key);
      for (const s of ['scenario-lk-pass-5', 'LK-SCENARIO-SECRET-1', 'scenario-answer-6', 'LK-SCENARIO-SECRET-2']) secrets.add(s);
      const byKey = await call('CreateAccountByPartnerLicenseKey', {
        firstName: 'Key',
        userName: 'scenario-k',
        password: 'scenario-lk-pass-5',
        email: 'k@example.com',
        licenseKey: 'LK-SCENARIO-SECRET-1',
        partnerLicenseKey: issued.key,
        localeCode: 'en-US',
        isUltraSafe: false,
        secretQuestion: 'Pet?',
        answer: 'scenario-answer-6',
      });
      assert.equal(byKey.code, 'Success');
      assert.equal((await call('ChangeAccountLicenseKey', { userName: 'scenario-k', licenseKey: 'LK-SCENARIO-SECRET-2' })).code, 'Success');

      // The local test form carries the partner secret as a form field.
      const formSecret = 'scenario-form-pass-7';
      secrets.add(formSecret);
      const form = await fetch(`http://127.0.0.1:${port}${SERVICE_PATH}/ChangeBackupAccountPassword`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ Username: 'scenario', NewPassword: formSecret, SendEmailToCustomer: 'false', 'AuthHeader.UserName': 'reseller-a', 'AuthHeader.Password': RESELLER_A_SECRET }).toString(),
      });
      assert.match(await form.text(), /Success/);
      requestIds.push(form.headers.get('x-request-id') ?? '');

      await waitFor(() => t.mail.sent.length >= 3, 5000, 'the notification e-mails');
      await waitFor(() => t.logLines.some((l) => l.includes('"mail delivered"')), 5000, 'the delivery log line');
    } finally {
      await server.close();
      await t.close();
    }
    // Not vacuous: every request was logged (debug level, so everything the service logs is here).
    const entries = parseLogLines(t.logLines);
    for (const id of requestIds) assert.equal(entries.filter((e) => e.requestId === id && e.msg === 'request').length, 1, `request line of ${id}`);
    assert.ok(entries.some((e) => e.partnerUser === 'reseller-a' && e.result === 'Success' && e.operation === 'CreateAccountByPartnerLicenseKey'));
    assert.ok(secrets.size >= 15);
    for (const secret of secrets) {
      assert.ok(secret.length >= 8, secret);
      const leaking = t.logLines.filter((l) => l.includes(secret) || l.includes(encodeURIComponent(secret)));
      assert.deepEqual(leaking, [], `a log line holds the secret ${secret}`);
    }
  });
});

describe('pretty output (a terminal)', () => {
  it('prints time, level, message and fields for a person', () => {
    const json = '{"level":"info","time":"2026-01-15T10:30:00.123Z","pid":1,"hostname":"h","requestId":"abc","status":200,"client":"has space","msg":"request"}\n';
    assert.equal(formatPretty(json, false), '10:30:00.123 INFO  request requestId=abc status=200 client="has space"\n');
    const lines: string[] = [];
    createLogger('info', (l) => lines.push(l), { format: 'pretty' }).warn('careful', { password: 'pretty-leak-1', n: 3 });
    assert.match(lines[0] ?? '', /^\d{2}:\d{2}:\d{2}\.\d{3} WARN {2}careful password=\[REDACTED\] n=3\n$/);
  });
});

describe('request log line behind a trusted proxy', () => {
  it('names the connecting peer as remote and the forwarded client as client, each in its own field', async () => {
    const t = await startTestApp({ template: await seededTemplate(), env: { AMS_TRUSTED_PROXIES: '127.0.0.1' } });
    const server = await listenTestApp(t);
    try {
      const r = await soapOverHttp(server.port, 'GetAccountInfo', { userName: 'alice' }, RESELLER_A, '1.2', { 'X-Request-Id': 'proxied-1', 'X-Forwarded-For': '203.0.113.9' });
      assert.equal(r.code, 'Success');
      const line = requestLines(t, 'proxied-1')[0];
      assert.ok(line, 'a line for the request');
      assert.deepEqual(
        { remote: line.remote, client: line.client, soapVersion: line.soapVersion, operation: line.operation, partnerUser: line.partnerUser, result: line.result, status: line.status },
        { remote: '127.0.0.1', client: '203.0.113.9', soapVersion: '1.2', operation: 'GetAccountInfo', partnerUser: 'reseller-a', result: 'Success', status: 200 },
      );
    } finally {
      await server.close();
      await t.close();
    }
  });
});
