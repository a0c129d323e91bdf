/**
 * One instance claiming an Idempotency-Key, as a process of its own with its own connection(s):
 * `tsx idempotency-claimer.ts DATABASE_URL USER_ID KEY CLAIMS`. Prints `ready` once connected,
 * waits for a line on stdin, then makes CLAIMS concurrent claims and prints their kinds as JSON.
 */
import readline from 'node:readline';
import { openStore, parseDatabaseUrl } from '../../src/store/create-db.js';
import { idempotencyRepository } from '../../src/store/repositories/idempotency.js';

const [url, userId, key, claims] = process.argv.slice(2);
if (url === undefined || userId === undefined || key === undefined || claims === undefined) throw new Error('usage: idempotency-claimer URL USER_ID KEY CLAIMS');
const store = openStore(parseDatabaseUrl(url), { postgresPoolSize: 10 });
const repository = idempotencyRepository(store.db);
await store.db.selectFrom('idempotency_keys').select('key').limit(1).execute();
process.stdout.write('ready\n');
const lines = readline.createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();
const now = new Date();
const expires = new Date(now.getTime() + 86_400_000);
const kinds = await Promise.all(Array.from({ length: Number(claims) }, () => repository.claim(Number(userId), key, 'digest-1', now, expires).then((c) => c.kind)));
process.stdout.write(`${JSON.stringify(kinds)}\n`);
await store.close();
