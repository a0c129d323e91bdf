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
import { sql } from 'kysely';
import { openScratchStore } from './lib/scratch-store.js';
import { createUnitOfWork } from '../src/store/unit-of-work.js';

const N = Number(process.env.BENCH_SIGN_INS ?? '2000');
const ROUNDS = 3;
const POLICY = { maxFailures: 10, windowMs: 900_000, lockMs: 900_000, maxChecksPerHour: 100 };

async function main(): Promise<void> {
  const { store, entityId, account, close } = await openScratchStore(process.argv[2], 'reservation');
  try {
    const db = store.db;
    const uow = createUnitOfWork(db, { ...(process.env.BENCH_FLUSH === '1' ? {} : { unflushedWrites: store.unflushedWrites }), ...(store.committedReader ? { committedReader: store.committedReader } : {}) });
    const inserted = await uow.accounts.insert(account);
    if (inserted === 'duplicate') throw new Error('duplicate');
    const id = inserted.id;
    const at = new Date();
    await uow.accounts.recordSuccessfulSignIn(id, at); // the sign-in time is fresh: the old write matches no row

    const before = async () => {
      await uow.accounts.findInTree('bench', entityId);
      // The success write as it was before issue 14 (a conditional UPDATE that matches no row here).
      await db
        .updateTable('accounts')
        .set({ last_sign_in_at: at.getTime(), failed_sign_ins: 0, failed_window_started_at: null })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('failed_sign_ins', '>', 0), eb('last_sign_in_at', 'is', null), eb('last_sign_in_at', '<', at.getTime() - 60_000)]))
        .execute();
    };
    const after = async () => {
      await uow.accounts.findInTree('bench', entityId);
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
    await close();
  }
}

await main();
