/** Child processes of a benchmark run: servers started with fork (IPC for port and stats), tools with spawn. */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinServer } from './cores.js';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Server {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Lines the server wrote to stdout so far (with `drainStdout`; else 0). */
  stdoutLines(): number;
  stats(): Promise<Record<string, number>>;
  reset(): void;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /**
   * The server's stdout goes to a pipe that this process reads and discards, counting lines, as
   * journald reads a service's log: for servers that log every request.
   */
  readonly drainStdout?: boolean;
}

export async function startServer(name: string, script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, options: ServerOptions = {}): Promise<Server> {
  const child = fork(path.join(BENCH_DIR, 'servers', script), args, {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_NODE_OPTIONS ? process.env.BENCH_NODE_OPTIONS.split(' ') : [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', options.drainStdout === true ? 'pipe' : 'inherit', 'inherit', 'ipc'],
  });
  // On the server core from its first instructions, and again once it listens: taskset sets the
  // threads that exist when it runs, and one started in between would keep the runner's cores.
  pinServer(child.pid!);
  let stdoutLines = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) stdoutLines++;
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    const onMessage = (m: { port?: number }) => {
      if (m.port !== undefined) {
        child.off('message', onMessage);
        resolve(m.port);
      }
    };
    child.on('message', onMessage);
  });
  child.removeAllListeners('exit');
  pinServer(child.pid!);
  return {
    name,
    port,
    child,
    stdoutLines: () => stdoutLines,
    stats: () =>
      new Promise((resolve) => {
        const onMessage = (m: { stats?: Record<string, number> }) => {
          if (m.stats) {
            child.off('message', onMessage);
            resolve(m.stats);
          }
        };
        child.on('message', onMessage);
        child.send('stats');
      }),
    reset: () => child.send('reset'),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}`))));
  });
}
