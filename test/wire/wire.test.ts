/**
 * Wire fixtures: for each folder `test/wire/<Operation>__<behaviour>/`, the request of each
 * SOAP version (`request.soap11.xml`, `request.soap12.xml`) is sent through the app's SOAP
 * pipeline on a fresh copy of the seeded database, and the response is compared as canonical
 * XML with `response.soap11.xml` / `response.soap12.xml`. `case.json` holds the expected
 * status and Content-Type (empty answers carry one too), optional request headers, optional
 * state to set up first ("given") and state to check afterwards ("then").
 *
 * UPDATE_FIXTURES=1 writes the responses instead of comparing: review the diff before committing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { FIXED_NOW, fixedClock, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { canonicalXml } from '../support/canonical.js';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';
import { digestToken } from '../../src/security/tokens.js';

interface WireCase {
  readonly description: string;
  readonly status: number;
  /**
   * Expected response Content-Type per version; default: the request's SOAP version's
   * (`text/xml; charset=utf-8` for soap11, `application/soap+xml; charset=utf-8` for soap12).
   */
  readonly contentType?: Partial<Record<'soap11' | 'soap12', string>>;
  /** HTTP headers per version; default: what a generated client sends for the folder's operation. */
  readonly headers?: Partial<Record<'soap11' | 'soap12', { contentType?: string; soapAction?: string | null }>>;
  readonly given?: Given;
  /** Elements whose text is random (tokens): compared as "any non-empty text". */
  readonly anyText?: readonly string[];
  readonly then?: {
    readonly passwords?: Readonly<Record<string, string>>;
    readonly outbox?: number;
    readonly audit?: number;
    readonly accountExists?: readonly string[];
    readonly accountAbsent?: readonly string[];
    /** Column values of accounts after the call, e.g. {"alice": {"status": "Cancelled"}}. */
    readonly accountColumns?: Readonly<Record<string, Readonly<Record<string, string | number | null>>>>;
    readonly tokensUsed?: readonly string[];
    readonly tokensUnused?: readonly string[];
  };
}

interface Given {
  readonly locked?: readonly string[];
  readonly inactiveEntities?: readonly number[];
  readonly authenticationTokens?: readonly { token: string; account: string; expiresInMs?: number; revoked?: boolean }[];
  readonly authorizationTokens?: readonly { token: string; account?: string; partnerUser?: string; used?: boolean }[];
  readonly creatingAccountTokens?: readonly { token: string; entityId: number; quotaMb: number; ultraSafe?: boolean; expiresInMs?: number; used?: boolean }[];
  readonly licenseKeys?: readonly { key: string; entityId: number }[];
  readonly usage?: readonly { account: string; system: string; device: string; kb: number }[];
  readonly payments?: readonly { account: string; date: string; amount: string; currency: string; description: string }[];
  /**
   * The partner of the request has just used up its rate: the app allows 1 call per minute
   * with a burst of 1, and one read-only call with the request's own AuthHeader goes first.
   */
  readonly rateLimited?: boolean;
}

const RATE_LIMITED_ENV = { AMS_PARTNER_REQUESTS_PER_MINUTE: '1', AMS_PARTNER_BURST: '1' };

/** One GetAccountInfo call with the AuthHeader of `request`, spending the partner's only token. */
async function spendRate(t: TestApp, request: string): Promise<void> {
  const user = /<UserName>([^<]*)<\/UserName>/.exec(request)?.[1] ?? '';
  const password = /<Password>([^<]*)<\/Password>/.exec(request)?.[1] ?? '';
  const body =
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>' +
    `<AuthHeader xmlns="sosonlinebackup.com"><UserName>${user}</UserName><Password>${password}</Password></AuthHeader></soap:Header>` +
    '<soap:Body><GetAccountInfo xmlns="sosonlinebackup.com"><userName>nobody-at-all</userName></GetAccountInfo></soap:Body></soap:Envelope>';
  const first = await t.app.soap(
    { contentType: 'text/xml; charset=utf-8', soapAction: '"sosonlinebackup.com/GetAccountInfo"', body: Buffer.from(body, 'utf8') },
    { requestId: 'wire-spend', sourceAddress: '192.0.2.10', isLocal: false },
  );
  assert.equal(first.status, 200, first.body);
  assert.match(first.body, /<Code>AccountNotFound<\/Code>/, 'the first call is within the rate');
}

const WIRE_DIR = path.dirname(fileURLToPath(import.meta.url));
const UPDATE = process.env.UPDATE_FIXTURES === '1';
const VERSIONS = ['soap11', 'soap12'] as const;

export function wireCases(): { name: string; operation: string; dir: string; spec: WireCase }[] {
  return fs
    .readdirSync(WIRE_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = path.join(WIRE_DIR, d.name);
      const spec = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as WireCase;
      return { name: d.name, operation: d.name.split('__')[0] ?? '', dir, spec };
    });
}

function headersFor(operation: string, version: (typeof VERSIONS)[number], spec: WireCase) {
  const defaults =
    version === 'soap11'
      ? { contentType: 'text/xml; charset=utf-8', soapAction: `"sosonlinebackup.com/${operation}"` as string | null }
      : { contentType: `application/soap+xml; charset=utf-8; action="sosonlinebackup.com/${operation}"`, soapAction: null };
  const o = spec.headers?.[version] ?? {};
  const soapAction = o.soapAction === undefined ? defaults.soapAction : o.soapAction;
  return { contentType: o.contentType ?? defaults.contentType, soapAction: soapAction ?? undefined };
}

async function arrange(t: TestApp, given: Given): Promise<void> {
  const db = t.app.store.db;
  const now = FIXED_NOW.getTime();
  const accountId = async (username: string) =>
    (await db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  for (const user of given.locked ?? []) {
    await db
      .updateTable('accounts')
      .set({ failed_sign_ins: 10, failed_window_started_at: now - 60_000, locked_until: now + 900_000 })
      .where('username', '=', user)
      .execute();
  }
  for (const id of given.inactiveEntities ?? []) await db.updateTable('entities').set({ active: 0 }).where('id', '=', id).execute();
  for (const g of given.authenticationTokens ?? []) {
    await db
      .insertInto('account_tokens')
      .values({
        token_hash: digestToken(g.token),
        account_id: await accountId(g.account),
        kind: 'authentication',
        expires_at: now + (g.expiresInMs ?? 900_000),
        revoked_at: g.revoked ? now - 1000 : null,
        created_at: now - 1000,
      })
      .execute();
  }
  for (const g of given.authorizationTokens ?? []) {
    const account = g.account ? await db.selectFrom('accounts').select(['id', 'entity_id']).where('username', '=', g.account).executeTakeFirstOrThrow() : undefined;
    const user = g.partnerUser
      ? await db.selectFrom('partner_users').select(['id', 'entity_id']).where('username', '=', g.partnerUser).executeTakeFirstOrThrow()
      : undefined;
    await db
      .insertInto('authorization_tokens')
      .values({
        token_hash: digestToken(g.token),
        account_id: account?.id ?? null,
        partner_user_id: user?.id ?? null,
        entity_id: account?.entity_id ?? user?.entity_id ?? 1,
        issued_by_user_id: 1,
        expires_at: now + 300_000,
        used_at: g.used ? now - 1000 : null,
        created_at: now - 1000,
      })
      .execute();
  }
  for (const g of given.creatingAccountTokens ?? []) {
    await db
      .insertInto('creating_account_tokens')
      .values({
        token_hash: digestToken(g.token),
        entity_id: g.entityId,
        quota_mb: g.quotaMb,
        is_ultrasafe: g.ultraSafe ? 1 : 0,
        issued_by_user_id: 1,
        expires_at: now + (g.expiresInMs ?? 3_600_000),
        used_at: g.used ? now - 1000 : null,
        created_at: now - 1000,
      })
      .execute();
  }
  for (const g of given.licenseKeys ?? []) {
    await db.insertInto('partner_license_keys').values({ key_hash: digestToken(g.key), entity_id: g.entityId, created_at: now }).execute();
  }
  for (const g of given.usage ?? []) {
    const id = await accountId(g.account);
    await db.insertInto('account_usage').values({ account_id: id, system_name: g.system, device_type: g.device, used_kb: g.kb, updated_at: now }).execute();
    const total = await db.selectFrom('account_usage').select((eb) => eb.fn.sum<number>('used_kb').as('kb')).where('account_id', '=', id).executeTakeFirstOrThrow();
    await db.updateTable('accounts').set({ used_space_kb: Number(total.kb) }).where('id', '=', id).execute();
  }
  for (const g of given.payments ?? []) {
    await db
      .insertInto('account_payments')
      .values({
        account_id: await accountId(g.account),
        paid_at: Date.parse(g.date),
        amount: g.amount,
        currency: g.currency,
        description: g.description,
        created_at: now,
      })
      .execute();
  }
}

/** Replaces the text of the named elements by a marker, so random values compare equal. */
function maskRandom(xml: string, names: readonly string[] = []): string {
  return names.reduce((out, name) => out.replace(new RegExp(`<${name}>[^<]+</${name}>`, 'g'), `<${name}>{{any}}</${name}>`), xml);
}

async function count(t: TestApp, table: 'outbox' | 'audit_log'): Promise<number> {
  const row = await t.app.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function checkThen(t: TestApp, then: NonNullable<WireCase['then']>): Promise<void> {
  const db = t.app.store.db;
  for (const [user, password] of Object.entries(then.passwords ?? {})) {
    const row = await db.selectFrom('accounts').select('password_hash').where('username', '=', user).executeTakeFirstOrThrow();
    assert.equal(await argon2Hasher.verify(row.password_hash, password), true, `password of ${user}`);
  }
  if (then.outbox !== undefined) assert.equal(await count(t, 'outbox'), then.outbox, 'outbox rows');
  if (then.audit !== undefined) assert.equal(await count(t, 'audit_log'), then.audit, 'audit rows');
  for (const user of then.accountExists ?? []) {
    assert.ok(await db.selectFrom('accounts').select('id').where('username', '=', user).executeTakeFirst(), `${user} exists`);
  }
  for (const [user, columns] of Object.entries(then.accountColumns ?? {})) {
    const row = (await db.selectFrom('accounts').selectAll().where('username', '=', user).executeTakeFirstOrThrow()) as unknown as Record<string, unknown>;
    for (const [column, value] of Object.entries(columns)) assert.equal(row[column], value, `${user}.${column}`);
  }
  const usedAt = async (token: string) => {
    const digest = digestToken(token);
    const a = await db.selectFrom('authorization_tokens').select('used_at').where('token_hash', '=', digest).executeTakeFirst();
    const c = await db.selectFrom('creating_account_tokens').select('used_at').where('token_hash', '=', digest).executeTakeFirst();
    const row = a ?? c;
    assert.ok(row, `token ${token} exists`);
    return row.used_at;
  };
  for (const token of then.tokensUsed ?? []) assert.notEqual(await usedAt(token), null, `${token} used`);
  for (const token of then.tokensUnused ?? []) assert.equal(await usedAt(token), null, `${token} unused`);
  for (const user of then.accountAbsent ?? []) {
    assert.equal(await db.selectFrom('accounts').select('id').where('username', '=', user).executeTakeFirst(), undefined, `${user} absent`);
  }
}

describe('wire fixtures', () => {
  for (const c of wireCases()) {
    for (const version of VERSIONS) {
      const requestFile = path.join(c.dir, `request.${version}.xml`);
      if (!fs.existsSync(requestFile)) continue;
      it(`${c.name} (${version}): ${c.spec.description}`, async () => {
        const t = await startTestApp({
          clock: fixedClock(),
          template: await seededTemplate(),
          ...(c.spec.given?.rateLimited ? { env: RATE_LIMITED_ENV } : {}),
        });
        try {
          if (c.spec.given) await arrange(t, c.spec.given);
          if (c.spec.given?.rateLimited) await spendRate(t, fs.readFileSync(requestFile, 'utf8'));
          const response = await t.app.soap(
            { ...headersFor(c.operation, version, c.spec), body: fs.readFileSync(requestFile) },
            { requestId: 'wire', sourceAddress: '192.0.2.10', isLocal: false },
          );
          assert.equal(response.status, c.spec.status, response.body);
          const defaultType = version === 'soap11' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8';
          assert.equal(response.contentType, c.spec.contentType?.[version] ?? defaultType, 'Content-Type');
          const responseFile = path.join(c.dir, `response.${version}.xml`);
          if (UPDATE) {
            if (response.body) fs.writeFileSync(responseFile, `${maskRandom(response.body, c.spec.anyText)}\n`);
          } else if (fs.existsSync(responseFile)) {
            const actual = maskRandom(response.body, c.spec.anyText);
            assert.equal(canonicalXml(actual), canonicalXml(fs.readFileSync(responseFile, 'utf8')));
          } else {
            assert.equal(response.body, '', 'no response file: the body must be empty');
          }
          if (c.spec.then) await checkThen(t, c.spec.then);
        } finally {
          await t.close();
        }
      });
    }
  }
});
