/**
 * Several real service processes (`ams serve`, run from source as test/cli/run-cli.ts) on one
 * PostgreSQL database, started at the same moment on an empty database, and a SOAP-over-HTTP
 * client to drive them. Needs AMS_TEST_DATABASE_URL.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { operationNamed } from '../../src/contract/index.js';
import { parseXml, type XmlElement } from '../../src/xml/reader.js';
import { envelope, operationBody, soapHeaders, type Credentials } from '../support/envelope.js';
import { findElement } from '../support/call.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startService } from '../support/service-process.js';

export const SERVICE_PATH = '/WebApi/AccountManagementService/AccountManagementService.asmx';
export const PROVIDER = { user: 'provider', password: 'provider-secret-0001' } as const;

export interface Instance {
  readonly index: number;
  readonly base: string;
  readonly pickupDir: string;
  readonly logs: string[];
  readonly process: ChildProcess;
  alive(): boolean;
}

export interface Cluster {
  readonly database: TestDatabase;
  readonly instances: readonly Instance[];
  readonly dir: string;
  stop(): Promise<void>;
}

async function startInstance(index: number, env: Record<string, string>, dir: string): Promise<Instance> {
  const pickupDir = path.join(dir, `pickup-${index}`);
  const service = await startService({
    AMS_BOOTSTRAP_USERNAME: PROVIDER.user,
    AMS_BOOTSTRAP_PASSWORD: PROVIDER.password,
    AMS_MAIL_PICKUP_DIR: pickupDir,
    // One partner drives every load here: the per-partner rate limit (issue 6) is not under test.
    AMS_PARTNER_REQUESTS_PER_MINUTE: '1000000',
    AMS_PARTNER_BURST: '10000',
    ...env,
  });
  let exited = false;
  void service.exited.then(() => (exited = true));
  return { index, base: `http://127.0.0.1:${service.port}`, pickupDir, logs: service.lines, process: service.child, alive: () => !exited };
}

/** `count` instances started together on a new, empty database. */
export async function startCluster(count: number, env: Record<string, string> = {}): Promise<Cluster> {
  const database = await createTestDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-scale-'));
  const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => startInstance(i, { AMS_DATABASE_URL: database.url, ...env }, dir)));
  const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    await Promise.all(
      instances.map(
        (i) =>
          new Promise<void>((resolve) => {
            if (!i.alive()) return resolve();
            i.process.once('exit', () => resolve());
            i.process.kill('SIGTERM');
            setTimeout(() => i.process.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { database, instances, dir, stop };
}

export interface HttpCallResult {
  readonly status: number;
  /** The ResultInfo's Code; undefined for a fault or an empty body. */
  readonly code: string | undefined;
  readonly faultCode: string | undefined;
  readonly requestId: string;
  readonly ms: number;
  text(local: string): string | undefined;
}

/** One SOAP 1.1 call over HTTP. */
export async function soap(
  instance: Pick<Instance, 'base'>,
  op: string,
  fields: Readonly<Record<string, string | number | boolean>>,
  auth: Credentials = PROVIDER,
): Promise<HttpCallResult> {
  const definition = operationNamed(op);
  if (!definition) throw new Error(`no operation ${op}`);
  const headers = soapHeaders('1.1', op);
  const started = Date.now();
  const response = await fetch(`${instance.base}${SERVICE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': headers.contentType, ...(headers.soapAction ? { soapaction: headers.soapAction } : {}) },
    body: envelope('1.1', operationBody(op, fields, definition.style === 'wrapped'), auth),
    signal: AbortSignal.timeout(30_000),
  });
  const body = await response.text();
  const ms = Date.now() - started;
  const root = body ? parseXml(body) : undefined;
  const findResult = (e: XmlElement): XmlElement | undefined =>
    e.children.some((c) => c.local === 'Code') ? e : e.children.map(findResult).find((x) => x !== undefined);
  const result = root ? findResult(root) : undefined;
  return {
    status: response.status,
    code: result ? findElement(result, 'Code')?.text : undefined,
    faultCode: root ? findElement(root, 'faultcode')?.text : undefined,
    requestId: response.headers.get('x-request-id') ?? '',
    ms,
    text: (local) => (root ? findElement(root, local)?.text : undefined),
  };
}
