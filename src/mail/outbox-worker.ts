/**
 * Delivers queued notifications. Rendering happens here, from the stored template data, so a
 * retried message is the same message with the same Message-ID.
 *
 * Each round claims at most `concurrency` due messages under a lease and sends them in
 * parallel. A send has `sendTimeoutMs` (shorter than the lease) to finish, so a worker that is
 * alive never loses its lease mid-send; a worker that died does, and its messages are claimed
 * again once the lease runs out. Between rounds the worker sleeps until the next message falls
 * due or lease runs out, or `pollIntervalMs` at most (other processes, such as
 * `ams outbox retry`, may have queued something).
 *
 * Two kinds of failure (issue 17). One about a message (a recipient refused with 4xx, a send
 * that hung) spends one of its attempts and backs it off. One about the server (refused, timed
 * out, TLS, 421, our login) says nothing about the message: its claim is undone, attempts
 * untouched, and the transport is marked down. While down the worker claims nothing; every
 * `probeIntervalMs` it asks the transport whether the server answers (`verify()`: connect,
 * EHLO, QUIT), and on the first yes sends the whole backlog at once, so an outage costs the
 * queued mail no more than one probe interval after the server returns.
 */
import type { ClaimedMessage, OutboxQueue } from '../domain/outbox.js';
import { MailDeliveryError, type MailMessage, type MailTransport } from './message.js';
import { isNotificationEvent, parseTemplateData, renderNotification, type Branding } from './templates.js';

export interface RetryPolicy {
  /** Attempts before a message is dead-lettered. */
  readonly maxAttempts: number;
  /** The wait after the first failed attempt; it doubles after each further failure … */
  readonly baseDelayMs: number;
  /** … up to this. */
  readonly maxDelayMs: number;
}

/** Each wait is its nominal value times a random factor in [1 − JITTER, 1 + JITTER]. */
export const RETRY_JITTER = 0.2;

/** Nominal wait after the `attempt`-th failed attempt (1-based), before jitter. */
export function nominalRetryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * The wait after the `attempt`-th failure: exponential, capped, with ±20 % jitter so that the
 * messages queued during one outage do not all hit the recovering server in the same second.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.round(nominalRetryDelayMs(policy, attempt) * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random()));
}

/** When each attempt starts, relative to the first, if every attempt fails (nominal, no jitter). */
export function retrySchedule(policy: RetryPolicy): number[] {
  const at = [0];
  for (let attempt = 1; attempt < policy.maxAttempts; attempt++) at.push((at[attempt - 1] ?? 0) + nominalRetryDelayMs(policy, attempt));
  return at;
}

export interface OutboxWorkerOptions {
  readonly queue: OutboxQueue;
  readonly transport: MailTransport;
  readonly branding: Branding;
  readonly from: string;
  readonly now: () => number;
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
  /** Abandon (and retry later) a send that has not finished by then; below `leaseMs`. */
  readonly sendTimeoutMs: number;
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  readonly random?: () => number;
  readonly onError: (error: unknown, message?: ClaimedMessage) => void;
  readonly onDelivered?: (message: ClaimedMessage) => void;
  /** How often to probe a transport that is down (default 15 s). */
  readonly probeIntervalMs?: number;
  /** The transport went down or came back. */
  readonly onTransportChange?: (status: TransportStatus) => void;
}

export type DeliveryResult = 'sent' | 'retried' | 'dead' | 'held';

export interface DeliveryRun {
  readonly claimed: number;
  readonly sent: number;
  readonly retried: number;
  readonly dead: number;
  /** Given back unspent: the transport was down. */
  readonly held: number;
}

export interface TransportStatus {
  readonly state: 'up' | 'down';
  /** When it entered this state (epoch ms, the worker's clock). */
  readonly since: number;
  /** Why it is down; null when up. */
  readonly lastError: string | null;
  /** Probes made since it went down. */
  readonly probes: number;
}

export const DEFAULT_PROBE_INTERVAL_MS = 15_000;

/** The wait when something is due but could not be claimed (another worker got it first). */
const MIN_WAKE_MS = 20;

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private status: TransportStatus;
  private readonly probeIntervalMs: number;

  constructor(private readonly options: OutboxWorkerOptions) {
    if (options.sendTimeoutMs >= options.leaseMs) throw new Error('the send timeout must be shorter than the lease');
    this.probeIntervalMs = options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
    this.status = { state: 'up', since: options.now(), lastError: null, probes: 0 };
  }

  /** Up, or down since when and why (for readiness, metrics and logs). */
  get transportStatus(): TransportStatus {
    return this.status;
  }

  /** Started and not stopped (for the readiness check). */
  get isRunning(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Wake up now (a transaction just queued a message). While the transport is down the next probe decides. */
  nudge(): void {
    if (this.stopped || this.status.state === 'down') return;
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
      this.timer = undefined;
      let next = this.options.pollIntervalMs;
      this.running = this.loop()
        .then((wait) => {
          next = wait;
        })
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.again && this.status.state === 'up' ? 0 : next);
          this.again = false;
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Rounds until the queue has nothing due; returns how long to sleep. */
  private async loop(): Promise<number> {
    const o = this.options;
    try {
      if (this.status.state === 'down' && !(await this.probe())) return this.probeIntervalMs;
      for (;;) {
        const round = await this.deliverDue();
        if (this.stopped) return o.pollIntervalMs;
        if (this.status.state === 'down') return this.probeIntervalMs;
        if (round.claimed < o.concurrency) break;
      }
      const wake = await o.queue.nextWakeAt();
      if (wake === null) return o.pollIntervalMs;
      return Math.min(o.pollIntervalMs, Math.max(MIN_WAKE_MS, wake - o.now()));
    } catch (err) {
      o.onError(err);
      return o.pollIntervalMs;
    }
  }

  /** One round: claim, send in parallel (at most `concurrency`), record each result. */
  async deliverDue(): Promise<DeliveryRun> {
    const o = this.options;
    const claimed = await o.queue.claimDue(o.now(), o.leaseMs, o.concurrency);
    const results = await Promise.all(claimed.map((m) => this.deliver(m)));
    const count = (r: DeliveryResult): number => results.filter((x) => x === r).length;
    return { claimed: claimed.length, sent: count('sent'), retried: count('retried'), dead: count('dead'), held: count('held') };
  }

  /** Does the server answer again? Marks the transport up when it does. */
  async probe(): Promise<boolean> {
    const o = this.options;
    this.status = { ...this.status, probes: this.status.probes + 1 };
    try {
      if (o.transport.verify) await this.withDeadline(o.transport.verify(), Math.min(o.sendTimeoutMs, Math.max(this.probeIntervalMs, 5_000)));
    } catch (err) {
      this.status = { ...this.status, lastError: err instanceof Error ? err.message : String(err) };
      return false;
    }
    this.setStatus({ state: 'up', since: o.now(), lastError: null, probes: 0 });
    return true;
  }

  private markDown(reason: string): void {
    if (this.status.state === 'down') {
      this.status = { ...this.status, lastError: reason };
      return;
    }
    this.setStatus({ state: 'down', since: this.options.now(), lastError: reason, probes: 0 });
  }

  private setStatus(status: TransportStatus): void {
    this.status = status;
    this.options.onTransportChange?.(status);
  }

  private async deliver(m: ClaimedMessage): Promise<DeliveryResult> {
    const o = this.options;
    try {
      // More claims than attempts allowed: the last ones never reported back (the process died
      // mid-send each time). Stop here rather than crash-loop on this message forever.
      if (m.attempts > o.retry.maxAttempts) {
        throw new MailDeliveryError(`gave up after ${m.attempts - 1} attempts, the last of them interrupted`, true);
      }
      await this.withDeadline(o.transport.send(this.render(m)));
      await o.queue.markSent(m.id, o.now());
      o.onDelivered?.(m);
      return 'sent';
    } catch (err) {
      const permanent = err instanceof MailDeliveryError && err.permanent;
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof MailDeliveryError && err.transportDown) {
        // Not this message's fault: give the attempt back; the probe decides when to try again.
        await o.queue.release(m.id, reason);
        this.markDown(reason);
        return 'held';
      }
      o.onError(err, m);
      if (permanent || m.attempts >= o.retry.maxAttempts) {
        await o.queue.markFailed(m.id, reason, null);
        return 'dead';
      }
      await o.queue.markFailed(m.id, reason, o.now() + retryDelayMs(o.retry, m.attempts, o.random));
      return 'retried';
    }
  }

  private render(m: ClaimedMessage): MailMessage {
    if (!isNotificationEvent(m.event)) throw new MailDeliveryError(`unknown event ${m.event}`, true);
    let data;
    try {
      data = parseTemplateData(m.payload);
    } catch {
      throw new MailDeliveryError('the stored template data is not valid JSON', true);
    }
    const rendered = renderNotification(m.event, data, this.options.branding);
    return {
      messageId: m.messageId,
      from: this.options.from,
      to: m.recipient,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      language: rendered.language,
    };
  }

  private async withDeadline(send: Promise<void>, ms = this.options.sendTimeoutMs): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MailDeliveryError(`no answer within ${Math.round(ms / 1000)} s`, false)), ms);
    });
    try {
      await Promise.race([send, deadline]);
    } finally {
      clearTimeout(timer);
      // A send abandoned at the deadline may still fail later: nobody is listening then.
      send.catch(() => undefined);
    }
  }
}
