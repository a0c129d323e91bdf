/** A small JSON client over a real socket (fetch), for the JSON API tests. */
import type { TestApp } from '../support/harness.js';
import { issueApiKey } from '../../src/security/api-keys.js';

export interface JsonAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body; undefined when empty. */
  readonly body: Record<string, unknown> & { readonly items?: readonly Record<string, unknown>[] };
}

export type Auth = { readonly basic: readonly [string, string] } | { readonly bearer: string } | undefined;

export function authHeader(auth: Auth): Record<string, string> {
  if (auth === undefined) return {};
  if ('bearer' in auth) return { Authorization: `Bearer ${auth.bearer}` };
  return { Authorization: `Basic ${Buffer.from(`${auth.basic[0]}:${auth.basic[1]}`).toString('base64')}` };
}

export interface RequestOptions {
  readonly auth?: Auth;
  readonly body?: unknown;
  /** Sent as is instead of JSON.stringify(body). */
  readonly raw?: string;
  readonly contentType?: string;
  readonly idempotencyKey?: string;
}

export function jsonClient(base: string) {
  return async function request(method: string, path: string, options: RequestOptions = {}): Promise<JsonAnswer> {
    const headers: Record<string, string> = { ...authHeader(options.auth) };
    let body: string | undefined = options.raw;
    if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
    if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
    const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: text === '' ? {} : (JSON.parse(text) as JsonAnswer['body']) };
  };
}

export async function partnerUserId(t: TestApp, username: string): Promise<number> {
  const row = await t.app.store.db.selectFrom('partner_users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function apiKeyFor(t: TestApp, username: string, readOnly = false): Promise<string> {
  const issued = await issueApiKey(t.app.apiAccess.apiKeys, { partnerUserId: await partnerUserId(t, username), readOnly, expiresInDays: null }, new Date());
  return issued.key;
}
