/**
 * What the partner-lifecycle commands (issue 17) share: argument parsing whose every mistake is
 * one `ams: …` line, the operator's identity for the audit log, the operator facade
 * (app/operator.ts) over the configured database, and plain tables.
 * The commands report their own mistakes, so a command's output does not depend on how the
 * CLI's outer error boundary words other failures.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.js';
import { withOperatorConsole, type Done, type Operator, type OperatorConsole } from '../../app/operator.js';
import { out, outError } from '../output.js';

export interface OperatorCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: string[]): Promise<number>;
}

/** An operator mistake: one line on stderr, and the exit status (2 for usage, 1 otherwise). */
export class OperatorMistake extends Error {
  constructor(
    message: string,
    readonly exitStatus: 1 | 2 = 1,
  ) {
    super(message);
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

export function parse<T extends OptionSpec>(args: string[], spec: T, positionals: number, usage: string) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: spec, allowPositionals: positionals > 0, strict: true });
  } catch (err) {
    throw new OperatorMistake(`${err instanceof Error ? err.message : String(err)} (usage: ${usage})`, 2);
  }
  if (parsed.positionals.length !== positionals) throw new OperatorMistake(`expected ${positionals} argument${positionals === 1 ? '' : 's'} (usage: ${usage})`, 2);
  return { values: parsed.values, positionals: parsed.positionals };
}

/** A positive whole number given for `what` (an entity ID, a limit). */
export function wholeNumber(value: string | boolean | undefined, what: string): number {
  if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new OperatorMistake(`${what} must be a positive whole number, not ${JSON.stringify(String(value ?? '')).slice(0, 40)}`, 2);
  }
  return Number(value);
}

export function optionalString(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value of a use case, or its refusal as an operator mistake. */
export function accepted<T>(result: Done<T>): T {
  if (!result.ok) throw new OperatorMistake(result.message);
  return result.value;
}

/** Who is at the keyboard, as the audit log records it: the OS user and the host. */
export function operatorIdentity(): Operator {
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    // A container user without a passwd entry: the numeric id still says who.
    user = process.env.USER ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
  return { user, host: os.hostname() };
}

/** Opens and migrates the configured database, runs `work` on the operator facade, closes it. */
export function withConsole<T>(work: (ops: OperatorConsole) => Promise<T>): Promise<T> {
  return withOperatorConsole(loadConfig(), work);
}

/** Runs a command body; an operator mistake becomes its one line and exit status. */
export async function reportingMistakes(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof OperatorMistake)) throw err;
    outError(`ams: ${err.message}\n`);
    return err.exitStatus;
  }
}

/** A name as a terminal may show it: control characters, C1 too (a name could hold escape sequences), become `?`. */
export function printable(value: string | number): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((r) => r.map(printable));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return `${cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n')}\n`;
}

export function printJson(value: unknown): void {
  out(`${JSON.stringify(value, null, 2)}\n`);
}
