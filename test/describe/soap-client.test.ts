/**
 * The WSDL as a real third-party client sees it: npm `soap` must load it, list every operation
 * on both ports, send the AuthHeader, and read a response our encoder writes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import soap from 'soap';
import { OPERATIONS, operationNamed, resultInfo } from '../../src/contract/index.js';
import { buildWsdl } from '../../src/describe/index.js';
import { encodeResponseBody } from '../../src/soap/encode.js';
import { ENVELOPE_CLOSE, SOAP11, envelopeOpen } from '../../src/soap/versions.js';

const ADDRESS = 'http://localhost:8080/WebApi/AccountManagementService/AccountManagementService.asmx';

describe('npm soap client', () => {
  let dir = '';
  let wsdlFile = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ams-wsdl-'));
    wsdlFile = join(dir, 'AccountManagementService.wsdl');
    writeFileSync(wsdlFile, buildWsdl(OPERATIONS, ADDRESS));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('describes every operation on both ports', async () => {
    const client = await soap.createClientAsync(wsdlFile);
    const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    const service = description['AccountManagementService'];
    assert.ok(service);
    const names = OPERATIONS.map((op) => op.name);
    assert.deepEqual(Object.keys(service['AccountManagementServiceSoap'] ?? {}), names);
    assert.deepEqual(Object.keys(service['AccountManagementServiceSoap12'] ?? {}), names);
  });

  it('sends the AuthHeader and the wrapped request, and reads our response', async () => {
    const op = operationNamed('ChangeBackupAccountPassword');
    assert.ok(op);
    let sent: { url: string; body: string; headers: Record<string, unknown> } | undefined;
    const reply =
      envelopeOpen(SOAP11) +
      '<soap:Body>' +
      encodeResponseBody(op, { Result: resultInfo('UltraSafeNotSupported', 'UltraSafe & co') }) +
      '</soap:Body>' +
      ENVELOPE_CLOSE;
    const client = await soap.createClientAsync(wsdlFile, {
      httpClient: {
        request(url, data, callback, headers) {
          sent = { url, body: String(data), headers: { ...headers } };
          setImmediate(() => callback(null, { statusCode: 200, headers: {} }, reply));
          return Promise.resolve() as never;
        },
      },
    });
    client.addSoapHeader({ AuthHeader: { UserName: 'partner', Password: 'secret' } }, '', 'tns', 'sosonlinebackup.com');
    const [result] = (await client.ChangeBackupAccountPasswordAsync({
      request: { Username: 'alice', NewPassword: 'n3w-Passw0rd', SendEmailToCustomer: true },
    })) as [Record<string, unknown>];
    assert.ok(sent);
    assert.equal(sent.url, ADDRESS);
    assert.match(String(sent.headers['SOAPAction']), /^"?sosonlinebackup\.com\/ChangeBackupAccountPassword"?$/);
    assert.ok(sent.body.includes('<AuthHeader xmlns="sosonlinebackup.com"><UserName>partner</UserName><Password>secret</Password></AuthHeader>'));
    assert.ok(sent.body.includes('<request><Username>alice</Username><NewPassword>n3w-Passw0rd</NewPassword><SendEmailToCustomer>true</SendEmailToCustomer></request>'));
    assert.deepEqual(result, {
      ChangeBackupAccountPasswordResult: { Result: { Result: 102, Code: 'UltraSafeNotSupported', Message: 'UltraSafe & co' } },
    });
  });
});
