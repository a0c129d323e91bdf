/**
 * What the JSON edge needs from the rest of the service, typed here so that rest/ imports only
 * the contract: the composition root (app/) hands in the call session of call/invoker.ts, the
 * idempotency store and the rate limiter's state, which satisfy these shapes structurally.
 */
import type { CapturedMail, CapturedMailSummary } from '../contract/captured-mail.js';
import type { AuthHeaderValue } from '../contract/common-types.js';
import type { OperationDefinition } from '../contract/operation.js';
import type { ResultCodeName } from '../contract/result-codes.js';

/** The authenticated partner user; only an API key can be read-only. */
export interface RestCaller {
  readonly userId: number;
  readonly username: string;
  readonly entityId: number;
  readonly readOnly: boolean;
}

/** Basic gives an AuthHeader's name and secret; Bearer an API key; null: no Authorization. */
export type RestCredentials = AuthHeaderValue | { readonly apiKey: string } | null;

export interface AccountListQuery {
  /** null: the caller's own entity. */
  readonly entityId: number | null;
  readonly customerTypeCode: string | null;
  readonly status: string | null;
  /** The lower-cased user name the previous page ended with. */
  readonly afterUsername: string | null;
  readonly limit: number;
}

export interface AccountListRow {
  readonly username: string;
  readonly fullName: string;
  readonly email: string;
  readonly entityId: number;
  readonly customerTypeCode: string;
  readonly paymentPlanId: number;
  readonly signupAt: Date;
  readonly status: string;
  readonly quotaMb: number;
}

export type AccountListOutcome =
  | { readonly ok: true; readonly items: readonly AccountListRow[] }
  | { readonly ok: false; readonly code: Exclude<ResultCodeName, 'Success'>; readonly message: string };

/** The protocol-neutral call path (call/invoker.ts), for one request context C. */
export interface RestSession<C> {
  authenticate(credentials: RestCredentials, context: C): Promise<RestCaller | undefined>;
  /** The partner rate (unless rated is false), the handler; UnexpectedError on a failure inside. */
  invoke(caller: RestCaller, operation: OperationDefinition, args: Readonly<Record<string, unknown>>, context: C, options?: { readonly rated?: boolean }): Promise<Record<string, unknown>>;
  /** GET /accounts: rated like an operation. */
  listAccounts(caller: RestCaller, query: AccountListQuery, context: C): Promise<AccountListOutcome>;
}

/** A stored answer, replayed to a retry. */
export interface StoredAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type IdempotencyOutcome =
  | { readonly kind: 'claimed' }
  | ({ readonly kind: 'replay' } & StoredAnswer)
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'in-progress' };

/** Idempotency-Key claims per partner user, in the shared database (domain/api-access.ts). */
export interface RestIdempotency {
  claim(userId: number, key: string, requestDigest: string): Promise<IdempotencyOutcome>;
  complete(userId: number, key: string, answer: StoredAnswer): Promise<void>;
  release(userId: number, key: string): Promise<void>;
}

/** The partner rate as the RateLimit-* headers show it (security/rate-limiter.ts). */
export interface RestRateState {
  readonly limit: number;
  readonly remaining: number;
  readonly resetSeconds: number;
  readonly retryAfterSeconds: number;
}

/**
 * Sandbox mode only (issue 21): the caller's captured mail, reset and seed, each rated like an
 * operation and scoped to the caller's tree (app/sandbox.ts's use cases). Absent in production:
 * the /sandbox/* routes do not exist there (404 like any unknown path).
 */
export type SandboxOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: 'TooManyRequests' | 'UnexpectedError' | 'NotFound' | 'InvalidInputParameters'; readonly message: string };

export interface RestSandbox<C> {
  /** Newest first, at most `limit`. */
  listMail(caller: RestCaller, limit: number, context: C): Promise<SandboxOutcome<readonly CapturedMailSummary[]>>;
  /** NotFound for an unknown id and for another tree's. */
  readMail(caller: RestCaller, id: string, context: C): Promise<SandboxOutcome<CapturedMail>>;
  /** What was deleted, table by table. */
  reset(caller: RestCaller, context: C): Promise<SandboxOutcome<Readonly<Record<string, number>>>>;
  seed(caller: RestCaller, accounts: number, context: C): Promise<SandboxOutcome<{ readonly entityId: number; readonly created: number; readonly usernames: readonly string[] }>>;
}
