/**
 * A client generated from the served OpenAPI document, as a partner would make one:
 * openapi-typescript writes the types of every path from the document's URL, a small program
 * written against them with openapi-fetch is type-checked by tsc (a wrong path, a missing body
 * field or a misspelt property fails the check) and then run against the real server. The
 * program records every answer it gets (one JSON line each) so the test can check them all.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import type { RecordedAnswer } from './response-validator.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface GeneratedClient {
  /** The folder with api.d.ts (inside the work tree, so the program resolves openapi-fetch). */
  readonly dir: string;
  /** Type-checks `program.ts` (written from `body`) against the generated types and runs it; returns every answer it got. */
  run(body: string, env?: Readonly<Record<string, string>>): Promise<readonly RecordedAnswer[]>;
  /** tsc's diagnostics for a program, empty when it type-checks. */
  typeCheck(body: string): string;
  remove(): void;
}

/**
 * The program around a test's statements: `client` is `createClient<paths>` on the server,
 * every answer is recorded by a middleware. `paths`, `components` and `operations` are in scope.
 */
function program(body: string): string {
  return `import createClient, { type Middleware } from 'openapi-fetch';
import { writeFileSync } from 'node:fs';
import type { paths, components, operations } from './api.js';
export type Schemas = components['schemas'];
export type Operations = operations;

const records: { method: string; url: string; status: number; headers: Record<string, string>; body: string }[] = [];
const recorder: Middleware = {
  async onResponse({ request, response }) {
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => { headers[name] = value; });
    records.push({ method: request.method, url: request.url, status: response.status, headers, body: await response.clone().text() });
    return undefined;
  },
};
const baseUrl = process.env['AMS_CLIENT_BASE_URL'] ?? '';
const client = createClient<paths>({ baseUrl, headers: JSON.parse(process.env['AMS_CLIENT_HEADERS'] ?? '{}') as Record<string, string> });
client.use(recorder);
function check(condition: boolean, message: string): void { if (!condition) throw new Error(message); }

try {
${body}
} finally {
  writeFileSync(process.env['AMS_CLIENT_RECORD'] ?? 'records.json', JSON.stringify(records));
}
`;
}

/** Generates the types from the served document (`documentUrl`) into a new folder under .tmp/. */
export async function generateClient(documentUrl: string): Promise<GeneratedClient> {
  mkdirSync(path.join(REPO, '.tmp'), { recursive: true });
  const dir = mkdtempSync(path.join(REPO, '.tmp', 'generated-client-'));
  const ast = await openapiTS(new URL(documentUrl));
  writeFileSync(path.join(dir, 'api.d.ts'), astToString(ast));
  const programFile = path.join(dir, 'program.ts');
  const typeCheck = (body: string): string => {
    writeFileSync(programFile, program(body));
    const tsc = spawnSync(
      process.execPath,
      [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--noUncheckedIndexedAccess', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--skipLibCheck', '--types', 'node', programFile],
      { cwd: REPO, encoding: 'utf8' },
    );
    return tsc.status === 0 ? '' : `${tsc.stdout}${tsc.stderr}`.trim() || `tsc exited with ${tsc.status}`;
  };
  return {
    dir,
    typeCheck,
    async run(body, env = {}) {
      const diagnostics = typeCheck(body);
      if (diagnostics !== '') throw new Error(`the generated-client program does not type-check:\n${diagnostics}`);
      const record = path.join(dir, 'records.json');
      const child = spawn(process.execPath, ['--import', 'tsx', programFile], { cwd: REPO, env: { ...process.env, ...env, AMS_CLIENT_RECORD: record }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      if (code !== 0) throw new Error(`the generated-client program failed (exit ${code}):\n${output}`);
      return JSON.parse(readFileSync(record, 'utf8')) as RecordedAnswer[];
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
