/**
 * A list answer read in batches as it is written (GetAllAccounts, issue 20): a handler may put
 * one in place of an array in its output, and the encoder writes the items batch by batch
 * instead of building the whole answer in memory.
 *
 * Whoever holds a stream must end it: by reading it to the end, or by `close()` (a client that
 * went away, an error). Ending runs the `onEnd` hooks exactly once, whichever way it happens, so
 * what was taken for the stream (a database cursor, a partner's concurrency slot) is given back
 * even when nothing was ever read.
 */
export class ItemStream<T> implements AsyncIterable<readonly T[]> {
  private iterator: AsyncIterator<readonly unknown[]> | undefined;
  private readonly ahead: (readonly T[])[] = [];
  private readonly hooks: (() => void)[] = [];
  private ended = false;
  private iterated = false;

  private constructor(
    private readonly source: AsyncIterable<readonly unknown[]>,
    private readonly convert: (item: unknown) => T,
  ) {}

  /** The batches of `source`, each item converted by `convert` as its batch is read. */
  static of<S, T>(source: AsyncIterable<readonly S[]>, convert: (item: S) => T): ItemStream<T> {
    return new ItemStream<T>(source, convert as (item: unknown) => T);
  }

  /** Runs `hook` once when the stream ends (drained, failed or closed); at once if it already has. */
  onEnd(hook: () => void): void {
    if (this.ended) hook();
    else this.hooks.push(hook);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Reads the first batch, and asks for the next one. When the source has nothing more, the
   * whole list is returned and the stream is ended: a short list is answered as a plain array,
   * exactly as before streaming. Otherwise undefined, and the batches read wait to be iterated.
   * A read that fails here fails the call before anything is written (today's answer then).
   */
  async readAhead(): Promise<readonly T[] | undefined> {
    try {
      return await this.readTwo();
    } catch (err) {
      await this.close().catch(() => undefined);
      throw err;
    }
  }

  private async readTwo(): Promise<readonly T[] | undefined> {
    const first = await this.pull();
    if (first === undefined) {
      this.end();
      return [];
    }
    const second = await this.pull();
    if (second === undefined) {
      this.end();
      return first;
    }
    this.ahead.push(first, second);
    return undefined;
  }

  /** Ends the stream without reading the rest: the source is told to stop (its cursor released). */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ahead.length = 0;
    try {
      await this.iterator?.return?.();
    } finally {
      this.end();
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<readonly T[]> {
    if (this.iterated) throw new Error('an ItemStream is read once');
    this.iterated = true;
    return {
      next: async (): Promise<IteratorResult<readonly T[]>> => {
        const waiting = this.ahead.shift();
        if (waiting !== undefined) return { done: false, value: waiting };
        if (this.ended) return { done: true, value: undefined };
        let batch: readonly T[] | undefined;
        try {
          batch = await this.pull();
        } catch (err) {
          this.end();
          throw err;
        }
        if (batch === undefined) {
          this.end();
          return { done: true, value: undefined };
        }
        return { done: false, value: batch };
      },
      return: async (): Promise<IteratorResult<readonly T[]>> => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  private async pull(): Promise<readonly T[] | undefined> {
    this.iterator ??= this.source[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.iterator.next();
      if (next.done === true) return undefined;
      // An empty batch says nothing: read on.
      if (next.value.length > 0) return next.value.map(this.convert);
    }
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const hook of this.hooks.splice(0)) hook();
  }
}
