/**
 * The JSON API's wiring (issue 19): the REST pipeline over the same call session as SOAP, the
 * idempotency and account-page stores, the partner rate's state and the OpenAPI document.
 */
import type { Operation } from '../contract/index.js';
import type { CallSession } from '../call/invoker.js';
import type { Clock, EntityRepository } from '../domain/ports.js';
import { accountPage } from '../domain/accounts/account-page.js';
import type { AccountPageRepository, IdempotencyRepository } from '../domain/api-access.js';
import { compileOpenApi } from '../describe/openapi.js';
import { createRestPipeline, type RestPipeline } from '../rest/pipeline.js';
import type { RestRateState } from '../rest/ports.js';
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
    idempotency: {
      claim: (userId, key, digest) => {
        const now = clock.now();
        return deps.idempotency.claim(userId, key, digest, now, new Date(now.getTime() + IDEMPOTENCY_TTL_MS));
      },
      complete: (userId, key, answer) => deps.idempotency.complete(userId, key, answer),
      release: (userId, key) => deps.idempotency.release(userId, key),
    },
    rateState: (userId) => (userId === null ? deps.anonymousRate : deps.partnerRate.report(userId)),
    documents,
    onInternalError: (err, info) => (info.logger ?? deps.logger).error('json api failure', errorFields(err)),
  });
}
