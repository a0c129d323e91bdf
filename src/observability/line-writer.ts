/**
 * Where the JSON log lines go: an asynchronous writer of whole lines to a file descriptor
 * (stdout), in place of pino's destination (sonic-boom).
 *
 * Why by hand: every request writes one line, and sonic-boom's `write` measures the byte
 * length of the whole buffered string on each line (flattening it as it grows) and converts
 * each written batch to bytes twice; that was ~5.7 µs of the main thread per line, against
 * ~1.3–2.5 µs here (`node --import tsx bench/log-destination.ts`, bench/README.md). Here a
 * line is pushed onto an array; one `fs.write` on libuv's thread pool takes everything gathered
 * while the previous one ran, joined and converted once.
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
}

export interface LineWriter {
  /** Queues one complete line (ending in a newline). */
  write(line: string): boolean;
  /** Writes what is queued now, synchronously (at exit). */
  flushSync(): void;
  /** Resolves once everything queued so far is written (tests, a graceful stop). */
  drained(): Promise<void>;
}

const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;
const RETRY_MS = 10;
/** The largest write to a pipe that Linux never interleaves with another writer's. */
const PIPE_BUF = 4096;
/** How long flushSync keeps retrying a full non-blocking pipe before giving the lines up. */
const EXIT_RETRY_LIMIT_MS = 1000;

export function createLineWriter(fd: number, options: LineWriterOptions = {}): LineWriter {
  const maxWrite = options.maxWrite ?? Number.POSITIVE_INFINITY;
  const maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  let pending: string[] = [];
  // Characters, not bytes: a cheap upper bound's stand-in (log lines are almost all ASCII).
  let pendingLength = 0;
  let writing = false;
  let dropped = 0;
  let waiters: (() => void)[] = [];

  /** The queued lines as buffers of at most `limit` bytes each (a longer line alone). */
  const takeChunks = (limit = maxWrite): Buffer[] => {
    const lines = pending;
    pending = [];
    pendingLength = 0;
    if (dropped > 0) {
      lines.push(`{"level":"warn","time":"${new Date().toISOString()}","pid":${process.pid},"dropped":${dropped},"msg":"log lines dropped: the reader of stdout fell behind"}\n`);
      dropped = 0;
    }
    if (!Number.isFinite(limit)) return [Buffer.from(lines.join(''))];
    const chunks: Buffer[] = [];
    let group: string[] = [];
    let groupBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (group.length > 0 && groupBytes + bytes > limit) {
        chunks.push(Buffer.from(group.join('')));
        group = [];
        groupBytes = 0;
      }
      group.push(line);
      groupBytes += bytes;
    }
    if (group.length > 0) chunks.push(Buffer.from(group.join('')));
    return chunks;
  };

  const settle = (): void => {
    writing = false;
    if (pending.length > 0 || dropped > 0) return startWriting();
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

  return {
    write(line) {
      if (pendingLength + line.length > maxPendingBytes) {
        dropped++;
        return false;
      }
      pending.push(line);
      pendingLength += line.length;
      if (!writing) startWriting();
      return true;
    },
    flushSync() {
      if (pending.length === 0 && dropped === 0) return;
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
      if (!writing && pending.length === 0) return Promise.resolve();
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
