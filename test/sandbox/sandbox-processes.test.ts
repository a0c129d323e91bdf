/**
 * Issue 21 with real processes, on SQLite and PostgreSQL: a sandbox (`AMS_SANDBOX=true`, an SMTP
 * URL pointing at a real in-process SMTP server that must receive nothing) and a production
 * instance, each on its own database. Their WSDLs are byte-identical apart from the address;
 * the sandbox says what it is on every answer, on its help pages and at /readyz; its mail is
 * captured and listed at /sandbox/mail; each refuses the other's database with one line and a
 * non-zero exit; `ams sandbox` works only on the sandbox.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startService, type Service } from '../support/service-process.js';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink.js';
import { envelope, operationBody, soapHeaders } from '../support/envelope.js';
import { waitFor } from '../support/wait-for.js';
import { POSTGRES_TEST_URL, createTestDatabase, type TestDatabase } from '../support/test-database.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVICE_PATH = '/WebApi/AccountManagementService/AccountManagementService.asmx';
const SECRET = 'sandbox-provider-secret-1';
const BOOTSTRAP = { AMS_BOOTSTRAP_USERNAME: 'provider', AMS_BOOTSTRAP_PASSWORD: SECRET };
const ENGINES: readonly ('sqlite' | 'postgres')[] = POSTGRES_TEST_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/** `ams …` from source to its end: exit status and output. */
function runAms(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/cli/run-cli.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, AMS_HOST: '127.0.0.1', AMS_PORT: '0', AMS_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    // A start that should have been refused but listens instead: stop it and fail.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ams ${args.join(' ')} did not end:\n${stdout}\n${stderr}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function stop(service: Service | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null) return;
  service.child.kill('SIGTERM');
  await service.exited;
}

for (const engine of ENGINES) {
  describe(`a sandbox beside production, real processes on ${engine}`, () => {
    let dir: string;
    const databases: TestDatabase[] = [];
    let sandboxDb: string;
    let productionDb: string;
    let sink: SmtpSink;
    let sandbox: Service | undefined;
    let production: Service | undefined;
    const base = (s: Service | undefined): string => `http://127.0.0.1:${s?.port ?? 0}`;

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-sandbox-'));
      if (engine === 'postgres') {
        for (let i = 0; i < 2; i++) databases.push(await createTestDatabase());
        sandboxDb = databases[0]!.url;
        productionDb = databases[1]!.url;
      } else {
        sandboxDb = path.join(dir, 'sandbox.sqlite');
        productionDb = path.join(dir, 'production.sqlite');
      }
      sink = await startSmtpSink();
      const common = { ...BOOTSTRAP, AMS_MAIL_PICKUP_DIR: path.join(dir, 'pickup') };
      [sandbox, production] = await Promise.all([
        startService({ ...common, AMS_SANDBOX: 'true', AMS_DATABASE_URL: sandboxDb, AMS_SMTP_URL: sink.url, AMS_SMTP_REQUIRE_TLS: 'false' }),
        startService({ ...common, AMS_DATABASE_URL: productionDb }),
      ]);
    });
    after(async () => {
      await stop(sandbox);
      await stop(production);
      await sink?.close();
      for (const db of databases) await db.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('serves the same WSDL as production, byte for byte apart from the address', async () => {
      const [s, p] = await Promise.all([sandbox, production].map(async (x) => (await fetch(`${base(x)}${SERVICE_PATH}?WSDL`)).text()));
      assert.ok(s!.includes(`${base(sandbox)}${SERVICE_PATH}`));
      const neutral = (text: string, x: Service | undefined) => text.split(`${base(x)}${SERVICE_PATH}`).join('ADDRESS');
      assert.equal(Buffer.compare(Buffer.from(neutral(s!, sandbox)), Buffer.from(neutral(p!, production))), 0);
    });

    it('says sandbox on every answer, on its help pages and at /readyz; production says nothing of the kind', async () => {
      for (const target of [`${SERVICE_PATH}?WSDL`, SERVICE_PATH, `${SERVICE_PATH}?op=GetAccountInfo`, '/healthz', '/readyz', '/nowhere']) {
        const s = await fetch(`${base(sandbox)}${target}`);
        const p = await fetch(`${base(production)}${target}`);
        assert.equal(s.headers.get('x-ams-sandbox'), 'true', target);
        assert.equal(p.headers.get('x-ams-sandbox'), null, target);
        const [sBody, pBody] = [await s.text(), await p.text()];
        if (target === SERVICE_PATH || target.includes('?op=')) {
          assert.match(sBody, /id="sandbox-banner"[^>]*>SANDBOX/, target);
          assert.ok(!pBody.includes('sandbox'), `production ${target} mentions the sandbox`);
        }
        if (target === '/readyz') {
          assert.equal((JSON.parse(sBody) as { mode: string }).mode, 'sandbox');
          assert.equal((JSON.parse(pBody) as { mode: string }).mode, 'production');
        }
      }
      const soap = await fetch(`${base(sandbox)}${SERVICE_PATH}`, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: 'not xml' });
      assert.equal(soap.headers.get('x-ams-sandbox'), 'true');
      assert.ok(sandbox!.lines.some((l) => l.includes('AMS_SMTP_URL is ignored')), 'the start says the SMTP URL is ignored');
    });

    it('captures the mail a SOAP call queues, shows it at /sandbox/mail, and sends nothing to the SMTP server', async () => {
      const { contentType, soapAction } = soapHeaders('1.1', 'CreateAccountBySize');
      const fields = { TargetEntityId: 0, Username: `erin-${engine}`, Password: 'erin-password-1', AccountSizeMB: 10240, FullName: 'Erin Example', Email: 'erin@example.com', IsUltrasafe: false, DisableEmailsNotification: false };
      const created = await fetch(`${base(sandbox)}${SERVICE_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': contentType, SOAPAction: soapAction ?? '' },
        body: envelope('1.1', operationBody('CreateAccountBySize', fields, true), { user: 'provider', password: SECRET }),
      });
      assert.match(await created.text(), /<Code>Success<\/Code>/);
      let page = '';
      await waitFor(
        async () => {
          const r = await fetch(`${base(sandbox)}/sandbox/mail`, { headers: { Authorization: basic('provider', SECRET) } });
          page = await r.text();
          return r.status === 200 && page.includes(`erin-${engine}`);
        },
        20_000,
        'the welcome mail on /sandbox/mail',
      );
      const link = /href="(\/sandbox\/mail\/[0-9a-f]{32})"/.exec(page)?.[1];
      assert.ok(link, page);
      const message = await fetch(`${base(sandbox)}${link}`, { headers: { Authorization: basic('provider', SECRET) } });
      assert.equal(message.status, 200);
      assert.match(message.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.match(await message.text(), /<iframe id="html-part" sandbox=""/);
      const anonymous = await fetch(`${base(sandbox)}/sandbox/mail`);
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic /);
      assert.equal((await fetch(`${base(sandbox)}/sandbox/mail`, { headers: { Authorization: basic('provider', 'wrong-secret-123') } })).status, 401);
      assert.equal((await fetch(`${base(production)}/sandbox/mail`, { headers: { Authorization: basic('provider', SECRET) } })).status, 404);
      assert.equal(sink.received.length, 0, 'the SMTP server received a message');
      assert.equal(sink.connections(), 0, 'the sandbox connected to the SMTP server');
    });

    it("each refuses the other's database with one line and a non-zero exit", async () => {
      await stop(sandbox);
      await stop(production);
      const wrongSandbox = await runAms(['serve'], { ...BOOTSTRAP, AMS_SANDBOX: 'true', AMS_DATABASE_URL: productionDb });
      assert.equal(wrongSandbox.code, 2, wrongSandbox.stderr);
      assert.equal(
        wrongSandbox.stderr,
        'ams: wrong database for this mode: refusing to start a sandbox (AMS_SANDBOX=true) on a production database; give the sandbox a database of its own (AMS_SANDBOX, AMS_DATABASE_URL)\n',
      );
      const wrongProduction = await runAms(['serve'], { ...BOOTSTRAP, AMS_DATABASE_URL: sandboxDb });
      assert.equal(wrongProduction.code, 2, wrongProduction.stderr);
      assert.equal(
        wrongProduction.stderr,
        'ams: wrong database for this mode: refusing to start production on a sandbox database; unset AMS_SANDBOX only with the production database (AMS_SANDBOX, AMS_DATABASE_URL)\n',
      );
    });

    it('ams sandbox seed and reset: refused outside sandbox mode and on a production database, done on the sandbox', async () => {
      const outside = await runAms(['sandbox', 'seed', '--entity', '1', '--accounts', '3'], { AMS_DATABASE_URL: productionDb });
      assert.equal(outside.code, 1);
      assert.equal(outside.stderr, 'ams: sandbox commands work only in sandbox mode (AMS_SANDBOX=true, with the sandbox database)\n');
      const onProduction = await runAms(['sandbox', 'reset', '--entity', '1'], { AMS_SANDBOX: 'true', AMS_DATABASE_URL: productionDb });
      assert.equal(onProduction.code, 1);
      assert.equal(onProduction.stderr, 'ams: this database is not a sandbox database: reset and seed exist only in sandbox mode\n');
      const tooMany = await runAms(['sandbox', 'seed', '--entity', '1', '--accounts', '1001'], { AMS_SANDBOX: 'true', AMS_DATABASE_URL: sandboxDb });
      assert.equal(tooMany.code, 2);
      assert.equal(tooMany.stderr, 'ams: --accounts must be at most 1000, not 1001\n');

      const seeded = await runAms(['sandbox', 'seed', '--entity', '1', '--accounts', '3'], { AMS_SANDBOX: 'true', AMS_DATABASE_URL: sandboxDb });
      assert.equal(seeded.code, 0, seeded.stderr);
      assert.match(seeded.stdout, /^entity 1 seeded: 3 sample accounts \(sample-1-[0-9a-f]{6}-0001 … sample-1-[0-9a-f]{6}-0003\)/);
      const reset = await runAms(['sandbox', 'reset', '--entity', '1'], { AMS_SANDBOX: 'true', AMS_DATABASE_URL: sandboxDb });
      assert.equal(reset.code, 0, reset.stderr);
      assert.match(reset.stdout, /^entity 1 reset, deleted: accounts 4, tokens \d+, usage rows \d+, payments \d+, audit rows \d+, captured e-mails 1, outbox rows 1, import ledger rows 0; entities and partner users kept\n$/);
    });
  });
}
