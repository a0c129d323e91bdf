/**
 * Chooses the backup server of a new account: the least-loaded of the configured pool.
 * Counting every account on every creation would cost a scan of the accounts per call (slow
 * with millions of accounts), so the counts are read at most once per `refreshMs` and kept
 * current in between by counting this process's own committed placements. Other instances' placements
 * show up at the next refresh: the balance is approximate, which is all it needs to be.
 */
export interface BackupServerPickerOptions {
  readonly servers: readonly string[];
  readonly count: (servers: readonly string[]) => Promise<ReadonlyMap<string, number>>;
  readonly now: () => number;
  readonly refreshMs: number;
}

export class BackupServerPicker {
  private counts: Map<string, number> | undefined;
  private readAt = -Infinity;
  private reading: Promise<void> | undefined;

  constructor(private readonly options: BackupServerPickerOptions) {
    if (options.servers.length === 0) throw new Error('no backup server configured');
  }

  /** The least-loaded server now; call `placed` once an account really went there. */
  async choose(): Promise<string> {
    if (!this.counts || this.options.now() - this.readAt >= this.options.refreshMs) {
      this.reading ??= this.options
        .count(this.options.servers)
        .then((fresh) => {
          this.counts = new Map(this.options.servers.map((s) => [s, fresh.get(s) ?? 0]));
          this.readAt = this.options.now();
        })
        .finally(() => {
          this.reading = undefined;
        });
      await this.reading;
    }
    const counts = this.counts!;
    // Ties go to the server listed first, so a fresh pool fills in configuration order.
    let best = this.options.servers[0]!;
    for (const server of this.options.servers) if ((counts.get(server) ?? 0) < (counts.get(best) ?? 0)) best = server;
    return best;
  }

  /** Counts a committed placement (a refused creation must not tilt the balance). */
  placed(server: string): void {
    this.counts?.set(server, (this.counts.get(server) ?? 0) + 1);
  }
}
