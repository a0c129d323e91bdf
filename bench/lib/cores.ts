/**
 * Which cores a single-server scenario's processes run on. Issue 20's method is "wrk on one core,
 * the servers on the other": on a 2-core machine, unpinned, the server, wrk and the process
 * draining the request log take turns on both cores, and the server's own system calls slow when
 * a third process shares them (12-05 profiles: the HTTP answer's writev cost ~6 µs more with the
 * log reader running). Pinned, each server under test has one core to itself, the same core for
 * every server in the run, and everything that is not the server (this runner, wrk, autocannon,
 * the log drain) shares the other.
 *
 * Pinning needs `taskset` (util-linux) and at least two cores; without them, or with
 * BENCH_PIN=off, nothing is pinned and the results say so.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Pinning {
  /** The cores of the server under test, as taskset's list syntax. */
  readonly serverCores: string;
  /** The cores of everything else: this runner and the load generators it spawns. */
  readonly loadCores: string;
}

function tasksetWorks(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Set every thread of `pid` to `cores` (threads it starts later inherit it). */
function pin(pid: number, cores: string): void {
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cores, String(pid)], { stdio: 'ignore' });
}

let current: Pinning | undefined;

/**
 * Pins this runner (and so every load generator it spawns afterwards) to the load cores, and
 * returns the pinning that `pinServer` then applies to each server. Undefined when it cannot.
 */
export function pinOneServerCore(): Pinning | undefined {
  const cores = availableParallelism();
  if (process.env.BENCH_PIN === 'off' || cores < 2 || !tasksetWorks()) return undefined;
  current = { serverCores: String(cores - 1), loadCores: cores === 2 ? '0' : `0-${cores - 2}` };
  pin(process.pid, current.loadCores);
  return current;
}

/** Puts a server started after `pinOneServerCore` on the server core; a no-op when unpinned. */
export function pinServer(pid: number): void {
  if (current) pin(pid, current.serverCores);
}

/** The pinning in force in this run, for the record. */
export const currentPinning = (): Pinning | undefined => current;
