/**
 * Issue 21: the partner's sandbox use cases — read the mail its calls caused, start its tree
 * over, fill it with sample accounts. The JSON routes (/api/v1/sandbox/*) and the CLI call these;
 * each one first checks that the database itself is a sandbox's, so no edge that forgets to
 * check the setting can reset or seed a production database.
 */
import type { Caller, Clock, PasswordHasher } from '../ports.js';
import type { CapturedMail, CapturedMailSummary, ResetCounts, SampleAccount, SandboxStore } from './ports.js';

export type SandboxDone<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: 'not-sandbox' | 'no-such-entity' | 'bad-count'; readonly message: string };

/** The most sample accounts one seed call creates. */
export const MAX_SEED_ACCOUNTS = 1000;
/** The most captured messages one list shows (newest first). */
export const MAIL_LIST_LIMIT = 500;

const MAIL_ID = /^[0-9a-f]{32}$/;

async function inSandbox<T>(store: SandboxStore, work: () => Promise<SandboxDone<T>>): Promise<SandboxDone<T>> {
  if ((await store.recordedMode()) !== 'sandbox') {
    return { ok: false, reason: 'not-sandbox', message: 'this database is not a sandbox database: reset and seed exist only in sandbox mode' };
  }
  return work();
}

/** The captured mail of the accounts in the caller's tree, newest first. */
export function listCapturedMail(store: SandboxStore, caller: Caller): Promise<SandboxDone<CapturedMailSummary[]>> {
  return inSandbox(store, async () => ({ ok: true, value: await store.listMail(caller.entityId, MAIL_LIST_LIMIT) }));
}

/** One message of the caller's tree; undefined for a malformed id, an unknown one, or another tree's. */
export async function readCapturedMail(store: SandboxStore, caller: Caller, id: string): Promise<CapturedMail | undefined> {
  if (!MAIL_ID.test(id) || (await store.recordedMode()) !== 'sandbox') return undefined;
  return store.readMail(caller.entityId, id);
}

/** Deletes the accounts of `entityId`'s tree with their tokens, usage, payments, audit rows and mail. */
export function resetSandboxTree(store: SandboxStore, entityId: number): Promise<SandboxDone<ResetCounts>> {
  return inSandbox(store, async () => {
    if (!(await store.entityExists(entityId))) return { ok: false, reason: 'no-such-entity', message: `no entity ${entityId}` };
    return { ok: true, value: await store.resetTree(entityId) };
  });
}

export interface SeedDeps {
  readonly store: SandboxStore;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  /** A fresh random tag (hex), distinguishing one seed call's user names from another's. */
  readonly newTag: () => string;
  /** A random secret for the samples' shared password hash: no one is meant to sign in with it. */
  readonly newSecret: () => string;
}

export interface SeedReport {
  readonly entityId: number;
  readonly created: number;
  readonly usernames: readonly string[];
}

const SYSTEMS = [
  { systemName: 'OFFICE-PC', deviceType: 'Windows' },
  { systemName: 'MacBook', deviceType: 'Mac' },
  { systemName: 'fileserver', deviceType: 'Linux' },
  { systemName: 'Phone', deviceType: 'Android' },
] as const;

const DAY_MS = 86_400_000;

/** Sample `n` (1-based): one to four systems with used space, and one to six monthly payments. */
export function sampleAccount(entityId: number, tag: string, n: number, now: number): SampleAccount {
  const username = `sample-${entityId}-${tag}-${String(n).padStart(4, '0')}`;
  const systems = SYSTEMS.slice(0, 1 + (n % SYSTEMS.length));
  const months = 1 + (n % 6);
  return {
    username,
    fullName: `Sample Customer ${n}`,
    email: `${username}@example.invalid`,
    quotaMb: 10_240 * (1 + (n % 5)),
    usage: systems.map((s, i) => ({ ...s, usedKb: 1_048_576 * (1 + i) + n * 1_000 })),
    payments: Array.from({ length: months }, (_, m) => ({
      paidAt: now - (months - m) * 30 * DAY_MS,
      amount: (4.99 + (n % 3) * 5).toFixed(2),
      currency: 'USD',
      description: `Monthly backup plan, month ${m + 1}`,
    })),
  };
}

/** Creates `count` (1–1000) sample accounts in `entityId`, so every reporting operation has data. */
export function seedSandboxAccounts(deps: SeedDeps, entityId: number, count: number): Promise<SandboxDone<SeedReport>> {
  return inSandbox(deps.store, async () => {
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_SEED_ACCOUNTS) {
      return { ok: false, reason: 'bad-count', message: `accounts must be a whole number from 1 to ${MAX_SEED_ACCOUNTS}` };
    }
    if (!(await deps.store.entityExists(entityId))) return { ok: false, reason: 'no-such-entity', message: `no entity ${entityId}` };
    const now = deps.clock.now().getTime();
    const tag = deps.newTag();
    const samples = Array.from({ length: count }, (_, i) => sampleAccount(entityId, tag, i + 1, now));
    // One Argon2id hash for the batch: a thousand would take a minute and protect nothing more.
    const passwordHash = await deps.hasher.hash(deps.newSecret());
    const created = await deps.store.insertSamples(entityId, passwordHash, samples, now);
    return { ok: true, value: { entityId, created, usernames: samples.map((s) => s.username) } };
  });
}
