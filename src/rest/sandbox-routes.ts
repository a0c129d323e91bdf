/**
 * The sandbox's JSON routes (issue 21), below /api/v1 and only in sandbox mode:
 *
 *   GET  /sandbox/mail[?limit=N]   the caller's captured mail, newest first (N 1–500, default 500)
 *   GET  /sandbox/mail/{id}        one message: its headers, text and HTML parts
 *   POST /sandbox/reset            deletes the caller's tree's accounts and all about them
 *   POST /sandbox/seed {accounts}  1–1000 sample accounts in the caller's entity
 *
 * They are deliberately not in the route declaration (contract/json-routes.ts) and so not in the
 * OpenAPI document: that document must be byte for byte production's apart from the address, so a
 * client generated against the sandbox works against production unchanged. docs/sandbox.md
 * documents them instead. The pipeline authenticates, rates, refuses read-only keys' POSTs and
 * claims Idempotency-Keys for these exactly as for the declared routes.
 */
import type { CapturedMail, CapturedMailSummary } from '../contract/captured-mail.js';
import type { RestCaller, RestSandbox, SandboxOutcome } from './ports.js';
import { edgeProblem, invalidInput, resultProblem, unexpectedProblem, type Problem } from './problem.js';

export type SandboxRoute = { readonly kind: 'list' } | { readonly kind: 'read'; readonly id: string } | { readonly kind: 'reset' } | { readonly kind: 'seed' };

export type SandboxMatch = { readonly kind: 'found'; readonly route: SandboxRoute } | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] } | undefined;

/** The most messages one list answers; the store keeps no more per list either. */
export const SANDBOX_MAIL_MAX_LIMIT = 500;
export const MAX_SEED_ACCOUNTS = 1000;

/** `sub` is the path below /api/v1; undefined: not a sandbox path. */
export function matchSandboxRoute(method: string, sub: string): SandboxMatch {
  const only = (allowed: string, route: SandboxRoute): SandboxMatch => (method === allowed ? { kind: 'found', route } : { kind: 'method-not-allowed', allow: [allowed] });
  if (sub === '/sandbox/mail') return only('GET', { kind: 'list' });
  if (sub === '/sandbox/reset') return only('POST', { kind: 'reset' });
  if (sub === '/sandbox/seed') return only('POST', { kind: 'seed' });
  const read = /^\/sandbox\/mail\/([^/]+)$/.exec(sub);
  if (read?.[1] !== undefined) return only('GET', { kind: 'read', id: safeDecode(read[1]) });
  return undefined;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export type SandboxAnswer = { readonly ok: true; readonly status: number; readonly body: unknown } | { readonly ok: false; readonly problem: Problem };

const refuse = (problem: Problem): SandboxAnswer => ({ ok: false, problem });

function outcomeProblem(outcome: Extract<SandboxOutcome<unknown>, { ok: false }>, requestId: string, field: string): Problem {
  switch (outcome.code) {
    case 'UnexpectedError':
      return unexpectedProblem(requestId);
    case 'NotFound':
      return edgeProblem('NotFound', outcome.message === '' ? undefined : outcome.message);
    case 'InvalidInputParameters':
      return invalidInput(field, outcome.message);
    case 'TooManyRequests':
      return resultProblem('TooManyRequests', outcome.message);
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

function summary(mail: CapturedMailSummary): Record<string, unknown> {
  return { id: mail.id, event: mail.event, accountUsername: mail.accountUsername, to: mail.to, subject: mail.subject, capturedAt: iso(mail.capturedAt) };
}

function message(mail: CapturedMail): Record<string, unknown> {
  return {
    ...summary(mail),
    headers: { 'Message-ID': mail.messageId, From: mail.from, To: mail.to, Subject: mail.subject, 'Content-Language': mail.language },
    text: mail.text,
    html: mail.html,
  };
}

/** `?limit=N`, the only query parameter any sandbox route takes (the list's). */
function readLimit(route: SandboxRoute, query: URLSearchParams): number | Problem {
  for (const name of query.keys()) {
    if (route.kind !== 'list' || name !== 'limit') return invalidInput(name, `Unknown query parameter ${name}${route.kind === 'list' ? '; expected: limit' : ': this resource takes none'}.`);
  }
  const text = query.get('limit');
  if (text === null) return SANDBOX_MAIL_MAX_LIMIT;
  const value = /^[0-9]{1,4}$/.test(text) ? Number(text) : NaN;
  return value >= 1 && value <= SANDBOX_MAIL_MAX_LIMIT ? value : invalidInput('limit', `limit must be an integer from 1 to ${SANDBOX_MAIL_MAX_LIMIT}.`);
}

/** Reset takes no body (or `{}`); seed exactly `{"accounts": N}`. */
function readSeedCount(body: Record<string, unknown>): number | Problem {
  const unknown = Object.keys(body).find((k) => k !== 'accounts');
  if (unknown !== undefined) return invalidInput(unknown, `Unknown property ${unknown}; expected: accounts.`);
  const accounts = body['accounts'];
  if (typeof accounts !== 'number' || !Number.isInteger(accounts) || accounts < 1 || accounts > MAX_SEED_ACCOUNTS) {
    return invalidInput('accounts', `accounts must be an integer from 1 to ${MAX_SEED_ACCOUNTS}.`);
  }
  return accounts;
}

export async function answerSandbox<C extends { readonly requestId: string }>(
  sandbox: RestSandbox<C>,
  route: SandboxRoute,
  caller: RestCaller,
  query: URLSearchParams,
  body: Record<string, unknown>,
  context: C,
): Promise<SandboxAnswer> {
  const limit = readLimit(route, query);
  if (typeof limit !== 'number') return refuse(limit);
  switch (route.kind) {
    case 'list': {
      const listed = await sandbox.listMail(caller, limit, context);
      return listed.ok ? { ok: true, status: 200, body: { items: listed.value.slice(0, limit).map(summary), limit } } : refuse(outcomeProblem(listed, context.requestId, ''));
    }
    case 'read': {
      const read = await sandbox.readMail(caller, route.id, context);
      return read.ok ? { ok: true, status: 200, body: message(read.value) } : refuse(outcomeProblem(read, context.requestId, ''));
    }
    case 'reset': {
      const unknown = Object.keys(body)[0];
      if (unknown !== undefined) return refuse(invalidInput(unknown, `Unknown property ${unknown}: reset takes no body.`));
      const done = await sandbox.reset(caller, context);
      return done.ok ? { ok: true, status: 200, body: { entityId: caller.entityId, deleted: done.value } } : refuse(outcomeProblem(done, context.requestId, ''));
    }
    case 'seed': {
      const accounts = readSeedCount(body);
      if (typeof accounts !== 'number') return refuse(accounts);
      const done = await sandbox.seed(caller, accounts, context);
      return done.ok ? { ok: true, status: 200, body: done.value } : refuse(outcomeProblem(done, context.requestId, 'accounts'));
    }
  }
}
