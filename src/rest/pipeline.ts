/**
 * The JSON edge's core: one request in, one response out, no socket (like soap/pipeline.ts).
 * Route by the declaration → authenticate (Basic: the AuthHeader's name and secret; Bearer: an
 * API key) → refuse a read-only key's writes → decode and check the JSON → claim the
 * Idempotency-Key of a POST → call the operation through the injected session → the JSON answer
 * or an RFC 9457 problem, with RateLimit-* headers on every answer.
 */
import { createHash } from 'node:crypto';
import { AccountStatus } from '../contract/common-types.js';
import { ACCOUNT_LIST_ROUTE, AccountListEntry, REST_BASE_PATH, type RestRoute, type RestVariant } from '../contract/json-routes.js';
import { resultFieldOf, type OperationDefinition } from '../contract/operation.js';
import { GetAccountInfo, AccountInfo } from '../contract/operations/get-account-info.js';
import type { ResultInfoValue } from '../contract/common-types.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { decodeArgs, renameField } from './decode.js';
import { encodeAnswer, toJson } from './encode.js';
import { parseAuthorization } from './authorization.js';
import type { AccountListRow, RestCaller, RestIdempotency, RestRateState, RestSandbox, RestSession, StoredAnswer } from './ports.js';
import { PROBLEM_CONTENT_TYPE, edgeProblem, invalidInput, resultProblem, unexpectedProblem, type Problem } from './problem.js';
import { RestRouter } from './router.js';
import { answerSandbox, matchSandboxRoute, type SandboxRoute } from './sandbox-routes.js';

export interface RestRequest {
  readonly method: string;
  /** The URL's path, /api/v1/… */
  readonly path: string;
  /** The URL's query without `?`. */
  readonly query: string;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly body: Uint8Array;
}

export interface RestResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The SOAP operation (or listAccounts) called, for the request log line and metrics. */
  readonly operation?: string;
  /** Success, a ResultCode or an edge problem's code. */
  readonly result?: string;
}

export interface RestContext {
  readonly requestId: string;
}

export interface RestPipelineOptions<C extends RestContext> {
  readonly session: RestSession<C>;
  readonly idempotency: RestIdempotency;
  /** The partner rate as seen now; null when the limit is off. `userId` null: before sign-in. */
  readonly rateState: (userId: number | null) => RestRateState | null | Promise<RestRateState | null>;
  /** Unauthenticated documents below the base path, e.g. `/openapi.json` → the OpenAPI document. */
  readonly documents?: ReadonlyMap<string, { readonly contentType: string; readonly body: string }>;
  /** Sandbox mode only (issue 21): the /sandbox/* routes; without it they are 404 like any unknown path. */
  readonly sandbox?: RestSandbox<C>;
  /** Told about every failure that became a 500; the client sees only the request id. */
  readonly onInternalError: (error: unknown, context: C) => void;
}

export type RestPipeline<C extends RestContext> = {
  (request: RestRequest, context: C): Promise<RestResponse>;
  /** The 413 answer for a body over the limit (the HTTP edge stops reading it). */
  tooLarge(context: C): Promise<RestResponse>;
};

export const WWW_AUTHENTICATE = 'Basic realm="AMS partner API", charset="UTF-8", Bearer realm="AMS partner API"';
const JSON_TYPE = 'application/json';
const MAX_IDEMPOTENCY_KEY = 255;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]+$/;
const STATUSES: readonly string[] = AccountStatus.values;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly result: string;
}

function problemAnswer(problem: Problem, headers: Record<string, string> = {}): Answer {
  return { status: problem.status, headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...headers }, body: JSON.stringify(problem), result: problem.code };
}

function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  if (body === undefined) return { status, headers, body: '', result: 'Success' };
  return { status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(body), result: 'Success' };
}

/** The body's canonical text (sorted keys): the same request with reordered properties is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

type BodyRead = { readonly ok: true; readonly value: Record<string, unknown> } | { readonly ok: false; readonly problem: Problem };

function readJsonBody(request: RestRequest): BodyRead {
  if (request.body.length === 0) return { ok: true, value: {} };
  const mediaType = (request.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== JSON_TYPE && !/^application\/[a-z0-9.+-]*\+json$/.test(mediaType)) {
    return { ok: false, problem: edgeProblem('UnsupportedMediaType', `The body must be ${JSON_TYPE}${mediaType === '' ? '; the request has no Content-Type' : `, not ${mediaType}`}.`) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.body));
  } catch (err) {
    return { ok: false, problem: edgeProblem('MalformedJson', err instanceof SyntaxError ? `The body is not valid JSON: ${err.message}` : 'The body is not valid UTF-8.') };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, problem: invalidInput('', 'The body must be a JSON object.') };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}

function resultOf(operation: OperationDefinition, output: Readonly<Record<string, unknown>>): ResultInfoValue | undefined {
  const field = resultFieldOf(operation);
  return field && !field.plain ? (output[field.name] as ResultInfoValue | undefined) : undefined;
}

function listItem(row: AccountListRow): unknown {
  return toJson(AccountListEntry, {
    UserName: row.username,
    FullName: row.fullName,
    Email: row.email,
    EntityId: row.entityId,
    CustomerTypeCode: row.customerTypeCode,
    PaymentPlanId: row.paymentPlanId,
    Status: row.status,
    AccountSizeMB: row.quotaMb,
    SignupDateUtc: row.signupAt,
  });
}

export function createRestPipeline<C extends RestContext>(options: RestPipelineOptions<C>): RestPipeline<C> {
  const { session, idempotency } = options;
  const router = new RestRouter();

  async function withRate(answer: Answer, caller: RestCaller | undefined): Promise<Answer> {
    const state = await options.rateState(caller?.userId ?? null);
    if (!state) return answer;
    const headers: Record<string, string> = {
      ...answer.headers,
      'RateLimit-Limit': String(state.limit),
      'RateLimit-Remaining': String(state.remaining),
      'RateLimit-Reset': String(state.resetSeconds),
    };
    if (answer.status === 429) headers['Retry-After'] = String(Math.max(1, state.retryAfterSeconds));
    return { ...answer, headers };
  }

  /** A failed Result as a problem; 422s name the JSON property. */
  function failure(variant: RestVariant, info: ResultInfoValue, context: C): Answer {
    if (info.Code === 'Success') throw new Error('not a failure');
    if (info.Code === 'UnexpectedError') return problemAnswer(unexpectedProblem(context.requestId));
    if (info.Code === 'InvalidInputParameters') {
      const { detail, field } = renameField(variant, info.Message ?? '');
      return problemAnswer(resultProblem('InvalidInputParameters', detail, field ?? ''));
    }
    const problem = resultProblem(info.Code, info.Message ?? '');
    return problemAnswer(problem, info.Code === 'InvalidSoapCredentials' ? { 'WWW-Authenticate': WWW_AUTHENTICATE } : {});
  }

  async function execute(route: RestRoute, variant: RestVariant, args: Record<string, unknown>, caller: RestCaller, context: C): Promise<Answer> {
    const output = await session.invoke(caller, variant.operation, args, context);
    const info = resultOf(variant.operation, output);
    if (info === undefined) throw new Error(`${variant.operation.name} has no ResultInfo`);
    if (info.Code !== 'Success') return failure(variant, info, context);
    if (route.answer.kind !== 'account') return jsonAnswer(route.status, encodeAnswer(route.answer, variant.operation, output));
    // 201 with the account as GetAccountInfo shows it: the call was counted once already.
    const usernameField = Object.entries(variant.args).find(([, s]) => s.from === 'body' && s.name === (route.answer as { username: string }).username)?.[0];
    const requested = usernameField === undefined ? null : (args[usernameField] as string | null);
    const read = await session.invoke(caller, GetAccountInfo, { userName: requested }, context, { rated: false });
    const account = toJson(AccountInfo, read['accountInfo']) as { userName?: string } | null;
    const username = account?.userName ?? requested ?? '';
    const location = `${REST_BASE_PATH}${(route.location ?? '/accounts/{username}').replace('{username}', encodeURIComponent(username))}`;
    return jsonAnswer(route.status, account ?? { userName: username }, { Location: location });
  }

  async function list(caller: RestCaller, query: URLSearchParams, context: C): Promise<Answer> {
    const allowed = new Set<string>(ACCOUNT_LIST_ROUTE.query);
    for (const name of query.keys()) if (!allowed.has(name)) return problemAnswer(invalidInput(name, `Unknown query parameter ${name}; expected: ${ACCOUNT_LIST_ROUTE.query.join(', ')}.`));
    const number = (name: string, min: number, max: number): number | null | Problem => {
      const text = query.get(name);
      if (text === null) return null;
      const value = /^[0-9]{1,10}$/.test(text) ? Number(text) : NaN;
      return Number.isInteger(value) && value >= min && value <= max ? value : invalidInput(name, `${name} must be an integer from ${min} to ${max}.`);
    };
    const entityId = number('entityId', 0, 2147483647);
    if (typeof entityId === 'object' && entityId !== null) return problemAnswer(entityId);
    const limit = number('limit', 1, ACCOUNT_LIST_ROUTE.maxLimit);
    if (typeof limit === 'object' && limit !== null) return problemAnswer(limit);
    const status = query.get('status');
    if (status !== null && !STATUSES.includes(status)) return problemAnswer(invalidInput('status', `status must be one of ${STATUSES.join(', ')}.`));
    const cursorText = query.get('cursor');
    const after = cursorText === null ? null : decodeCursor(cursorText);
    if (after === undefined) return problemAnswer(invalidInput('cursor', 'cursor is not a cursor this API gave out; start again without it.'));
    const pageSize = limit ?? ACCOUNT_LIST_ROUTE.defaultLimit;
    const customerTypeCode = query.get('customerTypeCode');
    // One more than asked: whether a next page exists is known without a trailing empty page
    // (but for a full page of the maximum size, which the store will not exceed: it gets a cursor).
    const ask = Math.min(pageSize + 1, ACCOUNT_LIST_ROUTE.maxLimit);
    const outcome = await session.listAccounts(caller, { entityId, customerTypeCode: customerTypeCode === '' ? null : customerTypeCode, status, afterUsername: after, limit: ask }, context);
    if (!outcome.ok) {
      if (outcome.code === 'InvalidInputParameters') return problemAnswer(invalidInput('customerTypeCode', outcome.message));
      return problemAnswer(outcome.code === 'UnexpectedError' ? unexpectedProblem(context.requestId) : resultProblem(outcome.code, outcome.message));
    }
    const rows = outcome.items.slice(0, pageSize);
    const last = rows[rows.length - 1];
    const more = outcome.items.length > pageSize || (ask === pageSize && outcome.items.length === pageSize);
    const nextCursor = more && last ? encodeCursor(last.username.toLowerCase()) : null;
    const headers: Record<string, string> = {};
    if (nextCursor !== null) {
      const next = new URLSearchParams(query);
      next.set('limit', String(pageSize));
      next.set('cursor', nextCursor);
      headers['Link'] = `<${REST_BASE_PATH}${ACCOUNT_LIST_ROUTE.path}?${next.toString()}>; rel="next"`;
    }
    return jsonAnswer(200, { items: rows.map(listItem), nextCursor }, headers);
  }

  /** A POST with an Idempotency-Key: claimed for the user, answered once, replayed after. */
  async function idempotent(key: string | undefined, caller: RestCaller, digest: string, work: () => Promise<Answer>): Promise<Answer> {
    if (key === undefined) return work();
    if (key.length > MAX_IDEMPOTENCY_KEY || !IDEMPOTENCY_KEY.test(key)) {
      return problemAnswer(invalidInput('Idempotency-Key', `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} visible ASCII characters (a UUID, say).`));
    }
    const claim = await idempotency.claim(caller.userId, key, digest);
    if (claim.kind === 'replay') return { status: claim.status, headers: { ...claim.headers, 'Idempotent-Replayed': 'true' }, body: claim.body, result: 'Replayed' };
    if (claim.kind === 'mismatch') return problemAnswer(edgeProblem('IdempotencyKeyMismatch', 'This Idempotency-Key was first used with another request; use a new key for a new request.', 'Idempotency-Key'));
    if (claim.kind === 'in-progress') return problemAnswer(edgeProblem('IdempotencyKeyInProgress', 'A request with this Idempotency-Key is still being processed; retry shortly.'));
    let answer: Answer;
    try {
      answer = await work();
    } catch (err) {
      await idempotency.release(caller.userId, key).catch(() => undefined);
      throw err;
    }
    // Refused before any change (over the rate, failed inside): the key is given back for the retry.
    if (answer.status === 429 || answer.status >= 500) await idempotency.release(caller.userId, key);
    else await idempotency.complete(caller.userId, key, { status: answer.status, headers: answer.headers, body: answer.body } satisfies StoredAnswer);
    return answer;
  }

  /** Signed in and refused exactly as a declared route is; POSTs claim their Idempotency-Key. */
  async function sandboxCall(request: RestRequest, sub: string, route: SandboxRoute, context: C, noteCaller: (caller: RestCaller) => void): Promise<{ answer: Answer; operation?: string }> {
    const sandbox = options.sandbox;
    if (!sandbox) throw new Error('no sandbox');
    const operation = `sandbox.${route.kind}`;
    const caller = await session.authenticate(parseAuthorization(request.authorization), context);
    if (!caller) {
      const problem = resultProblem('InvalidSoapCredentials', 'Send Authorization: Basic with your partner API user name and secret, or Bearer with an API key.');
      return { answer: problemAnswer(problem, { 'WWW-Authenticate': WWW_AUTHENTICATE }), operation };
    }
    noteCaller(caller);
    if (caller.readOnly && request.method !== 'GET') return { answer: problemAnswer(edgeProblem('ReadOnlyKey')), operation };
    const body = request.method === 'GET' ? ({ ok: true, value: {} } as const) : readJsonBody(request);
    if (!body.ok) return { answer: problemAnswer(body.problem), operation };
    const run = async (): Promise<Answer> => {
      const answer = await answerSandbox(sandbox, route, caller, new URLSearchParams(request.query), body.value, context);
      return answer.ok ? jsonAnswer(answer.status, answer.body) : problemAnswer(answer.problem);
    };
    if (request.method !== 'POST') return { answer: await run(), operation };
    const digest = createHash('sha256').update(`${request.method} ${sub}?${request.query}\n${canonical(body.value)}`).digest('hex');
    return { answer: await idempotent(request.idempotencyKey, caller, digest, run), operation };
  }

  async function handle(request: RestRequest, context: C, noteCaller: (caller: RestCaller) => void): Promise<{ answer: Answer; operation?: string }> {
    const sub = request.path.slice(REST_BASE_PATH.length) || '/';
    const document = request.method === 'GET' || request.method === 'HEAD' ? options.documents?.get(sub) : undefined;
    if (document) return { answer: { status: 200, headers: { 'Content-Type': document.contentType }, body: document.body, result: 'Success' } };
    const sandboxMatch = options.sandbox ? matchSandboxRoute(request.method, sub) : undefined;
    if (sandboxMatch?.kind === 'method-not-allowed') {
      return { answer: problemAnswer(edgeProblem('MethodNotAllowed', `${request.method} is not allowed here; allowed: ${sandboxMatch.allow.join(', ')}.`), { Allow: sandboxMatch.allow.join(', ') }) };
    }
    if (sandboxMatch) return sandboxCall(request, sub, sandboxMatch.route, context, noteCaller);
    const match = router.match(request.method, sub);
    if (match.kind === 'not-found') return { answer: problemAnswer(edgeProblem('NotFound', `No resource ${sub} under ${REST_BASE_PATH}.`)) };
    if (match.kind === 'method-not-allowed') return { answer: problemAnswer(edgeProblem('MethodNotAllowed', `${request.method} is not allowed here; allowed: ${match.allow.join(', ')}.`), { Allow: match.allow.join(', ') }) };
    const target = match.target;
    const operation = target.kind === 'list' ? ACCOUNT_LIST_ROUTE.id : target.route.variants.map((v) => v.operation.name).join('|');

    const caller = await session.authenticate(parseAuthorization(request.authorization), context);
    if (!caller) {
      const problem = resultProblem('InvalidSoapCredentials', 'Send Authorization: Basic with your partner API user name and secret, or Bearer with an API key.');
      return { answer: problemAnswer(problem, { 'WWW-Authenticate': WWW_AUTHENTICATE }), operation };
    }
    noteCaller(caller);
    if (caller.readOnly && request.method !== 'GET') return { answer: problemAnswer(edgeProblem('ReadOnlyKey')), operation };
    const query = new URLSearchParams(request.query);
    if (target.kind === 'list') return { answer: await list(caller, query, context), operation };

    const route = target.route;
    const unknownQuery = [...query.keys()][0];
    if (unknownQuery !== undefined) return { answer: problemAnswer(invalidInput(unknownQuery, `Unknown query parameter ${unknownQuery}: this resource takes none (secrets go in the body).`)), operation };
    const body = route.method === 'GET' ? ({ ok: true, value: {} } as const) : readJsonBody(request);
    if (!body.ok) return { answer: problemAnswer(body.problem), operation };
    const decoded = decodeArgs(route, match.params, body.value);
    if (!decoded.ok) return { answer: problemAnswer(decoded.problem), operation };
    const run = (): Promise<Answer> => execute(route, decoded.variant, decoded.args, caller, context);
    if (route.method !== 'POST') return { answer: await run(), operation: decoded.variant.operation.name };
    const digest = createHash('sha256').update(`${route.method} ${sub}\n${canonical(body.value)}`).digest('hex');
    return { answer: await idempotent(request.idempotencyKey, caller, digest, run), operation: decoded.variant.operation.name };
  }

  const pipeline = async (request: RestRequest, context: C): Promise<RestResponse> => {
    let caller: RestCaller | undefined;
    let answer: Answer;
    let operation: string | undefined;
    try {
      const handled = await handle(request, context, (c) => (caller = c));
      answer = handled.answer;
      operation = handled.operation;
    } catch (err) {
      options.onInternalError(err, context);
      answer = problemAnswer(unexpectedProblem(context.requestId));
    }
    const rated = await withRate(answer, caller).catch(() => answer);
    return { status: rated.status, headers: rated.headers, body: rated.body, result: rated.result, ...(operation === undefined ? {} : { operation }) };
  };
  pipeline.tooLarge = async (_context: C): Promise<RestResponse> => {
    const answer = await withRate(problemAnswer(edgeProblem('PayloadTooLarge')), undefined).catch(() => problemAnswer(edgeProblem('PayloadTooLarge')));
    return { status: answer.status, headers: answer.headers, body: answer.body, result: answer.result };
  };
  return pipeline;
}
