/**
 * Wire fixtures: for each folder `test/wire/<Operation>__<behaviour>/`, the request of each
 * SOAP version (`request.soap11.xml`, `request.soap12.xml`) is sent through the app's SOAP
 * pipeline on a fresh copy of the seeded database, and the response is compared as canonical
 * XML with `response.soap11.xml` / `response.soap12.xml`. `case.json` holds the expected
 * status, optional state to set up first ("given") and state to check afterwards ("then").
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

interface WireCase {
  readonly description: string;
  readonly status: number;
  /** HTTP headers per version; default: what a generated client sends for the folder's operation. */
  readonly headers?: Partial<Record<'soap11' | 'soap12', { contentType?: string; soapAction?: string | null }>>;
  readonly given?: { readonly locked?: readonly string[] };
  readonly then?: {
    readonly passwords?: Readonly<Record<string, string>>;
    readonly outbox?: number;
    readonly audit?: number;
    readonly accountExists?: readonly string[];
    readonly accountAbsent?: readonly string[];
  };
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
        const t = await startTestApp({ clock: fixedClock(), template: await seededTemplate() });
        try {
          for (const user of c.spec.given?.locked ?? []) {
            await t.app.store.db
              .updateTable('accounts')
              .set({ failed_sign_ins: 10, failed_window_started_at: FIXED_NOW.getTime() - 60_000, locked_until: FIXED_NOW.getTime() + 900_000 })
              .where('username', '=', user)
              .execute();
          }
          const response = await t.app.soap(
            { ...headersFor(c.operation, version, c.spec), body: fs.readFileSync(requestFile) },
            { requestId: 'wire', sourceAddress: '192.0.2.10', isLocal: false },
          );
          assert.equal(response.status, c.spec.status, response.body);
          const responseFile = path.join(c.dir, `response.${version}.xml`);
          if (UPDATE) {
            if (response.body) fs.writeFileSync(responseFile, `${response.body}\n`);
          } else if (fs.existsSync(responseFile)) {
            assert.equal(canonicalXml(response.body), canonicalXml(fs.readFileSync(responseFile, 'utf8')));
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
