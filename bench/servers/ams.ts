/**
 * AMS as benchmarked: the real composition root, from the compiled build that `ams serve` runs
 * (lib/compiled.ts), on a prepared database, started by the bench runner with `fork`. It reports its port and, when asked over IPC, the event-loop delay
 * histogram and memory, so the runner can record them next to the load generator's figures.
 *
 * argv: <database-dir-json>   env: BENCH_WORKERS (default 1) to run one process per core via node:cluster;
 * BENCH_LOG=config: the logger `ams serve` makes from AMS_LOG_LEVEL/AMS_LOG_FORMAT in <database-dir-json>
 * (JSON lines on stdout), instead of the default: error level only.
 */
import cluster from 'node:cluster';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type * as Config from '../../src/config/config.js';
import type * as Compose from '../../src/app/compose.js';
import type * as Logging from '../../src/observability/logger.js';
import type * as MemoryMail from '../../src/mail/memory-transport.js';
import { importCompiled } from '../lib/compiled.js';

const { loadConfig } = await importCompiled<typeof Config>('config/config.js');
const { createApp } = await importCompiled<typeof Compose>('app/compose.js');
const { createLogger } = await importCompiled<typeof Logging>('observability/logger.js');
const { MemoryTransport } = await importCompiled<typeof MemoryMail>('mail/memory-transport.js');

const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
const workers = Number(process.env.BENCH_WORKERS ?? '1');

async function serve(port: number): Promise<number> {
  const configuredLogging = process.env.BENCH_LOG === 'config';
  const app = await createApp(loadConfig(env), { ...(configuredLogging ? {} : { logger: createLogger('error') }), transport: new MemoryTransport() });
  const running = await app.listen(port);
  // A clean exit on SIGTERM, so that --cpu-prof writes its profile.
  process.once('SIGTERM', () => {
    void running.close().then(() => app.close()).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
  return running.port;
}

if (workers > 1 && cluster.isPrimary) {
  // The primary only distributes connections; each worker is a full AMS on the same database.
  const port = Number(env.AMS_PORT ?? '0');
  let ready = 0;
  for (let i = 0; i < workers; i++) {
    const worker = cluster.fork();
    worker.on('message', (m: { port?: number }) => {
      if (m.port !== undefined && ++ready === workers) process.send?.({ port: m.port, workers });
    });
  }
  process.on('message', (m: string) => {
    if (m === 'stats') process.send?.({ stats: { rssBytes: process.memoryUsage().rss, note: 'primary only' } });
  });
  void port;
} else {
  // The histogram records the time between its timer's ticks, the sampling interval included:
  // the lag reported below is what exceeded the interval.
  const SAMPLING_MS = 10;
  const histogram = monitorEventLoopDelay({ resolution: SAMPLING_MS });
  const lagMs = (ns: number): number => Math.max(0, ns / 1e6 - SAMPLING_MS);
  histogram.enable();
  const port = await serve(Number(env.AMS_PORT ?? '0'));
  process.send?.({ port });
  process.on('message', (m: string) => {
    if (m === 'reset') histogram.reset();
    if (m === 'stats') {
      process.send?.({
        stats: {
          eventLoopDelayP50Ms: lagMs(histogram.percentile(50)),
          eventLoopDelayP99Ms: lagMs(histogram.percentile(99)),
          eventLoopDelayMaxMs: lagMs(histogram.max),
          rssBytes: process.memoryUsage().rss,
          heapUsedBytes: process.memoryUsage().heapUsed,
        },
      });
    }
  });
}
