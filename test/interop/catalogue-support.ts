/**
 * Helpers for the catalogue interop tests (catalogue-node-soap.test.ts, catalogue-zeep.test.ts):
 * a node-soap client bound to one port of the served WSDL that calls any of the 24 operations
 * by name and reads its Result code whatever its style, the per-operation request fields the
 * refusal passes reuse, the operator feeds, and the e-mail checks.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import soap from 'soap';
import { OPERATIONS, operationNamed, type OperationName } from '../../src/contract/index.js';
import { createPartnerLicenseKey } from '../../src/app/license-keys.js';
import { importPayments } from '../../src/feeds/payments-import.js';
import { importUsage } from '../../src/feeds/usage-import.js';
import { feedStore } from '../../src/store/repositories/feeds.js';
import type { MailMessage } from '../../src/mail/message.js';
import type { TestApp } from '../support/harness.js';
import { waitFor } from '../support/wait-for.js';
import { outboxBacklogReader } from '../../src/store/repositories/outbox-backlog.js';
import { PARTNER, SERVICE_NS, type SoapVersionId } from './scenario.js';

export type Obj = Record<string, unknown>;
export interface Partner {
  readonly UserName: string;
  readonly Password: string;
}
export const WRONG_PARTNER: Partner = { UserName: PARTNER.UserName, Password: 'not-the-partner-secret' };
export const ALL_OPERATIONS: readonly OperationName[] = OPERATIONS.map((op) => op.name);

/** A reply: its Result code (GetAllAccounts: the plain enum) and its payload (wrapped: `<Op>Result`; flat: the reply). */
export interface Answer {
  readonly code: string;
  readonly out: Obj;
}

export interface CataloguePort {
  /** Flat operations take `fields` as their parameters, wrapped ones inside `<request>`. */
  call(op: OperationName, fields: Obj, as?: Partner): Promise<Answer>;
  /** Just the Result code of `call`. */
  code(op: OperationName, fields: Obj, as?: Partner): Promise<string>;
  /** Every code seen per operation, and how many calls went out. */
  readonly seen: Map<OperationName, Set<string>>;
  calls(): number;
  lastResponse(): string;
}

export const obj = (v: unknown, what = 'value'): Obj => {
  assert.ok(typeof v === 'object' && v !== null && !Array.isArray(v), `${what} is not an object: ${JSON.stringify(v)}`);
  return v as Obj;
};

export const pick = (o: unknown, ...keys: string[]): Obj => Object.fromEntries(keys.map((k) => [k, obj(o)[k]]));

/** A dateTime the client parsed (Date or ISO text) lies within a minute of `expectedMs`. */
export function assertAbout(value: unknown, expectedMs: number, what: string): void {
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
  assert.ok(Math.abs(ms - expectedMs) < 60_000, `${what}: ${String(value)} is not about ${new Date(expectedMs).toISOString()}`);
}

/** node-soap renders `<ArrayOfX><X/>…` as `{ X: item | item[] }`, and an empty array as null. */
export const items = (v: unknown, item: string): Obj[] => {
  if (v === null || v === undefined || v === '') return [];
  const inner = obj(v, item)[item];
  return (Array.isArray(inner) ? inner : [inner]).map((i) => obj(i, item));
};

type PortMethod = (args: unknown, callback: (err: unknown, result: unknown) => void) => void;

export async function nodeSoapPort(wsdlUrl: string, version: SoapVersionId): Promise<CataloguePort> {
  const portName = version === '1.2' ? 'AccountManagementServiceSoap12' : 'AccountManagementServiceSoap';
  // s:long and s:decimal stay text: node-soap would parseInt / Number() them otherwise.
  const keepText = (text: string): string => text;
  const client = await soap.createClientAsync(wsdlUrl, {
    disableCache: true,
    forceSoap12Headers: version === '1.2',
    customDeserializer: { long: keepText, decimal: keepText },
  });
  const header = (p: Partner) => ({ AuthHeader: { UserName: p.UserName, Password: p.Password } });
  client.addSoapHeader(header(PARTNER), '', 'tns', SERVICE_NS);
  const port = (client as unknown as Record<string, Record<string, Record<string, PortMethod>>>)['AccountManagementService']?.[portName];
  assert.ok(port, `no port ${portName} in the WSDL`);
  const seen = new Map<OperationName, Set<string>>();
  let calls = 0;
  const send = (op: OperationName, args: unknown): Promise<Obj> =>
    new Promise((resolve, reject) => {
      const method = port[op];
      if (!method) return reject(new Error(`no operation ${op} on ${portName}`));
      calls++;
      method.call(client, args, (err, result) => (err ? reject(err) : resolve(obj(result, `${op} reply`))));
    });
  const port_: CataloguePort = {
    seen,
    calls: () => calls,
    lastResponse: () => String(client.lastResponse),
    code: async (op, fields, as) => (await port_.call(op, fields, as)).code,
    async call(op, fields, as = PARTNER) {
      const wrapped = operationNamed(op)?.style === 'wrapped';
      client.changeSoapHeader(0, header(as), '', 'tns', SERVICE_NS);
      let reply: Obj;
      try {
        reply = await send(op, wrapped ? { request: fields } : fields);
      } finally {
        client.changeSoapHeader(0, header(PARTNER), '', 'tns', SERVICE_NS);
      }
      const result = obj(reply[`${op}Result`], `${op}Result`);
      const out = wrapped ? result : reply;
      const code = wrapped ? (typeof result['Result'] === 'string' ? result['Result'] : obj(result['Result'], 'Result')['Code']) : result['Code'];
      assert.equal(typeof code, 'string', `${op}: no Result code in ${JSON.stringify(reply)}`);
      const codes = seen.get(op) ?? new Set<string>();
      seen.set(op, codes.add(String(code)));
      return { code: String(code), out };
    },
  };
  return port_;
}

/** `op code` for each call, made one after the other. */
export async function codesOf(port: CataloguePort, calls: readonly [OperationName, Obj][], as?: Partner): Promise<string[]> {
  const out: string[] = [];
  for (const [op, fields] of calls) out.push(`${op} ${await port.code(op, fields, as)}`);
  return out;
}

/** GetAccountInfo's accountInfo, which must be there. */
export async function accountInfo(port: CataloguePort, userName: string): Promise<Obj> {
  const r = await port.call('GetAccountInfo', { userName });
  assert.equal(r.code, 'Success', `GetAccountInfo ${userName}`);
  return obj(r.out['accountInfo'], 'accountInfo');
}

/** RedeemAuthorizationToken: its code and whom the token signs in. */
export async function redeem(port: CataloguePort, Token: unknown): Promise<Obj> {
  const r = await port.call('RedeemAuthorizationToken', { Token });
  return { code: r.code, ...pick(r.out, 'Username', 'EntityId', 'IsAppUser') };
}

/** A partner licence key for the entity, issued the way `ams license-key create` does. */
export async function partnerKey(t: TestApp, entityId: number): Promise<string> {
  const made = await createPartnerLicenseKey(t.app.store.db, entityId, new Date());
  assert.ok(made.ok, JSON.stringify(made));
  return made.key;
}

/** Checks that a value looks like a token and keeps it, to look for it in the e-mails later. */
export function tokenCollector(): { readonly all: string[]; take(value: unknown): string } {
  const all: string[] = [];
  return {
    all,
    take(value) {
      assert.match(String(value), /^[\w-]{20,}$/, `not a token: ${String(value)}`);
      all.push(String(value));
      return String(value);
    },
  };
}

/** The request fields of each operation that names an existing account, for `username`. */
export function accountCalls(username: string, password: string): [OperationName, Obj][] {
  return [
    ['Authenticate', { userName: username, password }],
    ['CancelAccount', { userName: username }],
    ['ChangeAccountEmail', { userName: username, password, email: 'changed@example.com' }],
    ['ChangeAccountLicenseKey', { userName: username, licenseKey: 'LK-CHANGED' }],
    ['ChangeAccountPassword', { userName: username, password, newPassword: 'changed-password-1' }],
    ['ChangeAccountSize', { userName: username, sizeInMB: '1' }],
    ['ChangeBackupAccountEmail', { Username: username, Email: 'changed@example.com', SendEmailToCustomer: true }],
    ['ChangeBackupAccountPassword', { Username: username, NewPassword: 'changed-password-1', SendEmailToCustomer: true }],
    ['GetAccountInfo', { userName: username }],
    ['GetAccountPayments', { userName: username }],
    ['GetAccountUsedSpace', { userName: username }],
    ['GetAccountUsedSpaceBySystem', { Username: username }],
    ['GetAuthenticationToken', { Username: username, Password: password }],
    ['GetAuthorizationToken', { Username: username, Password: password }],
    ['GetAuthorizationTokenByEntity', { Username: username, IsAppUser: true }],
  ];
}

const emailOf = (user: string): string => `${user}@example.com`;

/** CreateAccount's fields (CreateUltraSafeAccount and CreateAccountByPartnerLicenseKey add theirs). */
export const personFields = (userName: string, password: string): Obj => ({ firstName: 'Cat', userName, password, email: emailOf(userName), licenseKey: 'LK-OLD', localeCode: 'en-GB' });

/** CreateAccountBySize's fields: entity 3, 2048 MB, welcome e-mail on. */
export const sizeFields = (Username: string, Password: string, extra: Obj = {}): Obj => ({
  TargetEntityId: 3, Username, Password, AccountSizeMB: '2048', FullName: 'Cat Example', Email: emailOf(Username), IsUltrasafe: false, DisableEmailsNotification: false, ...extra,
});

/** The fields of the operations that create an account (user `username`) or use a token. */
export function otherCalls(username: string, t: { partnerKey: string; creatingToken: string; authToken: string; authorizationToken: string }): [OperationName, Obj][] {
  const person = personFields(username, 'never-password-1');
  const secret = { secretQuestion: 'Pet?', answer: 'Rex' };
  return [
    ['CreateAccount', person],
    ['CreateAccountByPartnerLicenseKey', { ...person, partnerLicenseKey: t.partnerKey, isUltraSafe: false, ...secret }],
    ['CreateAccountBySize', sizeFields(username, 'never-password-1')],
    ['CreateUltraSafeAccount', { ...person, ...secret }],
    ['GenerateCreatingAccountToken', { TargetEntityId: 3, AccountSizeMB: '1024', IsUltrasafe: false, ValidForHours: 1 }],
    ['GetAllAccounts', { CustomerTypeCode: '' }],
    ['CreateAccountByToken', { Token: t.creatingToken, Username: username, Password: 'never-password-1', FullName: 'Never', Email: emailOf(username) }],
    ['ValidateAuthenticationToken', { Token: t.authToken }],
    ['RedeemAuthorizationToken', { Token: t.authorizationToken }],
  ];
}

/** Usage and payments through the operator feeds (what `ams usage import` / `ams payments import` run). */
export async function importFeeds(t: TestApp, usageCsv: string, paymentsCsv: string): Promise<void> {
  const usage = await importUsage(feedStore(t.app.store.db), Buffer.from(usageCsv), new Date());
  assert.equal(usage.ok, true, `usage import: ${JSON.stringify(usage)}`);
  const payments = await importPayments(feedStore(t.app.store.db), Buffer.from(paymentsCsv), new Date());
  assert.equal(payments.ok, true, `payments import: ${JSON.stringify(payments)}`);
}

export type MailEvent = 'welcome' | 'password' | 'email' | 'cancelled' | 'other';
export function mailEvent(m: MailMessage): MailEvent {
  if (/^Welcome to /.test(m.subject)) return 'welcome';
  if (/password was changed/.test(m.subject)) return 'password';
  if (/e-mail address was changed/.test(m.subject)) return 'email';
  if (/account was cancelled/.test(m.subject)) return 'cancelled';
  return 'other';
}

/**
 * Waits until the outbox worker delivered `expected.length` messages and the outbox holds none
 * still pending (every notice is queued in its call's transaction, so a stray extra one has been
 * delivered by then too), then compares "to event" lines, sorted, and checks no secret is in any.
 */
export async function assertMails(t: TestApp, expected: readonly string[], secrets: readonly string[]): Promise<void> {
  const backlog = outboxBacklogReader(t.app.store.db);
  await waitFor(async () => t.mail.sent.length >= expected.length && (await backlog()).pending === 0, 8_000, `${expected.length} e-mails delivered, none pending`).catch(() => undefined); // the comparison below shows what was sent
  assert.deepEqual(t.mail.sent.map((m) => `${m.to} ${mailEvent(m)}`).sort(), [...expected].sort());
  for (const m of t.mail.sent) {
    for (const secret of secrets) {
      assert.ok(![m.subject, m.text, m.html].some((part) => part.includes(secret)), `the e-mail "${m.subject}" to ${m.to} contains a secret`);
    }
  }
}

/** Runs a script with a JSON configuration in AMS_CATALOGUE (secrets stay out of argv) and parses the JSON it prints. */
export function runJsonScript(command: string, args: readonly string[], config: unknown): Promise<Obj> {
  const env = { ...process.env, AMS_CATALOGUE: JSON.stringify(config) };
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: 40_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stderr}\n${stdout}`));
      try {
        resolve(obj(JSON.parse(stdout)));
      } catch {
        reject(new Error(`${command} printed no JSON object:\n${stdout}\n${stderr}`));
      }
    });
  });
}
