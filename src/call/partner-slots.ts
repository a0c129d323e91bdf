/**
 * At most N calls of a kind at once per partner user (issue 20: GetAllAccounts, whose answer
 * streams for as long as the client reads it). Counted in this process only: a slot is held for
 * the seconds a list takes to write and must be given back when the client goes away, which a
 * shared row could not promise without leases and a clock; with several instances (or
 * AMS_WORKERS) a partner may run N per instance. Documented in docs/configuration.md.
 */
export class PartnerSlots {
  private readonly inUse = new Map<number, number>();

  constructor(readonly perPartner: number) {}

  /** A function that gives the slot back (once; later calls do nothing), or undefined when all are taken. */
  take(userId: number): (() => void) | undefined {
    const held = this.inUse.get(userId) ?? 0;
    if (held >= this.perPartner) return undefined;
    this.inUse.set(userId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.inUse.get(userId) ?? 1) - 1;
      if (now <= 0) this.inUse.delete(userId);
      else this.inUse.set(userId, now);
    };
  }

  /** Slots in use by a partner user (tests, metrics). */
  held(userId: number): number {
    return this.inUse.get(userId) ?? 0;
  }
}
