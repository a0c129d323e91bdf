/**
 * GET /readyz: may this instance take traffic? Yes when the database answers (`SELECT 1`
 * within a short deadline), every migration this build knows is applied, and the mail worker
 * runs. The outbox backlog (pending and dead only) is reported alongside for monitoring; dead
 * or waiting mail does not make an instance unready, since another instance would do no better,
 * and neither does an SMTP server that is down (reported as `mailTransport`), for the same reason.
 *
 * GET /healthz is the cheap liveness answer (the process runs and its event loop turns) and
 * touches no database.
 */
import type { OutboxBacklog } from '../domain/outbox.js';

export interface HealthReport {
  readonly ok: boolean;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface ReadinessSources {
  /** Resolves when the database answers a trivial query (store/repositories/health.ts). */
  readonly pingDatabase: () => Promise<void>;
  /** The names of the migrations the database has applied. */
  readonly appliedMigrations: () => Promise<readonly string[]>;
  /** The migration names this build ships. */
  readonly knownMigrations: readonly string[];
  readonly mailWorkerRunning: () => boolean;
  /** The mail server as the worker last found it: up, or down since when. */
  readonly mailTransport?: () => { readonly state: 'up' | 'down'; readonly since: number };
  readonly outboxBacklog: () => Promise<OutboxBacklog>;
  readonly now: () => number;
  /** The whole check's deadline; a database slower than that is as good as down to a balancer. */
  readonly timeoutMs: number;
}

class Timeout extends Error {}

function within<T>(work: Promise<T>, deadline: number): Promise<T> {
  const ms = deadline - Date.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), Math.max(0, ms));
  });
  // A query still running at the deadline finishes (or fails) later, unobserved.
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export function readinessCheck(sources: ReadinessSources): () => Promise<HealthReport> {
  // Once every known migration is applied it stays so (a newer build may add more: not ours).
  let migrationsCurrent = false;

  return async () => {
    const deadline = Date.now() + sources.timeoutMs;
    const mailWorker = sources.mailWorkerRunning() ? 'running' : 'stopped';
    let database: 'ok' | 'unavailable' | 'timeout' = 'ok';
    try {
      await within(sources.pingDatabase(), deadline);
    } catch (err) {
      database = err instanceof Timeout ? 'timeout' : 'unavailable';
    }
    if (database !== 'ok') return { ok: false, details: { database, migrations: 'unknown', mailWorker } };

    let migrations: 'current' | 'behind' | 'unknown' = 'current';
    let pendingMigrations: string[] | undefined;
    if (!migrationsCurrent) {
      try {
        const names = new Set(await within(sources.appliedMigrations(), deadline));
        pendingMigrations = sources.knownMigrations.filter((m) => !names.has(m));
        migrationsCurrent = pendingMigrations.length === 0;
        migrations = migrationsCurrent ? 'current' : 'behind';
      } catch {
        migrations = 'unknown';
      }
    }

    let outbox: Record<string, number | null> | undefined;
    try {
      const b = await within(sources.outboxBacklog(), deadline);
      outbox = {
        pending: b.pending,
        dead: b.dead,
        oldestPendingSeconds: b.oldestPendingSince === null ? null : Math.max(0, Math.round((sources.now() - b.oldestPendingSince) / 1000)),
      };
    } catch {
      outbox = undefined; // informational only
    }

    const ok = migrations === 'current' && mailWorker === 'running';
    const transport = sources.mailTransport?.();
    return {
      ok,
      details: {
        database,
        migrations,
        ...(pendingMigrations && pendingMigrations.length > 0 ? { pendingMigrations } : {}),
        mailWorker,
        ...(transport
          ? {
              mailTransport:
                transport.state === 'up'
                  ? { state: 'up' }
                  : { state: 'down', since: new Date(transport.since).toISOString(), downSeconds: Math.max(0, Math.round((sources.now() - transport.since) / 1000)) },
            }
          : {}),
        ...(outbox ? { outbox } : {}),
      },
    };
  };
}
