/** Shared by the import tests: the independent legacy export, the real CLI, SOAP over a socket. */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseXml, type XmlElement } from '../../src/xml/reader.js';
import { operationNamed } from '../../src/contract/index.js';
import { envelope, operationBody, soapHeaders, type Credentials } from '../support/envelope.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface LegacyFacts {
  readonly accounts: { username: string; password: string; format: string; entityId: number }[];
  readonly partners: { username: string; secret: string; format: string; entityId: number }[];
  readonly licenseKeys: { key: string; entityId: number }[];
}

/** A legacy export written by test/import/legacy-export.py (Python: its own hash implementations). */
export function legacyExport(accounts: number, options: { seed?: number; formats?: string[] } = {}): { dir: string; facts: LegacyFacts } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-legacy-'));
  const args = [path.join(import.meta.dirname, 'legacy-export.py'), dir, String(accounts), String(options.seed ?? 18)];
  if (options.formats) args.push(options.formats.join(','));
  const facts = JSON.parse(execFileSync('python3', args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 })) as LegacyFacts;
  return { dir, facts };
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `ams ARGS` as a child process, from source, against `databaseUrl`. */
export function ams(args: string[], databaseUrl: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'test/cli/run-cli.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, AMS_DATABASE_URL: databaseUrl }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

export function amsChild(args: string[], databaseUrl: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/cli/run-cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, AMS_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** One counts line of the import report, e.g. `accounts.csv: 3 new, 0 unchanged, …`. */
export function counts(report: string, file: string): Record<string, number> {
  const line = report.split('\n').find((l) => l.startsWith(`${file}: `));
  if (!line) throw new Error(`no line for ${file} in:\n${report}`);
  const out: Record<string, number> = {};
  for (const m of line.matchAll(/(\d+) (new|unchanged|updated|kept|rejected|warnings)/g)) out[m[2]!] = Number(m[1]);
  return out;
}

function find(root: XmlElement, local: string): XmlElement | undefined {
  if (root.local === local) return root;
  for (const child of root.children) {
    const found = find(child, local);
    if (found) return found;
  }
  return undefined;
}

/** An operation over HTTP on a real socket; the ResultInfo's Code (undefined for a fault). */
export async function soap(url: string, op: string, fields: Readonly<Record<string, string | number | boolean>>, auth: Credentials): Promise<string | undefined> {
  const definition = operationNamed(op);
  if (!definition) throw new Error(`no operation ${op}`);
  const headers = soapHeaders('1.1', op);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': headers.contentType, ...(headers.soapAction ? { soapaction: headers.soapAction } : {}) },
    body: envelope('1.1', operationBody(op, fields, definition.style === 'wrapped'), auth),
  });
  const root = parseXml(Buffer.from(await res.arrayBuffer()));
  const code = find(root, 'Code');
  return code?.text;
}
