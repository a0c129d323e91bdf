/**
 * The operation invoker: what every protocol edge does once it has decoded a call. The SOAP
 * pipeline, the ASMX test form and the coming JSON API all hand it the same four things, the
 * operation, the partner's credentials, the decoded arguments and the request's context, and
 * get back the handler's output, so authentication, the partner rate, the UnexpectedError
 * mapping and the facts of the request log line are written once, not per protocol.
 */
import type { Operation } from '../contract/index.js';
import type { AuthHeaderValue } from '../contract/common-types.js';
import { failureOutput, handlerFor, type HandlerDeps } from '../handlers/index.js';
import type { PartnerAuthenticator, PartnerCheck } from '../domain/partners/authenticate-partner.js';
import type { ApiCaller } from '../domain/api-access.js';
import type { Caller } from '../domain/ports.js';
import { errorFields, type Logger } from '../observability/logger.js';
import { clip, resultCodeReader, type RequestFacts } from '../observability/request-log.js';
import { ItemStream } from '../contract/item-stream.js';
import { PartnerSlots } from './partner-slots.js';
import { rateAllows, type PartnerRate } from './partner-rate.js';

/** An API key presented as `Authorization: Bearer <key>` (the JSON API, issue 19). */
export interface ApiKeyCredentials {
  readonly apiKey: string;
}

/**
 * The partner credentials as the edge received them; null when the call carried none. SOAP
 * sends an AuthHeader; the JSON API an AuthHeader's name and secret (Basic) or an API key.
 */
export type CallCredentials = AuthHeaderValue | ApiKeyCredentials | null;

/** The caller a key stands for; undefined for an unknown, revoked or expired key (security/api-keys.ts). */
export type ApiKeyAuthenticator = (key: string, now: Date) => Promise<ApiCaller | undefined>;

function isApiKey(credentials: CallCredentials): credentials is ApiKeyCredentials {
  return credentials !== null && 'apiKey' in credentials;
}

/** What the edge knows of the request; `facts` is filled in for the request log line and metrics. */
export interface CallContext {
  readonly requestId: string;
  readonly sourceAddress: string;
  /** The request's logger, when the edge made one; else a child of the invoker's logger. */
  readonly logger?: Logger;
  readonly facts?: RequestFacts;
}

export type Invoker = (
  operation: Operation,
  credentials: CallCredentials,
  args: Readonly<Record<string, unknown>>,
  context: CallContext,
) => Promise<Record<string, unknown>>;

/**
 * The invoker's two steps apart, for an edge that must act between them: the JSON API claims
 * an Idempotency-Key for the authenticated user, and refuses a read-only key's writes, before
 * the operation runs.
 */
export interface CallSession {
  /** The partner check (same throttles as the AuthHeader) or the API key; undefined: refused. */
  authenticate(credentials: CallCredentials, context: CallContext): Promise<ApiCaller | undefined>;
  /**
   * The partner rate (unless `rated` is false: a read that completes a call already counted),
   * then the handler; a failure inside becomes UnexpectedError.
   */
  invokeAs(caller: Caller, operation: Operation, args: Readonly<Record<string, unknown>>, context: CallContext, options?: { readonly rated?: boolean }): Promise<Record<string, unknown>>;
  /** The partner rate and the UnexpectedError mapping around work that is no contract operation (GET /api/v1/accounts). */
  run<T>(caller: Caller, context: CallContext, work: () => Promise<T>): Promise<{ readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: 'TooManyRequests' | 'UnexpectedError' }>;
}

export interface InvokerOptions {
  readonly operations: readonly Operation[];
  readonly partners: Pick<PartnerAuthenticator, 'check'>;
  /** One token per call per partner user: true, false, or the answer once a lease is taken (security/rate-limiter.ts). */
  readonly partnerRate: PartnerRate;
  readonly handlerDeps: HandlerDeps;
  /** The keyed digest of a user name (the one the AuthHeader throttle's warnings show). */
  readonly digestName: (name: string) => string;
  readonly logger: Logger;
  /** Bearer keys of the JSON API; without it every key is refused. */
  readonly apiKeys?: ApiKeyAuthenticator;
  readonly now?: () => Date;
  /**
   * Operations a partner user may run only so many of at once (GetAllAccounts, whose answer
   * streams); over it, the same answer as over the partner's rate. Per process (partner-slots.ts).
   */
  readonly concurrency?: { readonly operations: readonly string[]; readonly perPartner: number };
}

/** Gives the slot back when the output's streamed list ends, or at once when nothing streams. */
function releaseWhenDone(output: Record<string, unknown>, release: () => void): void {
  const streams = Object.values(output).filter((v): v is ItemStream<unknown> => v instanceof ItemStream && !v.isEnded);
  if (streams.length === 0) return release();
  let open = streams.length;
  for (const stream of streams) {
    stream.onEnd(() => {
      if (--open === 0) release();
    });
  }
}

/** The account the call names, when its operation declares one (`accountArgument`): read with the partner check. */
function accountNamed(operation: Operation, args: Readonly<Record<string, unknown>>): string | undefined {
  if (operation.accountArgument === undefined) return undefined;
  const value = args[operation.accountArgument];
  return typeof value === 'string' ? value : undefined;
}

/** Partner check, rate, then the operation's handler; a failure inside becomes UnexpectedError. */
export function createInvoker(options: InvokerOptions): Invoker {
  return createCallSession(options).invoke;
}

export function createCallSession(options: InvokerOptions): CallSession & { readonly invoke: Invoker } {
  const { partners, partnerRate, handlerDeps, digestName, logger } = options;
  const resultCode = resultCodeReader(options.operations);
  const requestLog = (context: CallContext): Logger => context.logger ?? logger.child({ requestId: context.requestId });
  const now = options.now ?? (() => new Date());
  const limited = new Set(options.concurrency?.operations ?? []);
  const slots = new PartnerSlots(options.concurrency?.perPartner ?? Number.POSITIVE_INFINITY);
  const tooMany = 'Too many requests from this partner user; slow down and try again shortly.';

  async function authenticateKey(credentials: ApiKeyCredentials, context: CallContext): Promise<ApiCaller | undefined> {
    const caller = options.apiKeys ? await options.apiKeys(credentials.apiKey, now()) : undefined;
    if (context.facts) {
      if (caller) {
        context.facts.partnerUser = caller.username;
        context.facts.entityId = caller.entityId;
      } else {
        // Never the key: at most its public prefix (`ams_` and 8 hex digits), which names no secret.
        context.facts.claimedUser = /^ams_[0-9a-f]{8}_/.test(credentials.apiKey) ? `key:${credentials.apiKey.slice(0, 12)}` : 'key:malformed';
      }
    }
    return caller;
  }

  /** Who the partner check found, noted for the request line; synchronous so SOAP calls pay no extra async layer. */
  function noteCheck(credentials: AuthHeaderValue | null, check: PartnerCheck, context: CallContext): Caller | undefined {
    const { caller, userExists } = check;
    if (context.facts) {
      if (caller) {
        context.facts.partnerUser = caller.username;
        context.facts.entityId = caller.entityId;
      } else {
        // Issue 14: a name that is no partner user may be a secret typed in the wrong field;
        // the log gets only its short keyed digest (the one block warnings show).
        const claimed = credentials?.UserName;
        context.facts.claimedUser = claimed ? (userExists ? clip(claimed) : `digest:${digestName(claimed.toLowerCase()).slice(0, 12)}`) : undefined;
      }
    }
    return caller;
  }

  async function authenticate(credentials: CallCredentials, context: CallContext): Promise<Caller | ApiCaller | undefined> {
    if (isApiKey(credentials)) return authenticateKey(credentials, context);
    return noteCheck(credentials, await partners.check(credentials, context.sourceAddress), context);
  }

  async function invokeAs(
    caller: Caller,
    operation: Operation,
    args: Readonly<Record<string, unknown>>,
    context: CallContext,
    callOptions: { readonly rated?: boolean } = {},
  ): Promise<Record<string, unknown>> {
    let release: (() => void) | undefined;
    try {
      // GetAllAccounts' plain-enum Result has no TooManyRequests: failureOutput answers UnexpectedError there.
      // take() answers synchronously while this process holds a token: no await on the common path.
      const allowed = rateAllows(partnerRate, caller.userId, callOptions.rated !== false);
      if (!(allowed === true || (await allowed))) return failureOutput(operation, 'TooManyRequests', tooMany);
      if (limited.has(operation.name)) {
        release = slots.take(caller.userId);
        if (release === undefined) return failureOutput(operation, 'TooManyRequests', tooMany);
      }
      const handler = handlerFor(operation);
      const output: Record<string, unknown> = await handler(args as never, {
        caller,
        deps: handlerDeps,
        request: { requestId: context.requestId, sourceAddress: context.sourceAddress, operation: operation.name },
      });
      // Held while a streamed answer is written: the edge ends the stream, however it ends.
      if (release) releaseWhenDone(output, release);
      return output;
    } catch (err) {
      release?.();
      requestLog(context).error('operation failed', { operation: operation.name, ...errorFields(err) });
      return failureOutput(operation, 'UnexpectedError', 'An unexpected error occurred; nothing was changed.');
    }
  }

  async function invokeChecked(
    operation: Operation,
    credentials: CallCredentials,
    args: Readonly<Record<string, unknown>>,
    context: CallContext,
  ): Promise<Record<string, unknown>> {
    const caller = isApiKey(credentials)
      ? await authenticateKey(credentials, context)
      : noteCheck(credentials, await partners.check(credentials, context.sourceAddress, accountNamed(operation, args)), context);
    if (!caller) return failureOutput(operation, 'InvalidSoapCredentials', 'The AuthHeader credentials are missing or wrong.');
    return invokeAs(caller, operation, args, context);
  }

  // Who called and how it ended, for the request log line and the metrics.
  const noteResult = (operation: Operation, context: CallContext) => (output: Record<string, unknown>) => {
    if (context.facts) context.facts.result = resultCode(operation, output);
    return output;
  };

  return {
    // Name and secret sign in with full rights; only a key can be read-only.
    authenticate: (credentials, context) => authenticate(credentials, context).then((caller) => caller && ('readOnly' in caller ? caller : { ...caller, readOnly: false })),
    invokeAs: (caller, operation, args, context, callOptions) => invokeAs(caller, operation, args, context, callOptions).then(noteResult(operation, context)),
    async run(caller, context, work) {
      try {
        if (!(await rateAllows(partnerRate, caller.userId))) return { ok: false, code: 'TooManyRequests' };
        return { ok: true, value: await work() };
      } catch (err) {
        requestLog(context).error('operation failed', errorFields(err));
        return { ok: false, code: 'UnexpectedError' };
      }
    },
    invoke: (operation, credentials, args, context) => invokeChecked(operation, credentials, args, context).then(noteResult(operation, context)),
  };
}
