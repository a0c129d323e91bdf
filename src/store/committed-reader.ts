/**
 * SQLite only: a second, read-only connection for the lookups every SOAP call makes (the
 * partner user, the account in the caller's tree), run synchronously on better-sqlite3, with
 * a cache that is exact rather than time-based.
 *
 * Why a synchronous path: SQLite answers those lookups in a few microseconds, and Kysely's
 * asynchronous executor (connection mutex, promise chain per query) cost as much again.
 *
 * Why a *second* connection: Kysely's SQLite driver has one connection, and while a request's
 * transaction is open on it (between its awaits) a read on that same connection would see the
 * uncommitted writes, which may still roll back. A separate connection in WAL mode sees only
 * what was committed, always the latest commit, and never waits for the writer.
 *
 * Why the cache is exact: `PRAGMA data_version` on this connection changes whenever any other
 * connection — the service's own writer, the operator CLI, another process on the same file —
 * commits a change, and this connection never writes. While it is unchanged the database is
 * unchanged, so a remembered result is exactly what running the query again would return; the
 * first read after any commit finds a new version and starts from an empty cache. On a
 * read-mostly load (sign-ins, GetAccountInfo) the partner user's row and hot accounts are
 * served from memory; under writes the cache simply stays cold.
 *
 * Why the version is checked once per microtask drain, not once per read: reading it opens a
 * read transaction, three system calls (two fcntl locks and an fstat) that cost more on a
 * virtual machine than the rest of the lookup, and a SOAP call makes two lookups in one drain.
 * The check stays exact because of when it happens. No bytes are read from any socket while
 * callbacks and promise continuations drain, so every request handled in a drain arrived
 * before the drain began, and so before the check: whatever another process committed before
 * a client sent its request, the check sees. Commits by this process's own writer can happen
 * in the middle of a drain; the writer's connection reports each write statement and COMMIT
 * (`invalidate`, wired in create-db.ts), and the next read checks again.
 *
 * Only for reads outside a transaction: a transaction's own reads must go through its
 * connection to see its own writes (see unit-of-work.ts). Rows handed out may be shared
 * between calls: callers map them into new objects and never modify them.
 */
import BetterSqlite3 from 'better-sqlite3';

/**
 * Where the hot lookups outside a transaction run: on SQLite this file's second connection,
 * answering synchronously; on PostgreSQL one pipelined connection (pipelined-reader.ts).
 * Either way a lookup sees every change committed before it, and only committed changes.
 */
export interface CommittedReader {
  /** Runs one read-only statement (prepared once per SQL text) and returns its rows. */
  all<Row>(sql: string, parameters: readonly unknown[]): readonly Row[] | Promise<readonly Row[]>;
  /**
   * Another connection in this process is writing: the next read checks the data version
   * again. A function rather than a method: the writer's statement cache holds it unbound.
   */
  readonly invalidate: () => void;
  close(): void | Promise<void>;
}

/** The SQLite reader answers synchronously. */
export interface SqliteCommittedReader extends CommittedReader {
  all<Row>(sql: string, parameters: readonly unknown[]): readonly Row[];
  close(): void;
}

export interface CommittedReaderOptions {
  readonly busyTimeoutMs?: number;
  /** Results remembered per statement while the database is unchanged; the oldest goes first. 0 disables. */
  readonly maxCachedResults?: number;
}

interface PreparedRead {
  readonly statement: BetterSqlite3.Statement;
  /** Rows by parameter values, valid for `cachedVersion`. */
  readonly results: Map<string, readonly unknown[]>;
}

/** A cache key for parameter values, or undefined when one is not a plain string or number. */
function keyOf(parameters: readonly unknown[]): string | undefined {
  let key = '';
  for (const p of parameters) {
    // Typed: the string '1' and the number 1 are different queries.
    if (typeof p === 'string') key += `s${p.length}:${p}`;
    else if (typeof p === 'number') key += `n${p};`;
    else return undefined;
  }
  return key;
}

export function openCommittedReader(file: string, { busyTimeoutMs = 5000, maxCachedResults = 5000 }: CommittedReaderOptions = {}): SqliteCommittedReader {
  // readonly: this connection can never write, whatever SQL reaches it.
  const connection = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  connection.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  const dataVersion = connection.prepare('PRAGMA data_version').pluck();
  const reads = new Map<string, PreparedRead>();
  let cachedVersion: unknown;
  /** The version was read in the current microtask drain, and no write of ours came since. */
  let versionIsCurrent = false;
  const versionGoesStale = (): void => {
    versionIsCurrent = false;
  };

  function checkVersion(): void {
    if (versionIsCurrent) return;
    const version = dataVersion.get();
    if (version !== cachedVersion) {
      for (const read of reads.values()) read.results.clear();
      cachedVersion = version;
    }
    versionIsCurrent = true;
    // Runs before the loop reads any socket again: at the latest once the current drain of
    // ticks and promise continuations is over (sooner if queued from a tick, which only costs
    // an extra check).
    process.nextTick(versionGoesStale);
  }

  function prepared(sql: string): PreparedRead {
    let read = reads.get(sql);
    if (!read) {
      const statement = connection.prepare(sql);
      if (!statement.reader) throw new Error('the committed reader runs only statements that return rows');
      read = { statement, results: new Map() };
      reads.set(sql, read);
    }
    return read;
  }

  return {
    all<Row>(sql: string, parameters: readonly unknown[]): readonly Row[] {
      const { statement, results } = prepared(sql);
      const key = maxCachedResults > 0 ? keyOf(parameters) : undefined;
      if (key === undefined) return statement.all(...parameters) as Row[];
      checkVersion();
      const cached = results.get(key);
      if (cached) return cached as readonly Row[];
      const rows = statement.all(...parameters) as Row[];
      if (results.size >= maxCachedResults) results.delete(results.keys().next().value as string);
      results.set(key, rows);
      return rows;
    },
    invalidate: versionGoesStale,
    close: () => {
      connection.close();
    },
  };
}
