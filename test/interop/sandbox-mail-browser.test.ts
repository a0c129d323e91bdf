/**
 * Issue 21: /sandbox/mail in a real headless browser (Debian's Chromium, driven by
 * playwright-core) for two partners. Each signs in with its API credentials (HTTP Basic), sees
 * the list of its own tree's captured mail and each message's headers, HTML part (in a
 * script-less sandboxed iframe) and text part, and gets 404 for the other partner's messages.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { sql } from 'kysely';
import { RESELLER_A_SECRET, RESELLER_B_SECRET, listenTestApp, startTestApp, type TestApp } from '../support/harness.js';
import { call } from '../support/call.js';
import { waitFor } from '../support/wait-for.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const A = { user: 'reseller-a', password: RESELLER_A_SECRET };
const B = { user: 'reseller-b', password: RESELLER_B_SECRET };

describe('/sandbox/mail in headless Chromium, two partners', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listenTestApp>>;
  let origin: string;
  let browser: Browser;
  const ids = new Map<string, string>();

  before(async () => {
    t = await startTestApp({ transport: 'configured', env: { AMS_SANDBOX: 'true' } });
    server = await listenTestApp(t);
    origin = `http://127.0.0.1:${server.port}`;
    const create = (who: typeof A, entity: number, username: string, fullName: string) =>
      call(t, 'CreateAccountBySize', { TargetEntityId: entity, Username: username, Password: `${username}-password-1`, AccountSizeMB: 1024, FullName: fullName, Email: `${username}@example.com`, IsUltrasafe: false, DisableEmailsNotification: false }, who);
    // Markup in a name is the customer's text: the page must show it, never run or render it.
    assert.equal((await create(A, 3, 'carol', 'Carol <img src=x onerror=alert(1)>')).code, 'Success');
    assert.equal((await create(B, 4, 'dave', 'Dave Example')).code, 'Success');
    await waitFor(async () => (await sql<{ n: number }>`SELECT COUNT(*) AS n FROM sandbox_mail`.execute(t.app.store.db)).rows[0]?.n == 2, 10_000, 'two captured messages');
    const rows = await t.app.store.db.selectFrom('sandbox_mail').select(['id', 'account_username']).execute();
    for (const r of rows) ids.set(r.account_username, r.id);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  const signedIn = (who: typeof A): Promise<BrowserContext> => browser.newContext({ httpCredentials: { username: who.user, password: who.password } });

  for (const [who, own, other] of [
    [A, 'carol', 'dave'],
    [B, 'dave', 'carol'],
  ] as const) {
    it(`${who.user} reads its own mail, list and message, and cannot reach ${other}'s`, async () => {
      const context = await signedIn(who);
      const dialogs: string[] = [];
      try {
        const page = await context.newPage();
        page.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        const list = await page.goto(`${origin}/sandbox/mail`);
        assert.equal(list?.status(), 200);
        assert.equal(list?.headers()['x-ams-sandbox'], 'true');
        assert.match(await page.locator('#sandbox-banner').innerText(), /SANDBOX/);
        const links = page.locator('#mail a.message');
        assert.equal(await links.count(), 1);
        assert.match(await page.locator('#mail').innerText(), new RegExp(own));
        assert.doesNotMatch(await page.locator('body').innerText(), new RegExp(other));

        await links.first().click();
        await page.waitForURL(`${origin}/sandbox/mail/${ids.get(own)}`);
        const headers = await page.locator('#headers').innerText();
        assert.match(headers, new RegExp(`To\\s+${own}@example.com`));
        assert.match(headers, /Subject\s+\S/);
        assert.equal(await page.locator('#html-part').getAttribute('sandbox'), '');
        const htmlPart = await page.frameLocator('#html-part').locator('body').innerText();
        assert.match(htmlPart, new RegExp(own));
        assert.match(await page.locator('#text-part').innerText(), new RegExp(own));
        if (own === 'carol') {
          assert.match(htmlPart, /Carol <img src=x onerror=alert\(1\)>/, 'the markup is shown as text');
          assert.equal(await page.frameLocator('#html-part').locator('img').count(), 0);
        }

        const foreign = await page.goto(`${origin}/sandbox/mail/${ids.get(other)}`);
        assert.equal(foreign?.status(), 404);
        const guessed = await page.goto(`${origin}/sandbox/mail/${'0'.repeat(32)}`);
        assert.equal(guessed?.status(), 404);
        assert.deepEqual(dialogs, [], 'no script ran');
      } finally {
        await context.close();
      }
    });
  }

  it('asks for credentials, and refuses wrong ones', async () => {
    // Without credentials the browser page shows only its own error (a 401 it cannot answer):
    // the context's request client reads the answer itself.
    const anonymous = await browser.newContext();
    const wrong = await browser.newContext({ httpCredentials: { username: 'reseller-a', password: 'not-the-secret-1' } });
    try {
      const challenged = await anonymous.request.get(`${origin}/sandbox/mail`);
      assert.equal(challenged.status(), 401);
      assert.match(challenged.headers()['www-authenticate'] ?? '', /^Basic realm=/);
      assert.equal((await wrong.request.get(`${origin}/sandbox/mail/${ids.get('carol')}`)).status(), 401);
      await assert.rejects((await anonymous.newPage()).goto(`${origin}/sandbox/mail`), /ERR_INVALID_AUTH_CREDENTIALS/);
    } finally {
      await anonymous.close();
      await wrong.close();
    }
  });
});
