/**
 * Delivers queued notifications. Rendering happens here, from the stored template data, so a
 * retried message is byte-for-byte the same message with the same Message-ID.
 */
import type { ClaimedMessage, OutboxQueue } from './queue.js';
import { MailDeliveryError, type MailTransport } from './message.js';
import { isNotificationEvent, renderNotification, type Branding, type TemplateData } from './templates.js';

export interface OutboxWorkerOptions {
  readonly queue: OutboxQueue;
  readonly transport: MailTransport;
  readonly branding: Branding;
  readonly from: string;
  readonly now: () => number;
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly baseRetryMs: number;
  readonly maxRetryMs: number;
  readonly onError: (error: unknown, message?: ClaimedMessage) => void;
}

export interface DeliveryRun {
  readonly sent: number;
  readonly retried: number;
  readonly dead: number;
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly options: OutboxWorkerOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Wake up now (a transaction just queued a message). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Finishes the delivery in progress, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.loop().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.again ? 0 : this.options.pollIntervalMs);
        this.again = false;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    try {
      // Keep going while full batches come back; a partial batch means the queue is drained.
      for (;;) {
        const batch = await this.deliverDue();
        if (this.stopped || batch.sent + batch.retried + batch.dead < this.options.concurrency) return;
      }
    } catch (err) {
      this.options.onError(err);
    }
  }

  /** One batch: claim, send in parallel (bounded by `concurrency`), record each result. */
  async deliverDue(): Promise<DeliveryRun> {
    const o = this.options;
    const claimed = await o.queue.claimDue(o.now(), o.leaseMs, o.concurrency);
    const results = await Promise.all(claimed.map((m) => this.deliver(m)));
    return {
      sent: results.filter((r) => r === 'sent').length,
      retried: results.filter((r) => r === 'retried').length,
      dead: results.filter((r) => r === 'dead').length,
    };
  }

  private async deliver(m: ClaimedMessage): Promise<'sent' | 'retried' | 'dead'> {
    const o = this.options;
    try {
      if (!isNotificationEvent(m.event)) throw new MailDeliveryError(`unknown event ${m.event}`, true);
      const data = JSON.parse(m.payload) as TemplateData;
      const rendered = renderNotification(m.event, data, o.branding);
      await o.transport.send({ messageId: m.messageId, from: o.from, to: m.recipient, ...rendered });
      await o.queue.markSent(m.id, o.now());
      return 'sent';
    } catch (err) {
      const permanent = err instanceof MailDeliveryError && err.permanent;
      const reason = err instanceof Error ? err.message : String(err);
      o.onError(err, m);
      if (permanent || m.attempts >= o.maxAttempts) {
        await o.queue.markFailed(m.id, reason, null);
        return 'dead';
      }
      // Exponential back-off with full jitter, so that a recovering server is not stampeded.
      const ceiling = Math.min(o.maxRetryMs, o.baseRetryMs * 2 ** (m.attempts - 1));
      await o.queue.markFailed(m.id, reason, o.now() + Math.round(ceiling / 2 + (Math.random() * ceiling) / 2));
      return 'retried';
    }
  }
}
