/**
 * What the issue-14 lock-out reservation costs one successful sign-in, in the store alone (the
 * Argon2 check, ~10 ms, is the same either way): `node --import tsx bench/reservation.ts [DB]`
 * with DB a SQLite file path (default: a temporary file) or a postgres:// URL (a throw-away
 * database `ams_bench_reservation_…` is created on that server and dropped).
 *
 *   before: the account look-up, then the old success write, which matched no row unless a
 *           failure was pending or the minute-resolution sign-in time was due (so: no commit).
 *   after:  the look-up, the reservation (UPDATE … RETURNING, a commit), the give-back (a commit),
 *           both committed without waiting for the disk (Store.unflushedWrites), as the app does;
 *           BENCH_FLUSH=1 commits them as every other write (the cost unflushed writes save).
 * Runs them interleaved in rounds of N sequential sign-ins, one account, and prints µs per sign-in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { migrate, openStore, parseDatabaseUrl, type Store } from '../src/store/create-db.js';
import { createUnitOfWork } from '../src/store/unit-of-work.js';

const N = Number(process.env.BENCH_SIGN_INS ?? '2000');
const ROUNDS = 3;
const POLICY = { maxFailures: 10, windowMs: 900_000, lockMs: 900_000, maxChecksPerHour: 100 };

async function main(): Promise<void> {
  const arg = process.argv[2];
  let url: string;
  let cleanup: () => Promise<void>;
  if (arg?.startsWith('postgres')) {
    const name = `ams_bench_reservation_${process.pid}`;
    const admin = new pg.Client({ connectionString: arg });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(arg);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = async () => {
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-bench-reservation-'));
    url = arg ?? path.join(dir, 'ams.sqlite');
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const store: Store = openStore(parseDatabaseUrl(url));
  try {
    const migrated = await migrate(store);
    if (migrated.error) throw migrated.error;
    const db = store.db;
    const entity = await db.insertInto('entities').values({ name: 'Root', parent_id: null, active: 1, customer_type_code: '', created_at: Date.now() }).returning('id').executeTakeFirstOrThrow();
    const uow = createUnitOfWork(db, { ...(process.env.BENCH_FLUSH === '1' ? {} : { unflushedWrites: store.unflushedWrites }), ...(store.committedReader ? { committedReader: store.committedReader } : {}) });
    const inserted = await uow.accounts.insert({
      username: 'bench', passwordHash: 'h', fullName: '', firstName: '', email: '', entityId: entity.id, quotaMb: 1, isUltraSafe: false,
      backupServer: 'b', licenseKey: '', localeCode: '', secretQuestion: '', secretAnswerHash: '', emailNotificationsDisabled: false, customerTypeCode: '', signupAt: new Date(),
    });
    if (inserted === 'duplicate') throw new Error('duplicate');
    const id = inserted.id;
    const at = new Date();
    await uow.accounts.recordSuccessfulSignIn(id, at); // the sign-in time is fresh: the old write matches no row

    const before = async () => {
      await uow.accounts.findInTree('bench', entity.id);
      // The success write as it was before issue 14 (a conditional UPDATE that matches no row here).
      await db
        .updateTable('accounts')
        .set({ last_sign_in_at: at.getTime(), failed_sign_ins: 0, failed_window_started_at: null })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('failed_sign_ins', '>', 0), eb('last_sign_in_at', 'is', null), eb('last_sign_in_at', '<', at.getTime() - 60_000)]))
        .execute();
    };
    const after = async () => {
      await uow.accounts.findInTree('bench', entity.id);
      const r = await uow.accounts.reserveSignInCheck(id, at, POLICY);
      if (!r.granted) throw new Error('refused');
      await uow.accounts.recordSuccessfulSignIn(id, at);
    };
    const time = async (f: () => Promise<void>) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < N; i++) await f();
      return Number(process.hrtime.bigint() - start) / 1000 / N;
    };
    const results: { before: number; after: number }[] = [];
    await time(before);
    await time(after);
    for (let round = 0; round < ROUNDS; round++) results.push({ before: await time(before), after: await time(after) });
    const engine = store.traits.engine;
    await sql`SELECT 1`.execute(db);
    console.log(JSON.stringify({ engine, flushed: process.env.BENCH_FLUSH === '1', signInsPerRound: N, rounds: results.map((r) => ({ beforeUs: Math.round(r.before), afterUs: Math.round(r.after) })) }));
  } finally {
    await store.close();
    await cleanup();
  }
}

await main();
