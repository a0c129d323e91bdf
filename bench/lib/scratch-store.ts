/**
 * A throw-away store for the store-only benches (reservation.ts, password-change.ts): `target` a
 * SQLite file path (default: a temporary file) or a postgres:// URL, on whose server a database
 * `ams_bench_<label>_<pid>` is created and, at `close`, dropped. Migrated, with one root entity.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate, openStore, parseDatabaseUrl, type Store } from '../../src/store/create-db.js';
import type { NewAccount } from '../../src/domain/ports.js';

export interface ScratchStore {
  readonly store: Store;
  readonly entityId: number;
  /** The one account a bench signs in to or changes: `bench`, under the root entity. */
  readonly account: NewAccount;
  close(): Promise<void>;
}

export async function openScratchStore(target: string | undefined, label: string): Promise<ScratchStore> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (target?.startsWith('postgres')) {
    const name = `ams_bench_${label}_${process.pid}`;
    const admin = new pg.Client({ connectionString: target });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(target);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = async () => {
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ams-bench-${label}-`));
    url = target ?? path.join(dir, 'ams.sqlite');
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const store = openStore(parseDatabaseUrl(url));
  const close = async () => {
    await store.close();
    await cleanup();
  };
  try {
    const migrated = await migrate(store);
    if (migrated.error) throw migrated.error;
    const entity = await store.db.insertInto('entities').values({ name: 'Root', parent_id: null, active: 1, customer_type_code: '', created_at: Date.now() }).returning('id').executeTakeFirstOrThrow();
    const account: NewAccount = {
      username: 'bench', passwordHash: 'h', fullName: '', firstName: '', email: '', entityId: entity.id, quotaMb: 1, isUltraSafe: false,
      backupServer: 'b', licenseKey: '', localeCode: '', secretQuestion: '', secretAnswerHash: '', emailNotificationsDisabled: false, customerTypeCode: '', signupAt: new Date(),
    };
    return { store, entityId: entity.id, account, close };
  } catch (err) {
    await close();
    throw err;
  }
}
