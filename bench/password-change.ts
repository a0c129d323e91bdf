/**
 * What a ChangeBackupAccountPassword costs in the store alone (the Argon2 hash, ~10 ms on its
 * own thread, is left out): `node --import tsx bench/password-change.ts [DB]` with DB a SQLite
 * file path (default: a temporary file) or a postgres:// URL (a throw-away database
 * `ams_bench_password_change_…` is created on that server and dropped).
 *
 * One call is what change-account.ts does for it: the account look-up outside the transaction,
 * then one transaction with the look-up again, the new hash, both token revocations and the
 * audit record, committed as every change is (on SQLite waiting for the disk). Rounds
 * (BENCH_ROUNDS, default 5) of BENCH_CHANGES (default 2000) sequential calls on one account;
 * prints each round's wall time and CPU per call, in µs. To compare two builds, run it in a
 * git worktree of the other commit too, with this file copied in.
 */
import { openScratchStore } from './lib/scratch-store.js';
import { createUnitOfWork } from '../src/store/unit-of-work.js';

const N = Number(process.env.BENCH_CHANGES ?? '2000');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '5');

async function main(): Promise<void> {
  const { store, entityId, account, close } = await openScratchStore(process.argv[2], 'password_change');
  try {
    const db = store.db;
    const uow = createUnitOfWork(db, { unflushedWrites: store.unflushedWrites, ...(store.committedReader ? { committedReader: store.committedReader } : {}) });
    const inserted = await uow.accounts.insert(account);
    if (inserted === 'duplicate') throw new Error('duplicate');
    const caller = { userId: 1, username: 'partner', entityId: entityId };
    let request = 0;

    const change = async () => {
      if (!(await uow.accounts.findInTree('bench', entityId))) throw new Error('not found');
      await uow.transaction(async (tx) => {
        const account = await tx.accounts.findInTree('bench', entityId);
        if (!account) throw new Error('not found');
        const now = new Date();
        if (!(await tx.accounts.setPassword(account.account.id, `$argon2id$v=19$m=19456,t=2,p=1$${request}`, now))) throw new Error('not changed');
        const revoked = (await tx.tokens.revokeForAccount(account.account.id, 'authentication', now)) + (await tx.tokens.revokeForAccount(account.account.id, 'authorization', now));
        await tx.audit.record({
          at: now,
          context: { requestId: `request-${request++}`, sourceAddress: '192.0.2.1', operation: 'ChangeBackupAccountPassword' },
          caller,
          accountId: account.account.id,
          accountUsername: account.account.username,
          outcome: 'Success',
          detail: { sendEmailToCustomer: false, notified: false, tokensRevoked: revoked },
        });
      });
    };
    // Wall time (with the commit's wait for the disk) and this process's CPU (user and system).
    const time = async () => {
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      for (let i = 0; i < N; i++) await change();
      const used = process.cpuUsage(cpu);
      return { wallUs: Math.round(Number(process.hrtime.bigint() - start) / 1000 / N), cpuUs: Math.round((used.user + used.system) / N) };
    };
    await time();
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await time());
    console.log(JSON.stringify({ engine: store.traits.engine, changesPerRound: N, perChange: rounds }));
  } finally {
    await close();
  }
}

await main();
