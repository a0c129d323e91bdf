/**
 * The JSON API's docs page in a real headless browser (Debian's Chromium driven by
 * playwright-core), served by a real AMS: it shows every operation of the served document,
 * its links resolve, it loads nothing but itself (so it works with no outside network), and
 * the ASMX operation list links to it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BASIC, startRestApp, type RestTestApp } from '../support/rest-app.js';
import { PROVIDER_SECRET, RESELLER_A_SECRET } from '../support/harness.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface DocumentOperation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
}

describe('the JSON API docs page in headless Chromium', () => {
  let app: RestTestApp;
  let browser: Browser;
  let shots: string;
  let operations: DocumentOperation[];
  before(async () => {
    app = await startRestApp();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    shots = mkdtempSync(join(tmpdir(), 'ams-docs-'));
    const doc = (await (await fetch(`${app.api}/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId?: string; summary?: string }>> };
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => typeof op === 'object' && op !== null && typeof op.operationId === 'string')
        .map(([method, op]) => ({ method: method.toUpperCase(), path, operationId: op.operationId ?? '', summary: op.summary ?? '' })),
    );
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    if (process.env['AMS_KEEP_SCREENSHOTS'] !== '1') rmSync(shots, { recursive: true, force: true });
    else process.stderr.write(`screenshots kept in ${shots}\n`);
  });

  /** Opens the page with every request outside the server refused, and records every request made. */
  async function open(url: string): Promise<{ page: Page; requests: string[]; refused: string[] }> {
    const page = await browser.newPage();
    const requests: string[] = [];
    const refused: string[] = [];
    await page.route('**/*', async (route) => {
      const target = route.request().url();
      requests.push(target);
      if (target.startsWith(app.origin)) await route.continue();
      else {
        refused.push(target);
        await route.abort('internetdisconnected');
      }
    });
    const shown = await page.goto(url);
    assert.equal(shown?.status(), 200);
    await page.waitForLoadState('load');
    return { page, requests, refused };
  }

  it('loads nothing but itself: no outside request, no script, no subresource', async () => {
    const { page, requests, refused } = await open(`${app.api}/docs`);
    try {
      assert.deepEqual(refused, []);
      assert.deepEqual(requests, [`${app.api}/docs`]);
      assert.equal(await page.locator('script').count(), 0);
      assert.match(await page.title(), /JSON API/);
      await page.screenshot({ path: join(shots, 'docs.png'), fullPage: false });
      assert.ok(statSync(join(shots, 'docs.png')).size > 5000);
    } finally {
      await page.close();
    }
  });

  it('shows every operation of the served document, with its section and curl example', async () => {
    assert.ok(operations.length >= 12, `${operations.length} operations`);
    const { page } = await open(`${app.api}/docs`);
    try {
      const nav = page.getByRole('navigation', { name: 'Operations' });
      for (const op of operations) {
        await nav.getByRole('link', { name: `${op.method} ${op.path}`, exact: true }).click();
        const section = page.locator(`section#op-${op.operationId}`);
        assert.ok(await section.isVisible(), `${op.operationId} visible`);
        assert.equal((await section.locator('h3').innerText()).replace(/\s+/g, ' ').trim(), `${op.method} ${op.path}`);
        if (op.summary !== '') assert.ok((await section.innerText()).includes(op.summary), `${op.operationId} summary`);
        const curl = await section.locator('pre').last().innerText();
        assert.match(curl, new RegExp(`^curl -sS -i${op.method === 'GET' ? '' : ` -X ${op.method}`} "\\$AMS_URL"'/api/v1/`), `${op.operationId}: ${curl}`);
      }
      // Credentials are shell variables: none of the server's partner secrets is on the page.
      const text = await page.content();
      for (const secret of [PROVIDER_SECRET, RESELLER_A_SECRET]) assert.ok(!text.includes(secret));
      assert.ok(text.includes('-u "$AMS_USER:$AMS_SECRET"'));
      assert.equal(new URL(page.url()).hash, `#op-${operations.at(-1)?.operationId ?? ''}`);
    } finally {
      await page.close();
    }
  });

  it('is accessible in structure: one h1, a main landmark, table headers, every in-page link resolves', async () => {
    const { page } = await open(`${app.api}/docs`);
    try {
      assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1);
      assert.equal(await page.getByRole('main').count(), 1);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      const broken = await page.evaluate(() =>
        [...document.querySelectorAll('a[href^="#"]')].map((a) => a.getAttribute('href') ?? '').filter((href) => document.getElementById(decodeURIComponent(href.slice(1))) === null),
      );
      assert.deepEqual(broken, []);
      const headless = await page.evaluate(() => [...document.querySelectorAll('table')].filter((t) => t.querySelector('th') === null).length);
      assert.equal(headless, 0);
      // The link to the machine-readable document works from the page.
      await page.getByRole('link', { name: 'openapi.json' }).click();
      await page.waitForLoadState('load');
      assert.equal(page.url(), `${app.api}/openapi.json`);
    } finally {
      await page.close();
    }
  });

  it('a problem\'s type leads to its explanation on the page', async () => {
    const res = await fetch(`${app.api}/accounts/nobody`, { headers: { Authorization: BASIC.resellerA } });
    assert.equal(res.status, 404);
    const problem = (await res.json()) as { type: string; code: string };
    const { page, refused } = await open(new URL(problem.type, app.origin).toString());
    try {
      assert.deepEqual(refused, []);
      const row = page.locator(`tr#problem-${problem.code}`);
      assert.ok(await row.isVisible());
      assert.match(await row.innerText(), /AccountNotFound\s+404/);
      // Every code a problem can carry has its row.
      const doc = (await (await fetch(`${app.api}/openapi.json`)).json()) as { components: { schemas: { Problem: { properties: { code: { enum: string[] } } } } } };
      for (const code of doc.components.schemas.Problem.properties.code.enum) assert.equal(await page.locator(`tr#problem-${code}`).count(), 1, code);
    } finally {
      await page.close();
    }
  });

  it('the ASMX operation list links to it', async () => {
    const { page } = await open(app.asmx);
    try {
      await page.getByRole('link', { name: 'JSON API documentation' }).click();
      await page.waitForLoadState('load');
      assert.equal(page.url(), `${app.api}/docs`);
      assert.match(await page.title(), /JSON API/);
    } finally {
      await page.close();
    }
  });
});
