import { sql, type Kysely, type Selectable } from 'kysely';
import type { Account, AccountInTree, AccountListItem, AccountRepository, AccountUpdate, LockoutPolicy, NewAccount, SignInReservation } from '../../domain/ports.js';
import { isAccountStatus } from '../../domain/accounts/account.js';
import type { AccountsTable, Database } from '../schema.js';
import { compileOnce, runChange, runStatement, type SqlStatement } from '../prepared-query.js';
import type { CommittedReader } from '../committed-reader.js';
import { sqlBoolean } from '../dialect.js';
import type { UnflushedWrites } from '../unflushed-writes.js';
import { entityAncestorsCte, entityAndDescendants } from '../entity-tree.js';

const toDate = (ms: number | null): Date | null => (ms === null ? null : new Date(Number(ms)));

type ReservationRow = Pick<Selectable<AccountsTable>, 'password_hash' | 'credential_generation'>;

interface ListRow {
  username_key: string;
  username: string;
  full_name: string;
  email: string;
  entity_id: number;
  customer_type_code: string;
  payment_plan_id: number;
  signup_at: number;
}

/**
 * The tree's accounts by user name key; with `after` and `limit`, one keyset batch of them.
 * `byKey` walks the user-name index (the `+` keeps the planner off the entity index): each
 * batch then reads only from the cursor to its last row, the right plan when the tree holds a
 * good share of all accounts; otherwise the entity index finds the tree's rows, which are
 * sorted, the right plan for a small tree (see `prefersKeyOrder`).
 */
function listQuery(entityId: number, customerTypeCode: string | null, after: string | null, limit: number | null, byKey = false) {
  return sql<ListRow>`
    SELECT a.username_key, a.username, a.full_name, a.email, a.entity_id, a.customer_type_code, a.payment_plan_id, a.signup_at
    FROM accounts a
    WHERE ${byKey ? sql`+a.entity_id` : sql`a.entity_id`} IN (${entityAndDescendants(entityId)})
      ${customerTypeCode === null ? sql`` : sql`AND a.customer_type_code = ${customerTypeCode}`}
      ${after === null ? sql`` : sql`AND a.username_key > ${after}`}
    ORDER BY a.username_key
    ${limit === null ? sql`` : sql`LIMIT ${limit}`}`;
}

/**
 * Which plan reads a keyset batch of the tree's n accounts cheaper, out of about N in all
 * (N: the highest id, one index probe). By the entity index every batch sorts the tree's rows
 * after the cursor, n²/2B rows over the list; by the user-name index a batch reads about B·N/n
 * rows, N over the list. Measured on SQLite with 200,000 accounts in one tree: 50 s for the
 * list the first way, 7 s the second; for a tree of 100 the other way round (1 ms against 1 s).
 *
 * n > √(2BN) decides, so the tree is counted only up to that bound: the answer needs at most
 * √(2BN) rows (10,000 of 200,000 at B = 250), never the whole tree. Counting all of it cost
 * each list's first byte ~100 ms on PostgreSQL, more with four lists starting at once.
 */
async function prefersKeyOrder(db: Kysely<Database>, entityId: number, customerTypeCode: string | null, batchSize: number): Promise<boolean> {
  const all = await sql<{ top: number | string | null }>`SELECT max(id) AS top FROM accounts`.execute(db);
  const top = Number(all.rows[0]?.top ?? 0);
  // For whole n: n > √x exactly when n ≥ ⌊√x⌋ + 1.
  const enough = Math.floor(Math.sqrt(2 * batchSize * top)) + 1;
  const tree = await sql<{ n: number | string }>`
    SELECT count(*) AS n FROM (
      SELECT 1 FROM accounts a
      WHERE a.entity_id IN (${entityAndDescendants(entityId)})
        ${customerTypeCode === null ? sql`` : sql`AND a.customer_type_code = ${customerTypeCode}`}
      LIMIT ${enough}) AS bounded`.execute(db);
  return Number(tree.rows[0]?.n ?? 0) >= enough;
}

function listItemFromRow(r: ListRow): AccountListItem {
  return {
    username: r.username,
    fullName: r.full_name,
    email: r.email,
    entityId: r.entity_id,
    customerTypeCode: r.customer_type_code,
    paymentPlanId: r.payment_plan_id,
    signupAt: new Date(Number(r.signup_at)),
  };
}

/**
 * The columns an `Account` is made of. Lookups select these, not `*`: turning a column into a
 * JS value is most of the cost of an indexed SQLite read (27 columns ≈ 9 µs, these ≈ 6 µs).
 */
export const ACCOUNT_COLUMNS = [
  'id',
  'username',
  'password_hash',
  'full_name',
  'email',
  'entity_id',
  'quota_mb',
  'used_space_kb',
  'is_ultrasafe',
  'status',
  'backup_server',
  'license_key',
  'locale_code',
  'email_notifications_disabled',
  'signup_at',
  'cancelled_at',
  'last_sign_in_at',
  'locked_until',
  'credential_generation',
] as const satisfies readonly (keyof AccountsTable)[];

export type AccountRow = Pick<Selectable<AccountsTable>, (typeof ACCOUNT_COLUMNS)[number]>;

export function accountFromRow(row: AccountRow): Account {
  if (!isAccountStatus(row.status)) throw new Error(`account ${row.id} has an unknown status`);
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    fullName: row.full_name,
    email: row.email,
    entityId: row.entity_id,
    quotaMb: Number(row.quota_mb),
    usedSpaceKb: Number(row.used_space_kb),
    isUltraSafe: row.is_ultrasafe === 1,
    status: row.status,
    backupServer: row.backup_server,
    licenseKey: row.license_key,
    localeCode: row.locale_code,
    emailNotificationsDisabled: row.email_notifications_disabled === 1,
    signupAt: new Date(Number(row.signup_at)),
    cancelledAt: toDate(row.cancelled_at),
    lastSignInAt: toDate(row.last_sign_in_at),
    lockedUntil: toDate(row.locked_until),
    credentialGeneration: Number(row.credential_generation),
  };
}

/** LastSignInUtc is recorded to this resolution. */
const SIGN_IN_TIME_RESOLUTION_MS = 60_000;

const HOUR_MS = 3_600_000;

export const usernameKey = (username: string): string => username.toLowerCase();

/**
 * The account-in-tree look-up, written once for the two statements that make it: the account
 * by user-name key (`target`), and `up`, its entity's ancestors climbing no further than
 * `stopAt` (the caller's entity); the depth bound stops a cycle an operator might create by
 * hand. Select `target.*` with `accountInTreeFacts(ancestor)` and read the row with
 * `accountInTreeFromRow`.
 */
export function accountInTreeCtes(key: unknown, stopAt: unknown) {
  return sql`target AS (SELECT ${sql.join(ACCOUNT_COLUMNS.map((c) => sql.ref(c)))} FROM accounts WHERE username_key = ${key}),
      ${entityAncestorsCte(sql`SELECT e.id, e.parent_id, 0 FROM entities e JOIN target t ON e.id = t.entity_id`, stopAt)}`;
}

/** Whether the target's entity is active, and whether `ancestor` is on its way up (the caller's tree). */
export const accountInTreeFacts = (ancestor: unknown) =>
  sql`(SELECT active FROM entities WHERE id = target.entity_id) AS entity_active,
        EXISTS (SELECT 1 FROM up WHERE id = ${ancestor}) AS in_tree`;

export type AccountInTreeRow = AccountRow & { entity_active: number | null; in_tree: number | boolean };

export const accountInTreeFromRow = (row: AccountInTreeRow): AccountInTree => ({
  account: accountFromRow(row),
  inTree: sqlBoolean(row.in_tree),
  entityActive: Number(row.entity_active) === 1,
});

/** The new hash, and everything a reset clears; the caller adds which row. */
function setPasswordOf(db: Kysely<Database>, passwordHash: string, at: string) {
  return db.updateTable('accounts').set({
    password_hash: passwordHash,
    // In the same statement as the hash: a token bought with the old password is worthless from the commit on.
    credential_generation: sql<number>`credential_generation + 1`,
    failed_sign_ins: 0,
    failed_window_started_at: null,
    locked_until: null,
    // Checks counted against the old password say nothing about the new one.
    hour_checks: 0,
    hour_started_at: null,
    // A Locked status (set by an operator or an older system) is lifted by a reset too.
    status: sql<string>`CASE WHEN status = 'Locked' THEN 'Active' ELSE status END`,
    updated_at: sql<number>`${at}`,
  });
}

/**
 * The account statements a call of their kind makes every time, compiled once per store
 * (statements.ts) and run on whichever connection asks: the store's, or a transaction's.
 */
export function accountStatements(db: Kysely<Database>) {
  return {
    // Every call on an account starts here (unless the partner check read it already, see
    // partners.ts), and every change looks again inside its transaction.
    accountInTree: compileOnce<AccountInTreeRow, [string, number], Database>(
      db,
      2,
      (key, ancestor) => sql`
      WITH RECURSIVE ${accountInTreeCtes(key, ancestor)}
      SELECT target.*, ${accountInTreeFacts(ancestor)}
      FROM target`,
    ),
    // One conditional UPDATE … RETURNING: the row lock (PostgreSQL) or the single writer
    // (SQLite) orders racing reservations, on one instance or many, so no more than maxFailures
    // checks per window and maxChecksPerHour per hour are ever granted. A lock that has run out
    // opens a new window (and is cleared, so it does so once).
    reserveCheck: compileOnce<ReservationRow, [number, number, number, number, number, number], Database>(
      db,
      6,
      (accountId, now, windowStartedBefore, hourStartedBefore, maxFailures, maxChecksPerHour) => {
        const windowOver = sql<boolean>`(failed_window_started_at IS NULL OR failed_window_started_at <= ${windowStartedBefore} OR locked_until IS NOT NULL)`;
        const hourOver = sql<boolean>`(hour_started_at IS NULL OR hour_started_at <= ${hourStartedBefore})`;
        return db
          .updateTable('accounts')
          .set({
            failed_sign_ins: sql<number>`CASE WHEN ${windowOver} THEN 1 ELSE failed_sign_ins + 1 END`,
            failed_window_started_at: sql<number>`CASE WHEN ${windowOver} THEN ${now} ELSE failed_window_started_at END`,
            locked_until: null,
            hour_checks: sql<number>`CASE WHEN ${hourOver} THEN 1 ELSE hour_checks + 1 END`,
            hour_started_at: sql<number>`CASE WHEN ${hourOver} THEN ${now} ELSE hour_started_at END`,
          })
          .where(sql<boolean>`id = ${accountId}`)
          .where(sql<boolean>`(locked_until IS NULL OR locked_until <= ${now})`)
          .where(sql<boolean>`(${windowOver} OR failed_sign_ins < ${maxFailures})`)
          .where(sql<boolean>`(${hourOver} OR hour_checks < ${maxChecksPerHour})`)
          .returning(['password_hash', 'credential_generation']);
      },
    ),
    // A password change (ChangeBackupAccountPassword, the owner's own change); the second only
    // while the credential generation the caller read is still current (a compare-and-set).
    setPassword: compileOnce<never, [string, number, number], Database>(db, 3, (passwordHash, at, accountId) =>
      setPasswordOf(db, passwordHash, at).where(sql<boolean>`id = ${accountId}`),
    ),
    setPasswordAtGeneration: compileOnce<never, [string, number, number, number], Database>(db, 4, (passwordHash, at, accountId, generation) =>
      setPasswordOf(db, passwordHash, at)
        .where(sql<boolean>`id = ${accountId}`)
        .where(sql<boolean>`credential_generation = ${generation}`),
    ),
    // The right password clears the window's count (as one check after another would) and gives
    // the hour's reservation back. The sign-in time is kept to the minute.
    giveCheckBack: compileOnce<never, [number, number, number], Database>(db, 3, (accountId, now, signedInBefore) =>
      db
        .updateTable('accounts')
        .set({
          last_sign_in_at: sql<number>`CASE WHEN last_sign_in_at IS NULL OR last_sign_in_at < ${signedInBefore} THEN ${now} ELSE last_sign_in_at END`,
          failed_sign_ins: 0,
          failed_window_started_at: null,
          hour_checks: sql<number>`CASE WHEN hour_checks > 0 THEN hour_checks - 1 ELSE 0 END`,
        })
        .where(sql<boolean>`id = ${accountId}`),
    ),
  };
}

export type AccountStatements = ReturnType<typeof accountStatements>;

/**
 * `statements`: compiled once per store (statements.ts). `reader`: where the look-ups outside a
 * transaction run. `unflushedWrites`: how a sign-in's reservation and give-back are written
 * outside a transaction (else as every other write).
 */
export function accountRepository(db: Kysely<Database>, statements: AccountStatements, reader?: CommittedReader, unflushedWrites?: UnflushedWrites): AccountRepository {
  // Reservations and their give-back: counters whose loss in a crash only gives a check back.
  // Inside a transaction they are written with it.
  const unflushed = <Row>(statement: SqlStatement): Promise<readonly Row[]> =>
    unflushedWrites && !db.isTransaction ? unflushedWrites.statement<Row>(statement) : runStatement<Row>(db, statement);
  return {
    async findByUsername(username) {
      const row = await db.selectFrom('accounts').select(ACCOUNT_COLUMNS).where('username_key', '=', usernameKey(username)).executeTakeFirst();
      return row ? accountFromRow(row) : undefined;
    },

    async findInTree(username, ancestorEntityId) {
      const [row] = await runStatement<AccountInTreeRow>(db, statements.accountInTree(usernameKey(username), ancestorEntityId), reader);
      return row ? accountInTreeFromRow(row) : undefined;
    },

    async insert(a: NewAccount) {
      const at = a.signupAt.getTime();
      // ON CONFLICT DO NOTHING: under concurrent creation the database picks the one winner.
      const row = await db
        .insertInto('accounts')
        .values({
          username: a.username,
          username_key: usernameKey(a.username),
          password_hash: a.passwordHash,
          full_name: a.fullName,
          first_name: a.firstName,
          email: a.email,
          entity_id: a.entityId,
          quota_mb: a.quotaMb,
          used_space_kb: 0,
          is_ultrasafe: a.isUltraSafe ? 1 : 0,
          status: 'Active',
          backup_server: a.backupServer,
          license_key: a.licenseKey,
          locale_code: a.localeCode,
          secret_question: a.secretQuestion,
          secret_answer_hash: a.secretAnswerHash,
          email_notifications_disabled: a.emailNotificationsDisabled ? 1 : 0,
          customer_type_code: a.customerTypeCode,
          payment_plan_id: 0,
          signup_at: at,
          failed_sign_ins: 0,
          updated_at: at,
        })
        .onConflict((oc) => oc.column('username_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      return row ? { id: row.id } : 'duplicate';
    },

    async setPassword(accountId, passwordHash, at, expectedGeneration) {
      const change =
        expectedGeneration === undefined
          ? statements.setPassword(passwordHash, at.getTime(), accountId)
          : statements.setPasswordAtGeneration(passwordHash, at.getTime(), accountId, expectedGeneration);
      return (await runChange(db, change)) === 1;
    },

    async reserveSignInCheck(accountId, at, policy: LockoutPolicy): Promise<SignInReservation> {
      const now = at.getTime();
      const [row] = await unflushed<ReservationRow>(statements.reserveCheck(accountId, now, now - policy.windowMs, now - HOUR_MS, policy.maxFailures, policy.maxChecksPerHour));
      return row ? { granted: true, passwordHash: row.password_hash, credentialGeneration: Number(row.credential_generation) } : { granted: false };
    },

    async recordFailedSignIn(accountId, at, policy: LockoutPolicy) {
      const now = at.getTime();
      // The failure was counted when its check was reserved; reaching the limit locks the account.
      const row = await db
        .updateTable('accounts')
        .set({
          locked_until: sql<number | null>`CASE WHEN failed_sign_ins >= ${policy.maxFailures} THEN ${now + policy.lockMs} ELSE locked_until END`,
          updated_at: now,
        })
        .where('id', '=', accountId)
        .returning('locked_until')
        .executeTakeFirst();
      return { lockedUntil: toDate(row?.locked_until ?? null) };
    },

    async recordSuccessfulSignIn(accountId, at) {
      await unflushed(statements.giveCheckBack(accountId, at.getTime(), at.getTime() - SIGN_IN_TIME_RESOLUTION_MS));
    },

    async countByBackupServer(servers) {
      const counts = new Map<string, number>(servers.map((s) => [s, 0]));
      if (servers.length === 0) return counts;
      const rows = await db
        .selectFrom('accounts')
        .select(['backup_server', (eb) => eb.fn.countAll<number>().as('n')])
        .where('backup_server', 'in', [...servers])
        .groupBy('backup_server')
        .execute();
      for (const row of rows) counts.set(row.backup_server, Number(row.n));
      return counts;
    },

    async findById(id) {
      const row = await db.selectFrom('accounts').select(ACCOUNT_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row ? accountFromRow(row) : undefined;
    },

    async update(accountId, change: AccountUpdate, at) {
      await db
        .updateTable('accounts')
        .set({
          ...(change.email !== undefined ? { email: change.email } : {}),
          ...(change.licenseKey !== undefined ? { license_key: change.licenseKey } : {}),
          ...(change.quotaMb !== undefined ? { quota_mb: change.quotaMb } : {}),
          ...(change.status !== undefined ? { status: change.status } : {}),
          ...(change.cancelledAt !== undefined ? { cancelled_at: change.cancelledAt.getTime() } : {}),
          updated_at: at.getTime(),
        })
        .where('id', '=', accountId)
        .execute();
    },

    async listInTree(entityId, customerTypeCode) {
      const result = await listQuery(entityId, customerTypeCode, null, null).execute(db);
      return result.rows.map(listItemFromRow);
    },

    /**
     * Keyset batches by the unique `username_key`, the order of `listInTree`: each batch is one
     * short statement (`username_key > last LIMIT n`), so no transaction or cursor is held
     * while the client reads, on either engine, and a client that stops just stops the loop.
     *
     * Consistency: the legacy answer was one snapshot; this one is read batch by batch, each
     * batch the latest committed state. A list read while accounts change holds every account
     * that existed throughout, exactly once and in order; an account added or removed during
     * the read appears if its name sorts after the batch being read when the change commits,
     * else not; an account changed during the read shows its fields as of its batch. No account
     * is listed twice, since user names are unique and the cursor only moves forward.
     */
    async *listInTreeBatches(entityId, customerTypeCode, batchSize) {
      const byKey = await prefersKeyOrder(db, entityId, customerTypeCode, batchSize);
      let after: string | null = null;
      for (;;) {
        const { rows } = await listQuery(entityId, customerTypeCode, after, batchSize, byKey).execute(db);
        if (rows.length > 0) yield rows.map(listItemFromRow);
        if (rows.length < batchSize) return;
        after = rows[rows.length - 1]!.username_key;
      }
    },

    async usageBySystem(accountId) {
      const rows = await db.selectFrom('account_usage').selectAll().where('account_id', '=', accountId).orderBy('system_name').execute();
      return rows.map((r) => ({ systemName: r.system_name, deviceType: r.device_type, usedKb: Number(r.used_kb) }));
    },

    async payments(accountId) {
      const rows = await db.selectFrom('account_payments').selectAll().where('account_id', '=', accountId).orderBy('paid_at').orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, paidAt: new Date(Number(r.paid_at)), amount: r.amount, currency: r.currency, description: r.description }));
    },
  };
}
