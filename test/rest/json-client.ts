/** A small JSON client over a real socket (fetch), for the JSON API tests. */
import assert from 'node:assert/strict';
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

/**
 * Sends `requests` requests at once from one partner user whose burst is `burst`, and checks what
 * every rated JSON route must answer past it: at least one and at most `burst` let through, the
 * rest 429 TooManyRequests problems with Retry-After and RateLimit-Remaining 0, RateLimit-Limit on
 * all. Returns the answers let through (status 200).
 */
export async function burstPastLimit(send: (index: number) => Promise<JsonAnswer>, requests: number, burst: number): Promise<JsonAnswer[]> {
  const answers = await Promise.all(Array.from({ length: requests }, (_, i) => send(i)));
  const statuses = answers.map((a) => a.status).join(',');
  const ok = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 429);
  assert.ok(ok.length >= 1 && ok.length <= burst, statuses);
  assert.equal(ok.length + refused.length, requests, statuses);
  for (const a of answers) assert.equal(a.headers.get('ratelimit-limit'), String(burst));
  for (const a of refused) {
    assert.equal(a.headers.get('content-type'), 'application/problem+json');
    assert.equal(a.body['status'], 429);
    assert.equal(a.body['code'], 'TooManyRequests', a.text);
    for (const field of ['type', 'title', 'detail']) assert.equal(typeof a.body[field], 'string', field);
    assert.equal(typeof a.body['result'], 'number');
    assert.ok(Number(a.headers.get('retry-after')) >= 1, a.headers.get('retry-after') ?? 'no Retry-After');
    assert.equal(a.headers.get('ratelimit-remaining'), '0');
  }
  return ok;
}
