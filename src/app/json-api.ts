/**
 * The JSON API's wiring (issue 19): the REST pipeline over the same call session as SOAP, the
 * idempotency and account-page stores, the partner rate's state and the OpenAPI document.
 */
import { openAnswer, sealAnswer, storedIdempotencyKey, storedRequestDigest } from '../security/idempotency-seal.js';
import type { Operation } from '../contract/index.js';
import type { CallSession } from '../call/invoker.js';
import type { Clock, EntityRepository } from '../domain/ports.js';
import { accountPage } from '../domain/accounts/account-page.js';
import type { AccountPageRepository, IdempotencyRepository } from '../domain/api-access.js';
import { compileOpenApi } from '../describe/openapi.js';
import { createRestPipeline, type RestPipeline } from '../rest/pipeline.js';
import type { RestRateState, RestSandbox, SandboxOutcome } from '../rest/ports.js';
import type { SandboxUseCases } from './sandbox.js';
import type { SandboxDone } from '../domain/sandbox/sandbox.js';
import type { RequestInfo } from '../http/server.js';
import type { RateLimiter } from '../security/rate-limiter.js';
import { errorFields, type Logger } from '../observability/logger.js';

/** Idempotency keys are kept this long (issue 19: a retry within 24 h replays). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface JsonApiDeps {
  readonly calls: CallSession;
  readonly idempotency: IdempotencyRepository;
  readonly accountPages: AccountPageRepository;
  readonly entities: Pick<EntityRepository, 'isWithinTree'>;
  readonly partnerRate: Pick<RateLimiter, 'report'>;
  /** The sizes RateLimit-* show before anyone signed in (a full bucket); null when the limit is off. */
  readonly anonymousRate: RestRateState | null;
  readonly clock: Clock;
  readonly version: string;
  readonly logger: Logger;
  /** Sandbox mode only (issue 21): the use cases behind /api/v1/sandbox/*. */
  readonly sandbox?: SandboxUseCases;
  /** More unauthenticated documents below /api/v1 (the docs page). */
  readonly documents?: ReadonlyMap<string, { readonly contentType: string; readonly body: string }>;
}

export function createJsonApi(deps: JsonApiDeps): RestPipeline<RequestInfo> {
  const { calls, clock } = deps;
  const documents = new Map(deps.documents ?? []);
  documents.set('/openapi.json', { contentType: 'application/json', body: compileOpenApi({ version: deps.version }) });
  return createRestPipeline<RequestInfo>({
    session: {
      authenticate: (credentials, info) => calls.authenticate(credentials, info),
      // Sound: the REST declaration names only contract operations.
      invoke: (caller, operation, args, info, options) => calls.invokeAs(caller, operation as Operation, args, info, options),
      async listAccounts(caller, query, info) {
        const run = await calls.run(caller, info, () =>
          accountPage({ entities: deps.entities, pages: deps.accountPages }, caller, query, { entityId: 'entityId', customerTypeCode: 'customerTypeCode' }),
        );
        if (!run.ok) return { ok: false, code: run.code, message: '' };
        const outcome = run.value;
        if (outcome.code !== 'Success') return { ok: false, code: outcome.code, message: outcome.message };
        return { ok: true, items: outcome.value ?? [] };
      },
    },
    // The database keeps the key's digest, an HMAC of the request and the answer sealed
    // under the key (security/idempotency-seal.ts): no password or token at rest.
    idempotency: {
      async claim(userId, key, digest) {
        const now = clock.now();
        const claim = await deps.idempotency.claim(userId, storedIdempotencyKey(key), storedRequestDigest(key, digest), now, new Date(now.getTime() + IDEMPOTENCY_TTL_MS));
        return claim.kind === 'replay' ? { kind: 'replay', ...openAnswer(key, claim.status, claim.body) } : claim;
      },
      complete: (userId, key, answer) => deps.idempotency.complete(userId, storedIdempotencyKey(key), { status: answer.status, headers: {}, body: sealAnswer(key, answer) }),
      release: (userId, key) => deps.idempotency.release(userId, storedIdempotencyKey(key)),
    },
    rateState: (userId) => (userId === null ? deps.anonymousRate : deps.partnerRate.report(userId)),
    documents,
    ...(deps.sandbox ? { sandbox: sandboxRoutes(calls, deps.sandbox) } : {}),
    onInternalError: (err, info) => (info.logger ?? deps.logger).error('json api failure', errorFields(err)),
  });
}

/**
 * The sandbox use cases as the JSON edge calls them: each call rated like an operation (one token
 * of the partner rate), a failure inside logged and answered with the request id only. A
 * database that is not a sandbox's cannot happen here (start refuses it) but answers 404 anyway.
 */
function sandboxRoutes(calls: CallSession, sandbox: SandboxUseCases): RestSandbox<RequestInfo> {
  async function rated<T>(caller: Parameters<CallSession['run']>[0], info: RequestInfo, work: () => Promise<SandboxOutcome<T>>): Promise<SandboxOutcome<T>> {
    const run = await calls.run(caller, info, work);
    return run.ok ? run.value : { ok: false, code: run.code, message: '' };
  }
  const fromDone = <T>(done: SandboxDone<T>): SandboxOutcome<T> => {
    if (done.ok) return done;
    return { ok: false, code: done.reason === 'bad-count' ? 'InvalidInputParameters' : 'NotFound', message: done.reason === 'bad-count' ? done.message : '' };
  };
  return {
    // The store answers at most 500, newest first; the edge cuts that to the caller's limit.
    listMail: (caller, _limit, info) => rated(caller, info, async () => fromDone(await sandbox.listMail(caller))),
    readMail: (caller, id, info) =>
      rated(caller, info, async () => {
        const mail = await sandbox.readMail(caller, id);
        return mail === undefined ? { ok: false, code: 'NotFound', message: 'No such message among the mail of your accounts.' } : { ok: true, value: mail };
      }),
    reset: (caller, info) =>
      rated(caller, info, async () => {
        const done = fromDone(await sandbox.reset(caller));
        return done.ok ? { ok: true, value: { ...done.value } } : done;
      }),
    seed: (caller, accounts, info) => rated(caller, info, async () => fromDone(await sandbox.seed(caller, accounts))),
  };
}
