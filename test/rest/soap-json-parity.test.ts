/**
 * One scenario, twice, against one database over real sockets: once in SOAP, once in JSON
 * (issue 19). Both edges go through the same invoker, so the results must agree field for field
 * and the audit log must hold the same rows (but for the account's name and the request ids).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { operationNamed } from '../../src/contract/index.js';
import { parseXml } from '../../src/xml/reader.js';
import { RESELLER_A_SECRET, seededTemplate, startTestApp } from '../support/harness.js';
import { envelope, operationBody, soapHeaders } from '../support/envelope.js';
import { findElement } from '../support/call.js';
import { jsonClient, type Auth } from './json-client.js';

const AUTH = { user: 'reseller-a', password: RESELLER_A_SECRET };
const BASIC: Auth = { basic: ['reseller-a', RESELLER_A_SECRET] };
/** AccountInfo fields both edges must report alike (SignupDateUtc differs by the clock; the name by design). */
const COMPARED = ['FullName', 'Email', 'EntityId', 'Status', 'IsUltraSafe', 'AccountSizeMB', 'UsedSpaceKB', 'LicenseKey', 'LocaleCode', 'EmailNotificationsDisabled'];

describe('the same scenario in SOAP and in JSON', () => {
  it('gives the same results and the same audit rows', async () => {
    const t = await startTestApp({ template: await seededTemplate() });
    const running = await t.app.listen(0);
    try {
      const origin = `http://127.0.0.1:${running.port}`;
      const json = jsonClient(`${origin}/api/v1`);

      async function soap(op: string, fields: Readonly<Record<string, string | number | boolean>>): Promise<{ code: string | undefined; text: (local: string) => string | undefined }> {
        const definition = operationNamed(op)!;
        const headers = soapHeaders('1.1', op);
        const response = await fetch(`${origin}/WebApi/AccountManagementService/AccountManagementService.asmx`, {
          method: 'POST',
          headers: { 'Content-Type': headers.contentType, SOAPAction: headers.soapAction ?? '' },
          body: envelope('1.1', operationBody(op, fields, definition.style === 'wrapped'), AUTH),
        });
        assert.equal(response.status, 200);
        const root = parseXml(await response.text());
        return { code: findElement(root, 'Code')?.text, text: (local) => findElement(root, local)?.text };
      }

      // The scenario, step by step: [SOAP call, JSON call], each answering a comparable value.
      type Step = readonly [() => Promise<unknown>, () => Promise<unknown>];
      const steps = (soapName: string, jsonName: string): Step[] => [
        [
          async () => (await soap('CreateAccountBySize', { TargetEntityId: 3, Username: soapName, Password: 'parity-password-1', AccountSizeMB: 700, FullName: 'Par Ity', Email: 'parity@example.com', IsUltrasafe: false, DisableEmailsNotification: false })).code,
          async () => ((await json('POST', '/accounts', { auth: BASIC, body: { targetEntityId: 3, username: jsonName, password: 'parity-password-1', accountSizeMB: 700, fullName: 'Par Ity', email: 'parity@example.com' } })).status === 201 ? 'Success' : 'failed'),
        ],
        [
          async () => (await soap('ChangeBackupAccountEmail', { Username: soapName, Email: 'parity2@example.com', SendEmailToCustomer: true })).code,
          async () => ((await json('PUT', `/accounts/${jsonName}/email`, { auth: BASIC, body: { email: 'parity2@example.com', notifyCustomer: true } })).status === 204 ? 'Success' : 'failed'),
        ],
        [
          async () => (await soap('ChangeAccountSize', { userName: soapName, sizeInMB: 900 })).code,
          async () => ((await json('PUT', `/accounts/${jsonName}/size`, { auth: BASIC, body: { accountSizeMB: 900 } })).status === 204 ? 'Success' : 'failed'),
        ],
        [
          async () => (await soap('ChangeBackupAccountPassword', { Username: soapName, NewPassword: 'parity-password-2', SendEmailToCustomer: false })).code,
          async () => ((await json('POST', `/accounts/${jsonName}/password`, { auth: BASIC, body: { newPassword: 'parity-password-2' } })).status === 204 ? 'Success' : 'failed'),
        ],
        [
          async () => {
            const r = await soap('Authenticate', { userName: soapName, password: 'parity-password-1' });
            return r.code;
          },
          async () => (await json('POST', `/accounts/${jsonName}/authenticate`, { auth: BASIC, body: { password: 'parity-password-1' } })).body['code'],
        ],
        [
          async () => (await soap('Authenticate', { userName: soapName, password: 'parity-password-2' })).text('accountStatus'),
          async () => (await json('POST', `/accounts/${jsonName}/authenticate`, { auth: BASIC, body: { password: 'parity-password-2' } })).body['status'],
        ],
        [
          async () => {
            const r = await soap('GetAccountInfo', { userName: soapName });
            return COMPARED.map((f) => r.text(f));
          },
          async () => {
            const body = (await json('GET', `/accounts/${jsonName}`, { auth: BASIC })).body;
            return COMPARED.map((f) => String(body[f.charAt(0).toLowerCase() + f.slice(1)]));
          },
        ],
        [
          async () => (await soap('CancelAccount', { userName: soapName })).code,
          async () => ((await json('POST', `/accounts/${jsonName}/cancel`, { auth: BASIC })).status === 204 ? 'Success' : 'failed'),
        ],
        [
          async () => (await soap('ChangeAccountSize', { userName: soapName, sizeInMB: 1 })).code,
          async () => (await json('PUT', `/accounts/${jsonName}/size`, { auth: BASIC, body: { accountSizeMB: 1 } })).body['code'],
        ],
      ];

      const soapSteps = steps('parity-soap', 'unused');
      const jsonSteps = steps('unused', 'parity-json');
      for (let i = 0; i < soapSteps.length; i++) {
        const soapResult = await soapSteps[i]![0]();
        const jsonResult = await jsonSteps[i]![1]();
        assert.deepEqual(jsonResult, soapResult, `step ${i + 1}`);
      }

      const auditOf = async (username: string) =>
        (
          await t.app.store.db
            .selectFrom('audit_log')
            .select(['operation', 'outcome', 'detail', 'actor_username', 'actor_entity_id', 'source_address'])
            .where('account_username', '=', username)
            .orderBy('id')
            .execute()
        ).map((row) => ({ ...row, detail: row.detail.replaceAll(username, '<name>') }));
      const soapAudit = await auditOf('parity-soap');
      assert.ok(soapAudit.length >= 5, JSON.stringify(soapAudit));
      assert.deepEqual(await auditOf('parity-json'), soapAudit);
    } finally {
      await running.close();
      await t.close();
    }
  });
});
