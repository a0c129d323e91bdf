/**
 * Where the JSON log lines go: an asynchronous writer of whole lines to a file descriptor
 * (stdout), in place of pino's destination (sonic-boom).
 *
 * Why by hand: every request writes one line, and sonic-boom's `write` measures the byte
 * length of the whole buffered string on each line (flattening it as it grows) and converts
 * each written batch to bytes twice; that was ~5.7 µs of the main thread per line, against
 * ~1.3–2.5 µs here (`node --import tsx bench/log-destination.ts`, bench/README.md). Here a
 * line is encoded into a 64 KiB buffer as it comes (the request line straight from its values,
 * `writeEncoded`, with no string in between); one `fs.write` on libuv's thread pool takes
 * everything gathered in the 5 ms after the first line since the previous write.
 *
 * What it keeps of sonic-boom's behaviour: lines in order, never torn; with `maxWrite` (several
 * processes on one stdout pipe) each write(2) holds whole lines and at most `maxWrite` bytes, so
 * it is atomic (a longer line goes alone); EAGAIN (a non-blocking pipe that is full) is retried;
 * what is still gathered at exit is written synchronously. What it adds: a bound on what waits
 * for a reader that stopped reading: past `maxPendingBytes` lines are dropped and counted, and
 * the count is written as a line of its own once writing resumes.
 */
import fs from 'node:fs';

export interface LineWriterOptions {
  /** Largest write(2), in bytes, made of whole lines (a longer line is written alone). */
  readonly maxWrite?: number;
  /** Bytes that may wait for the reader before new lines are dropped (counted, then reported). */
  readonly maxPendingBytes?: number;
  /** How long a write waits for more lines to go with it; 0 writes as soon as the last write is done. */
  readonly gatherMs?: number;
}

export interface LineWriter {
  /** Queues one complete line (ending in a newline). */
  write(line: string): boolean;
  /**
   * Queues one complete line encoded straight into the writer's buffer, with no string in
   * between: `encode(buffer, offset, argument)` writes the line (newline included, at most
   * `maxBytes` bytes) at `offset` and returns the offset after it. For the request line
   * (fixed-line.ts), where building a string and converting it was most of the line's cost.
   */
  writeEncoded<A>(maxBytes: number, encode: (buffer: Buffer, offset: number, argument: A) => number, argument: A): boolean;
  /** Writes what is queued now, synchronously (at exit). */
  flushSync(): void;
  /** Resolves once everything queued so far is written (tests, a graceful stop). */
  drained(): Promise<void>;
}

const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;
/**
 * Each write hands a buffer to libuv's thread pool and back, a cost per write rather than per
 * line. Started as soon as the previous one ended, a write took 11–17 request lines at 22,000
 * requests a second; gathering for 5 ms makes it 30 or more, ~1 µs less CPU per request
 * (bench/README.md), for lines that reach the reader up to 5 ms later.
 */
const DEFAULT_GATHER_MS = 5;
/** Lines are gathered in buffers of this size (a longer line gets one of its own). */
const BUFFER_BYTES = 64 * 1024;
const RETRY_MS = 10;
/** The largest write to a pipe that Linux never interleaves with another writer's. */
const PIPE_BUF = 4096;
/** How long flushSync keeps retrying a full non-blocking pipe before giving the lines up. */
const EXIT_RETRY_LIMIT_MS = 1000;
const NEWLINE = 0x0a;

const encodeString = (buffer: Buffer, offset: number, line: string): number => offset + buffer.write(line, offset);

/**
 * Cuts a run of whole lines into pieces of at most `limit` bytes, each of whole lines; a line
 * longer than `limit` is a piece of its own. Lines end in a newline byte, and a JSON line holds
 * none inside (JSON escapes it), so the newlines are the line boundaries.
 */
function cutAtLines(run: Buffer, limit: number, into: Buffer[]): void {
  let from = 0;
  while (run.length - from > limit) {
    let end = run.lastIndexOf(NEWLINE, from + limit - 1);
    if (end < from) end = run.indexOf(NEWLINE, from);
    into.push(run.subarray(from, end + 1));
    from = end + 1;
  }
  if (from < run.length) into.push(run.subarray(from));
}

export function createLineWriter(fd: number, options: LineWriterOptions = {}): LineWriter {
  const maxWrite = options.maxWrite ?? Number.POSITIVE_INFINITY;
  const maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  const gatherMs = options.gatherMs ?? DEFAULT_GATHER_MS;
  // Lines are encoded into `current` from `start` to `used`; full runs wait in `sealed`. A run
  // handed to fs.write is never written to again: new lines go after it or into a new buffer.
  let current = Buffer.allocUnsafe(BUFFER_BYTES);
  let start = 0;
  let used = 0;
  let sealed: Buffer[] = [];
  let pendingBytes = 0;
  let writing = false;
  let dropped = 0;
  let waiters: (() => void)[] = [];

  const seal = (): void => {
    if (used > start) sealed.push(current.subarray(start, used));
    start = used;
  };

  /** What is queued, as buffers of at most `limit` bytes of whole lines each (a longer line alone). */
  const takeChunks = (limit = maxWrite): Buffer[] => {
    seal();
    const runs = sealed;
    sealed = [];
    pendingBytes = 0;
    if (dropped > 0) {
      runs.push(Buffer.from(`{"level":"warn","time":"${new Date().toISOString()}","pid":${process.pid},"dropped":${dropped},"msg":"log lines dropped: the reader of stdout fell behind"}\n`));
      dropped = 0;
    }
    if (!Number.isFinite(limit)) return runs;
    const chunks: Buffer[] = [];
    for (const run of runs) cutAtLines(run, limit, chunks);
    return chunks;
  };

  const settle = (): void => {
    writing = false;
    if (pendingBytes > 0 || dropped > 0) return scheduleWrite();
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const writeChunks = (chunks: Buffer[], index: number, offset: number): void => {
    const chunk = chunks[index];
    if (chunk === undefined) return settle();
    fs.write(fd, chunk, offset, chunk.length - offset, null, (err, written) => {
      if (err) {
        if (err.code === 'EAGAIN') {
          setTimeout(() => writeChunks(chunks, index, offset), RETRY_MS);
          return;
        }
        // The reader is gone (EPIPE) or the descriptor is bad: these lines cannot be written.
        return writeChunks(chunks, index + 1, 0);
      }
      if (offset + written < chunk.length) return writeChunks(chunks, index, offset + written);
      writeChunks(chunks, index + 1, 0);
    });
  };

  const startWriting = (): void => {
    writing = true;
    writeChunks(takeChunks(), 0, 0);
  };

  /** The next write, after `gatherMs` of gathering more lines into it. */
  const scheduleWrite = (): void => {
    if (gatherMs <= 0) return startWriting();
    writing = true;
    setTimeout(startWriting, gatherMs);
  };

  const writeEncoded = <A>(maxBytes: number, encode: (buffer: Buffer, offset: number, argument: A) => number, argument: A): boolean => {
    if (current.length - used < maxBytes) {
      seal();
      current = Buffer.allocUnsafe(Math.max(BUFFER_BYTES, maxBytes));
      start = used = 0;
    }
    const before = used;
    const after = encode(current, before, argument);
    if (pendingBytes + (after - before) > maxPendingBytes) {
      dropped++;
      return false;
    }
    used = after;
    pendingBytes += after - before;
    if (!writing) scheduleWrite();
    return true;
  };

  return {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    write: (line) => writeEncoded(line.length * 3, encodeString, line),
    writeEncoded,
    flushSync() {
      if (pendingBytes === 0 && dropped === 0) return;
      const deadline = Date.now() + EXIT_RETRY_LIMIT_MS;
      // Writes of whole lines no longer than PIPE_BUF, each atomic: a write still on the thread
      // pool at exit can then land only between two of them, never inside a line.
      for (const chunk of takeChunks(Math.min(maxWrite, PIPE_BUF))) {
        let offset = 0;
        while (offset < chunk.length) {
          try {
            offset += fs.writeSync(fd, chunk, offset, chunk.length - offset);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() > deadline) return;
          }
        }
      }
    },
    drained() {
      if (!writing && pendingBytes === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}

const shared = new Map<string, LineWriter>();

/**
 * The process's one writer for `fd` (stdout): every logger of the process writes through it,
 * in one order, and it writes what is left when the process exits.
 */
export function processLineWriter(fd: number, options: LineWriterOptions = {}): LineWriter {
  const key = `${fd}:${options.maxWrite ?? ''}`;
  let writer = shared.get(key);
  if (writer === undefined) {
    const created = createLineWriter(fd, options);
    process.once('exit', () => created.flushSync());
    shared.set(key, created);
    writer = created;
  }
  return writer;
}
