/**
 * Secrets (issue 6): a full scenario over HTTP — every operation that takes or issues a secret,
 * failures and faults included, the local test form, the mail worker — and then every output
 * is searched for every secret it used: answers, log lines (as the harness captures them),
 * audit rows, outbox rows, e-mails, the database files themselves and `ams audit list`. Tokens
 * and licence keys may appear only in the one answer that issues them. Plus: no secret is
 * compared with `===` in our code (we compare digests by lookup, and Argon2 verifies in
 * constant time).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { operationNamed } from '../../src/contract/index.js';
import { createPartnerLicenseKey } from '../../src/app/license-keys.js';
import { FORM_AUTH_PASSWORD, FORM_AUTH_USERNAME } from '../../src/soap/http-post.js';
import { PROVIDER_SECRET, RESELLER_A_SECRET, listenTestApp, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { envelope, operationBody, soapHeaders, type Credentials } from '../support/envelope.js';
import { waitFor } from '../support/wait-for.js';
import type { RunningServer } from '../../src/http/server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const A: Credentials = { user: 'reseller-a', password: RESELLER_A_SECRET };
const P: Credentials = { user: 'provider', password: PROVIDER_SECRET };

/** Chosen by the scenario; none may appear in any output. */
const SECRETS = {
  wrongPartner: 'Wrong-Partner-Secret-77',
  create: 'Sec-Create-Pass-1',
  ultra: 'Sec-Ultra-Pass-2',
  answer: 'Sec-Secret-Answer-3',
  obsolete: 'Sec-Old-Pass-4',
  reset: 'Sec-Reset-Pass-5',
  holder: 'Sec-Holder-Pass-6',
  wrongAccount: 'Sec-Wrong-Pass-7',
  byToken: 'Sec-Token-Pass-8',
  byKey: 'Sec-Licence-Pass-9',
  inFault: 'Sec-Fault-Pass-10',
  formReset: 'Sec-Form-Pass-11',
};

interface Answer {
  readonly op: string;
  readonly status: number;
  readonly body: string;
  readonly headers: string;
}

describe('no secret in any output of a full scenario', () => {
  let t: TestApp;
  let server: RunningServer & { url: string };
  const answers: Answer[] = [];
  /** Issued tokens and keys, with the answer that may carry each. */
  const issued: { value: string; answer: Answer | undefined }[] = [];

  async function soap(op: string, fields: Record<string, string | number | boolean>, auth: Credentials, version: '1.1' | '1.2' = '1.1', raw?: string): Promise<Answer> {
    const definition = operationNamed(op);
    if (!definition) throw new Error(op);
    const headers = soapHeaders(version, op);
    const r = await fetch(server.url, {
      method: 'POST',
      headers: { 'Content-Type': headers.contentType, ...(headers.soapAction ? { SOAPAction: headers.soapAction } : {}) },
      body: raw ?? envelope(version, operationBody(op, fields, definition.style === 'wrapped'), auth),
    });
    const answer = { op, status: r.status, body: await r.text(), headers: JSON.stringify([...r.headers]) };
    answers.push(answer);
    return answer;
  }
  const textOf = (a: Answer, element: string) => new RegExp(`<${element}>([^<]+)</${element}>`).exec(a.body)?.[1];
  const codeOf = (a: Answer) => /<Code>(\w+)<\/Code>/.exec(a.body)?.[1];

  before(async () => {
    t = await startTestApp({ template: await seededTemplate() });
    server = await listenTestApp(t);

    const ok = async (a: Promise<Answer>) => {
      const answer = await a;
      assert.equal(codeOf(answer), 'Success', `${answer.op}: ${answer.body}`);
      return answer;
    };
    await soap('GetAccountInfo', { userName: 'alice' }, { user: 'reseller-a', password: SECRETS.wrongPartner });
    await ok(soap('CreateAccountBySize', { TargetEntityId: 0, Username: 'sec-user1', Password: SECRETS.create, AccountSizeMB: 1024, FullName: 'Sec User', Email: 'sec-user1@example.com', IsUltrasafe: false, DisableEmailsNotification: false }, A));
    await ok(soap('CreateUltraSafeAccount', { firstName: 'Ultra', userName: 'sec-ultra', password: SECRETS.ultra, email: 'sec-ultra@example.com', licenseKey: '', localeCode: 'de-DE', secretQuestion: 'Pet?', answer: SECRETS.answer }, A, '1.2'));
    await ok(soap('CreateAccount', { firstName: 'Old', userName: 'sec-old', password: SECRETS.obsolete, email: 'sec-old@example.com', licenseKey: '', localeCode: 'fr' }, A));
    await ok(soap('ChangeBackupAccountPassword', { Username: 'sec-user1', NewPassword: SECRETS.reset, SendEmailToCustomer: true }, A));
    await ok(soap('ChangeAccountPassword', { userName: 'sec-user1', password: SECRETS.reset, newPassword: SECRETS.holder }, A, '1.2'));
    await ok(soap('ChangeAccountEmail', { userName: 'sec-user1', password: SECRETS.holder, email: 'sec-user1@example.org' }, A));
    assert.equal(codeOf(await soap('Authenticate', { userName: 'sec-user1', password: SECRETS.wrongAccount }, A)), 'InvalidAccountCredentials');
    await ok(soap('Authenticate', { userName: 'sec-user1', password: SECRETS.holder }, A));

    const authentication = await ok(soap('GetAuthenticationToken', { Username: 'sec-user1', Password: SECRETS.holder }, A));
    issued.push({ value: textOf(authentication, 'Token') ?? '', answer: authentication });
    await ok(soap('ValidateAuthenticationToken', { Token: textOf(authentication, 'Token') ?? '' }, A));
    const authorization = await ok(soap('GetAuthorizationToken', { Username: 'sec-user1', Password: SECRETS.holder }, A, '1.2'));
    issued.push({ value: textOf(authorization, 'AuthToken') ?? '', answer: authorization });
    await ok(soap('RedeemAuthorizationToken', { Token: textOf(authorization, 'AuthToken') ?? '' }, A));
    const byEntity = await ok(soap('GetAuthorizationTokenByEntity', { Username: 'sec-user1', IsAppUser: true }, A));
    issued.push({ value: textOf(byEntity, 'AuthToken') ?? '', answer: byEntity });
    const creating = await ok(soap('GenerateCreatingAccountToken', { TargetEntityId: 0, AccountSizeMB: 512, IsUltrasafe: false, ValidForHours: 2 }, A));
    const creatingToken = textOf(creating, 'Token') ?? '';
    issued.push({ value: creatingToken, answer: creating });
    await ok(soap('CreateAccountByToken', { Token: creatingToken, Username: 'sec-by-token', Password: SECRETS.byToken, FullName: 'By Token', Email: 'sec-by-token@example.com' }, A));

    const key = await createPartnerLicenseKey(t.app.store.db, 2, new Date());
    assert.ok(key.ok);
    issued.push({ value: key.key, answer: undefined });
    await ok(
      soap('CreateAccountByPartnerLicenseKey', { firstName: 'Lic', userName: 'sec-by-key', password: SECRETS.byKey, email: 'sec-by-key@example.com', licenseKey: '', partnerLicenseKey: key.key, localeCode: 'en', isUltraSafe: false, secretQuestion: '', answer: '' }, P),
    );
    await ok(soap('CancelAccount', { userName: 'sec-old' }, A));
    // A type error in the body: a fault, whose text must not echo the password beside it.
    const definition = operationNamed('ChangeBackupAccountPassword')!;
    const fault = await soap('ChangeBackupAccountPassword', {}, A, '1.1', envelope('1.1', operationBody('ChangeBackupAccountPassword', { Username: 'sec-user1', NewPassword: SECRETS.inFault, SendEmailToCustomer: 'yes' }, definition.style === 'wrapped'), A));
    assert.equal(fault.status, 500);
    // The local test form, with the partner's secret in a form field.
    const form = new URLSearchParams({ Username: 'sec-user1', NewPassword: SECRETS.formReset, SendEmailToCustomer: 'false', [FORM_AUTH_USERNAME]: A.user, [FORM_AUTH_PASSWORD]: A.password });
    const formAnswer = await fetch(`${server.url}/ChangeBackupAccountPassword`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form });
    answers.push({ op: 'form', status: formAnswer.status, body: await formAnswer.text(), headers: JSON.stringify([...formAnswer.headers]) });
    assert.match(answers.at(-1)!.body, /Success/);

    // Every queued e-mail delivered (memory transport).
    const pending = () => t.app.store.db.selectFrom('outbox').select('id').where('state', '=', 'pending').execute();
    await waitFor(async () => (await pending()).length === 0, 30_000, 'every queued e-mail delivered');
  });
  after(async () => {
    await server.close(1000);
    await t.close();
  });

  const passwords = () => [...Object.values(SECRETS), PROVIDER_SECRET, RESELLER_A_SECRET];
  const everything = () => [...passwords(), ...issued.map((i) => i.value)];

  function assertNone(where: string, text: string, secrets: readonly string[]): void {
    for (const s of secrets) assert.ok(!text.includes(s), `${where} contains a secret (${s.slice(0, 6)}…)`);
  }

  it('issued what it meant to: tokens, a key, e-mails, audit rows', async () => {
    assert.equal(issued.length, 5);
    for (const i of issued) assert.ok(i.value.length >= 40, 'a real token');
    assert.ok(t.mail.sent.length >= 6, `${t.mail.sent.length} e-mails`);
    const audit = await t.app.store.db.selectFrom('audit_log').selectAll().execute();
    assert.ok(audit.length >= 9, `${audit.length} audit rows`);
  });

  it('answers carry no password or partner secret, and a token only in the answer that issues it', () => {
    for (const a of answers) {
      assertNone(`the ${a.op} answer`, a.body + a.headers, passwords());
      for (const i of issued) if (i.answer !== a) assertNone(`the ${a.op} answer`, a.body, [i.value]);
      assert.doesNotMatch(a.body, /\bat .*\.(ts|js):\d+|node_modules|\/src\//, 'no stack trace or path');
    }
  });

  it('log lines carry none', () => {
    assert.ok(t.logLines.length > answers.length, 'every request was logged');
    assertNone('the log', t.logLines.join('\n'), everything());
  });

  it('audit and outbox rows carry none', async () => {
    const audit = await t.app.store.db.selectFrom('audit_log').selectAll().execute();
    const outbox = await t.app.store.db.selectFrom('outbox').selectAll().execute();
    assertNone('audit_log', JSON.stringify(audit), everything());
    assertNone('outbox', JSON.stringify(outbox), everything());
  });

  it('e-mails carry none', () => {
    assertNone('the e-mails', JSON.stringify(t.mail.sent), everything());
  });

  it('the database files hold none in clear (hashes and digests only)', () => {
    const files = fs.readdirSync(t.dir).filter((f) => f.startsWith('ams.sqlite'));
    assert.ok(files.length >= 1);
    const bytes = Buffer.concat(files.map((f) => fs.readFileSync(path.join(t.dir, f))));
    for (const s of everything()) assert.equal(bytes.indexOf(Buffer.from(s, 'utf8')), -1, `a secret in ${files.join(', ')}`);
  });

  it('`ams audit list --account` shows who changed what, when, from where — and no secret', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/cli/run-cli.ts'), 'audit', 'list', ...args], {
        cwd: ROOT,
        env: { ...process.env, AMS_DATABASE_URL: path.join(t.dir, 'ams.sqlite'), AMS_LOG_LEVEL: 'error' },
        encoding: 'utf8',
      });
    const listed = run('--account', 'SEC-USER1');
    assert.equal(listed.status, 0, listed.stderr);
    const lines = listed.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^AT\s+OPERATION\s+OUTCOME\s+BY\s+ENTITY\s+FROM\s+REQUEST ID\s+DETAIL$/);
    const ops = lines.slice(1).map((l) => l.split(/\s+/)[1]);
    assert.deepEqual(ops, ['ChangeBackupAccountPassword', 'ChangeAccountEmail', 'ChangeAccountPassword', 'ChangeBackupAccountPassword', 'CreateAccountBySize'], 'newest first');
    assert.match(lines[1] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+ChangeBackupAccountPassword\s+Success\s+reseller-a\s+2\s+127\.0\.0\.1\s+[0-9a-f-]{36}\s+sendEmailToCustomer=false/);
    assertNone('ams audit list', listed.stdout + listed.stderr, everything());
    const limited = run('--account', 'sec-user1', '--limit', '2');
    assert.equal(limited.stdout.trimEnd().split('\n').length, 4);
    assert.match(limited.stdout, /\(2 of 5, newest first; --limit N shows more\)/);
    assert.match(run('--account', 'nobody-here').stdout, /no audit records for nobody-here/);
    assert.equal(run().status, 2, '--account is required');
  });
});

describe('how secrets are compared', () => {
  it('never with === or !== in our code: Argon2 verifies in constant time, tokens are found by digest', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else if (e.name.endsWith('.ts')) files.push(path.join(dir, e.name));
      }
    };
    walk(path.join(ROOT, 'src'));
    const secretish = '[\\w.?]*(?:password|secret|token|answer|digest|hash|key)[\\w.?]*';
    const literal = "(?:''|\"\"|'[^']*'|null|undefined|\\d+)";
    const comparison = new RegExp(`(${secretish})\\s*[!=]==\\s*(${secretish})|(${secretish})\\s*[!=]==\\s*(?!${literal})[\\w.]+|(?<!${literal})[\\w.]+\\s*[!=]==\\s*(${secretish})`, 'gi');
    const found: string[] = [];
    for (const file of files) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (/^\s*(\*|\/\/)/.test(line)) return;
        // A comparison of two stored values (no caller-supplied secret on either side) is
        // allowed where the line says why: `// not timing-sensitive: <reason>`.
        if (/\/\/ not timing-sensitive: \S/.test(line)) return;
        for (const m of line.matchAll(comparison)) {
          const text = m[0];
          if (new RegExp(`[!=]==\\s*${literal}\\s*$`).test(text) || new RegExp(`^${literal}\\s*[!=]==`).test(text)) continue;
          if (/\.length\b|\.size\b|typeof |\.kind\b|\.status\b|\.state\b/.test(text)) continue;
          found.push(`${path.relative(ROOT, file)}:${i + 1}: ${text}`);
        }
      });
    }
    assert.deepEqual(found, [], 'compare secrets through Argon2 verify, a digest lookup or crypto.timingSafeEqual');
  });
});
