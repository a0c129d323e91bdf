/**
 * The local-only test form (SERVICE.md §1) in a real headless browser: Debian's Chromium,
 * driven by playwright-core, fills in the ChangeBackupAccountPassword form on loopback and
 * submits it; a plain SOAP call then proves the new password works. A request relayed by a
 * proxy (X-Forwarded-For) sees no form and cannot post one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ALICE_PASSWORD, RESELLER_A_SECRET, listenTestApp, startTestApp, type TestApp } from '../support/harness.js';
import { envelope, operationBody, soapHeaders } from '../support/envelope.js';
import { findElement } from '../support/call.js';
import { waitFor } from '../support/wait-for.js';
import { parseXml } from '../../src/xml/reader.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const REMOTE_SENTENCE = 'The test form is only available for requests from the local machine.';
const PROXIED = { 'X-Forwarded-For': '203.0.113.9' };
/** alice's password as the tests change it. */
let alicePassword = ALICE_PASSWORD;

/** Authenticate over a plain SOAP 1.1 POST; returns the Result Code and the accountStatus. */
async function authenticate(url: string, userName: string, password: string): Promise<{ code?: string; status?: string }> {
  const { contentType, soapAction } = soapHeaders('1.1', 'Authenticate');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': contentType, SOAPAction: soapAction ?? '' },
    body: envelope('1.1', operationBody('Authenticate', { userName, password }, false), { user: 'reseller-a', password: RESELLER_A_SECRET }),
  });
  assert.equal(res.status, 200);
  const root = parseXml(await res.text());
  return { code: findElement(root, 'Code')?.text, status: findElement(root, 'accountStatus')?.text };
}

describe('the local test form in headless Chromium', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listenTestApp>>;
  let browser: Browser;
  let shots: string;
  before(async () => {
    t = await startTestApp();
    server = await listenTestApp(t);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    shots = mkdtempSync(join(tmpdir(), 'ams-form-'));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
    // Keep the screenshot for a look when asked to (AMS_KEEP_SCREENSHOTS=1), never in the tree.
    if (process.env['AMS_KEEP_SCREENSHOTS'] !== '1') rmSync(shots, { recursive: true, force: true });
    else process.stderr.write(`screenshots kept in ${shots}\n`);
  });

  it('changes a password through the form, and the new password then works over SOAP', async () => {
    const newPassword = 'form-Chosen-pass-1';
    const page = await browser.newPage();
    try {
      const shown = await page.goto(`${server.url}?op=ChangeBackupAccountPassword`);
      assert.equal(shown?.status(), 200);
      assert.equal(await page.locator('form').count(), 1);
      assert.equal(await page.locator('input[name="AuthHeader.Password"]').getAttribute('type'), 'password');
      await page.screenshot({ path: join(shots, 'form.png'), fullPage: true });
      assert.ok(statSync(join(shots, 'form.png')).size > 1000);

      await page.fill('input[name="AuthHeader.UserName"]', 'reseller-a');
      await page.fill('input[name="AuthHeader.Password"]', RESELLER_A_SECRET);
      await page.fill('input[name="Username"]', 'alice');
      await page.fill('input[name="NewPassword"]', newPassword);
      await page.selectOption('select[name="SendEmailToCustomer"]', 'true');
      const [answer] = await Promise.all([page.waitForNavigation(), page.click('input[type="submit"][value="Invoke"]')]);
      assert.ok(answer);
      assert.equal(answer.status(), 200);
      assert.equal(answer.request().method(), 'POST');
      assert.match(answer.url(), /\/AccountManagementService\.asmx\/ChangeBackupAccountPassword$/);
      assert.match(answer.headers()['content-type'] ?? '', /^text\/xml/);
      const xml = await answer.text();
      assert.match(xml, /<ChangeBackupAccountPasswordResult><Result><Result>0<\/Result><Code>Success<\/Code>/);
      // What the browser shows of that XML document.
      assert.match((await page.textContent('body')) ?? '', /Success/);
      await page.screenshot({ path: join(shots, 'result.png') });
    } finally {
      await page.close();
    }

    assert.deepEqual(await authenticate(server.url, 'alice', newPassword), { code: 'Success', status: 'Active' });
    assert.equal((await authenticate(server.url, 'alice', alicePassword)).code, 'InvalidAccountCredentials');
    alicePassword = newPassword;
    // SendEmailToCustomer=true was chosen in the select: the notice goes out, without the password.
    const notice = () => t.mail.sent.find((m) => m.to === 'alice@example.com' && /password was changed/i.test(m.subject));
    await waitFor(() => notice() !== undefined, 5_000, 'a password-changed e-mail to alice');
    assert.ok(!notice()?.text.includes(newPassword) && !notice()?.html.includes(newPassword));
  });

  it('shows a proxied request the remote sentence and no form', async () => {
    const res = await fetch(`${server.url}?op=ChangeBackupAccountPassword`, { headers: PROXIED });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.ok(html.includes(REMOTE_SENTENCE));
    assert.ok(!html.includes('<form'));
    assert.ok(html.includes('ChangeBackupAccountPassword'), 'still the operation page');
    const local = await (await fetch(`${server.url}?op=ChangeBackupAccountPassword`)).text();
    assert.ok(local.includes('<form') && !local.includes(REMOTE_SENTENCE), 'the same request without the proxy header gets the form');
  });

  it('refuses a proxied form POST and leaves the password unchanged', async () => {
    const attempted = 'proxied-pass-0001';
    const form = new URLSearchParams({
      'AuthHeader.UserName': 'reseller-a',
      'AuthHeader.Password': RESELLER_A_SECRET,
      Username: 'alice',
      NewPassword: attempted,
      SendEmailToCustomer: 'false',
    });
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/ChangeBackupAccountPassword`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form,
      });
    const refused = await post(PROXIED);
    assert.equal(refused.status, 500);
    assert.doesNotMatch(await refused.text(), /Success/);
    assert.equal((await authenticate(server.url, 'alice', attempted)).code, 'InvalidAccountCredentials');
    assert.equal((await authenticate(server.url, 'alice', alicePassword)).code, 'Success');
    // Control: the very same POST without the proxy header is accepted.
    const accepted = await post({});
    assert.equal(accepted.status, 200);
    assert.match(await accepted.text(), /<Code>Success<\/Code>/);
    assert.equal((await authenticate(server.url, 'alice', attempted)).code, 'Success');
    alicePassword = attempted;
  });
});
