/**
 * PostgreSQL: the lookups every SOAP call makes outside a transaction (the partner user with
 * the account it names, the account in the caller's tree) share one pipelined connection
 * (node-postgres `pipeline: true`) instead of each checking a connection out of the pool.
 *
 * Why: on the pool every lookup is a round trip of its own on an idle connection. Its write
 * wakes a sleeping server backend and its answer wakes the event loop, and on loopback or a
 * virtual machine those wake-ups and system calls were most of the ~120 µs of AMS's CPU per
 * GetAccountInfo (12-05 profile: 33 µs in writev alone, against 6 on SQLite). Pipelined,
 * the lookups of every request in flight go out back to back on one connection, without
 * waiting for the answers before: the backend stays busy and reads them together, and their
 * answers arrive together. The writes of one event-loop turn are also sent in one system call
 * (`coalesceWrites`).
 *
 * Nothing is served stale: each lookup is its own statement in autocommit with its own Sync,
 * so it sees every change committed before it was sent, by any instance, exactly as on the
 * pool. Writes and transactions stay on the pool (unit-of-work.ts): a transaction's reads must
 * see its own writes. An error in one lookup (a statement timeout) fails that lookup alone.
 *
 * The connection is opened on first use and replaced on the next use after it fails; lookups
 * in flight when it fails get the error, as they would on a pooled connection. It is one more
 * connection per process on top of the pool's AMS_DATABASE_POOL_SIZE.
 */
import pg from 'pg';
import type { CommittedReader } from './committed-reader.js';
import { isPreparedStatementOutdated, statementName } from './named-statements.js';
import { describedOnceRunner } from './described-once-query.js';

export interface PipelinedReaderOptions {
  /**
   * A connection lost while open, or replaced because a migration outdated a statement prepared
   * on it (named-statements.ts): reported, and the next lookup opens a new one.
   */
  readonly onConnectionError?: (err: Error) => void;
}

/**
 * Holds back the writes of one event-loop turn and sends them together when the turn's I/O
 * callbacks are done (setImmediate runs right after them): a turn that handles 20 requests
 * sends their 20 lookups in one system call instead of 20. pg corks the stream around each
 * query's messages itself; corking is counted, so the stream flushes at our uncork.
 */
function coalesceWrites(stream: { cork(): void; uncork(): void }): () => void {
  let corked = false;
  const flush = (): void => {
    corked = false;
    stream.uncork();
  };
  return () => {
    if (corked) return;
    corked = true;
    stream.cork();
    setImmediate(flush);
  };
}

interface Connection {
  readonly client: pg.Client;
  readonly beforeQuery: () => void;
  /** Runs a query on this connection, its named statements described once (described-once-query.ts). */
  readonly run: ReturnType<typeof describedOnceRunner>;
}

export function openPipelinedReader(config: pg.ClientConfig, { onConnectionError }: PipelinedReaderOptions = {}): CommittedReader {
  let current: Promise<Connection> | undefined;
  let closed = false;

  const open = (): Promise<Connection> => {
    const client = new pg.Client({ ...config, pipeline: true });
    const attempt: Promise<Connection> = client.connect().then(
      () => {
        // `connection.stream` is the socket node-postgres writes its messages to.
        const stream = (client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream;
        return { client, beforeQuery: coalesceWrites(stream), run: describedOnceRunner((query) => client.query(query)) };
      },
      (err: unknown) => {
        forget();
        throw err;
      },
    );
    function forget(): void {
      if (current === attempt) current = undefined;
    }
    // Without a listener a connection the server closes would take the process down.
    client.on('error', (err) => {
      forget();
      onConnectionError?.(err);
    });
    client.on('end', forget);
    return attempt;
  };

  async function lookup<Row>(sql: string, parameters: readonly unknown[], firstTry: boolean): Promise<readonly Row[]> {
    if (closed) throw new Error('the pipelined reader is closed');
    const attempt = (current ??= open());
    const { client, beforeQuery, run } = await attempt;
    beforeQuery();
    const name = statementName(sql);
    try {
      const result = await run({ text: sql, values: parameters as unknown[], ...(name === undefined ? {} : { name }) });
      return result.rows as Row[];
    } catch (err) {
      // An error of the statement alone (a timeout, a constraint) leaves the connection as it
      // was. Anything else (the socket reset, the server ending the session) may arrive
      // before the connection's own 'error' or 'end': the next lookup must not be sent on it.
      // A statement outdated by a migration (named-statements.ts) fails on this connection
      // for good: replaced too, and the lookup asked again once, on the new connection.
      const outdated = isPreparedStatementOutdated(err);
      if (outdated) onConnectionError?.(err as Error);
      if (outdated || !(err instanceof pg.DatabaseError && err.severity === 'ERROR')) {
        if (current === attempt) current = undefined;
        client.end().catch(() => undefined);
      }
      if (outdated && firstTry) return lookup(sql, parameters, false);
      throw err;
    }
  }

  return {
    all: <Row>(sql: string, parameters: readonly unknown[]) => lookup<Row>(sql, parameters, true),
    // Nothing is remembered between lookups, so there is nothing to invalidate.
    invalidate: () => undefined,
    async close() {
      closed = true;
      const connection = await current?.catch(() => undefined);
      current = undefined;
      await connection?.client.end();
    },
  };
}
