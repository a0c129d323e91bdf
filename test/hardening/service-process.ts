/**
 * `ams serve` as a real child process (test/support/service-process.ts) on a copy
 * of the seeded database, with extra accounts to reset, and a keep-alive HTTP client: what the
 * shutdown and crash tests of issue 6 drive.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import BetterSqlite3 from 'better-sqlite3';
import { argon2Hasher } from '../../src/security/argon2-hasher.js';
import { seededTemplate } from '../support/harness.js';
import { envelope, operationBody, soapHeaders, type Credentials } from '../support/envelope.js';

export const SERVICE_PATH = '/WebApi/AccountManagementService/AccountManagementService.asmx';
export const OLD_PASSWORD = 'old-load-password-1';

/** A copy of the seeded database in a new folder, plus `count` accounts `load-N` of reseller A's customer (entity 3). */
export async function databaseWithAccounts(count: number): Promise<{ dir: string; file: string; accounts: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-hardening-'));
  const file = path.join(dir, 'ams.sqlite');
  fs.copyFileSync(await seededTemplate(), file);
  const hash = await argon2Hasher.hash(OLD_PASSWORD);
  const db = new BetterSqlite3(file);
  const accounts = Array.from({ length: count }, (_, i) => `load-${i}`);
  try {
    const insert = db.prepare(
      `INSERT INTO accounts (username, username_key, password_hash, full_name, first_name, email, entity_id, quota_mb, used_space_kb, is_ultrasafe, status,
        backup_server, license_key, locale_code, signup_at, updated_at, customer_type_code, secret_question, secret_answer_hash, email_notifications_disabled, payment_plan_id, failed_sign_ins)
       VALUES (?, ?, ?, 'Load Test', 'Load', ?, 3, 1024, 0, 0, 'Active', 'backup-01', '', 'en-US', ?, ?, 'SMB', '', '', 0, 0, 0)`,
    );
    const now = Date.now();
    db.transaction(() => {
      for (const name of accounts) insert.run(name, name, hash, `${name}@example.com`, now, now);
    })();
  } finally {
    db.close();
  }
  return { dir, file, accounts };
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly connection: string | undefined;
}

/** One SOAP 1.1 call over a keep-alive agent, with our own X-Request-Id. */
export function soapCall(agent: http.Agent, port: number, op: string, fields: Record<string, string | boolean>, auth: Credentials, requestId: string): Promise<HttpAnswer> {
  const headers = soapHeaders('1.1', op);
  const body = Buffer.from(envelope('1.1', operationBody(op, fields, op !== 'Authenticate' && op !== 'GetAccountInfo'), auth));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: SERVICE_PATH,
        agent,
        headers: { 'Content-Type': headers.contentType, SOAPAction: headers.soapAction ?? '', 'Content-Length': body.length, 'X-Request-Id': requestId },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), connection: res.headers.connection }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function readOnly(file: string): BetterSqlite3.Database {
  return new BetterSqlite3(file, { readonly: true, fileMustExist: true });
}
