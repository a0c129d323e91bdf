/**
 * Issue 21, the sandbox's pieces as the composition root wires them: the database-mode check at
 * start, the capturing mail transport, and the /sandbox/mail pages behind HTTP Basic with the
 * partner's API credentials (the same PartnerAuthenticator, failure throttle and partner rate as
 * the AuthHeader, so the pages are no easier a way to guess a secret than a SOAP call).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CallSession } from '../call/invoker.js';
import type { DatabaseMode } from '../domain/sandbox/ports.js';
import { listCapturedMail, readCapturedMail, resetSandboxTree, seedSandboxAccounts, type SandboxDone, type SeedReport } from '../domain/sandbox/sandbox.js';
import type { Caller, Clock, PasswordHasher } from '../domain/ports.js';
import type { CapturedMail, CapturedMailSummary, ResetCounts } from '../domain/sandbox/ports.js';
import { renderMailList, renderMailMessage, renderMailNotFound, SANDBOX_MAIL_HEADERS } from '../describe/sandbox-mail-pages.js';
import type { HttpReply, RequestInfo, SandboxMailRequest } from '../http/server.js';
import type { MailTransport } from '../mail/message.js';
import { captureTransport } from '../mail/capture-transport.js';
import type { Logger } from '../observability/logger.js';
import { parseAuthorization } from '../rest/authorization.js';
import type { Database } from '../store/schema.js';
import { mailCaptureStore, sandboxStore } from '../store/repositories/sandbox.js';

/** The database was created in the other mode: the service refuses to start on it. */
export class DatabaseModeMismatchError extends Error {
  override readonly name = 'DatabaseModeMismatchError';
  constructor(
    readonly configured: DatabaseMode,
    readonly recorded: DatabaseMode,
  ) {
    super(
      configured === 'sandbox'
        ? 'refusing to start a sandbox (AMS_SANDBOX=true) on a production database; give the sandbox a database of its own'
        : 'refusing to start production on a sandbox database; unset AMS_SANDBOX only with the production database',
    );
  }
}

export const modeOf = (sandbox: boolean): DatabaseMode => (sandbox ? 'sandbox' : 'production');

/** The sandbox's transport: captures, never sends; says once at start what it ignores. */
export function sandboxMailTransport(db: Kysely<Database>, smtpUrl: string | null, logger: Logger, now: () => number): MailTransport {
  logger.info(
    smtpUrl === null
      ? 'sandbox mode: notification e-mails are captured for /sandbox/mail, never sent'
      : 'sandbox mode: AMS_SMTP_URL is ignored; notification e-mails are captured for /sandbox/mail, never sent',
  );
  return captureTransport({ store: mailCaptureStore(db), newId: () => randomBytes(16).toString('hex'), now });
}

export interface SandboxMailDeps {
  readonly db: Kysely<Database>;
  /**
   * The call session SOAP and the JSON API use (call/invoker.ts): the same partner check, failure
   * throttle and API keys (issue 19) to sign in, the same partner rate and failure handling per page.
   */
  readonly calls: Pick<CallSession, 'authenticate' | 'run'>;
}

const CHALLENGE: HttpReply = {
  status: 401,
  contentType: 'text/plain; charset=utf-8',
  body: 'Sign in with your partner API user name and password (or an API key as the password).',
  headers: { ...SANDBOX_MAIL_HEADERS, 'WWW-Authenticate': 'Basic realm="AMS sandbox mail", charset="UTF-8"' },
};

/** The shape of an API key (security/api-keys.ts): `ams_<public id>_<secret>`. */
const API_KEY = /^ams_[0-9a-f]{8}_/;

/**
 * The partner behind a /sandbox/mail request: Basic with the partner API user's name and secret
 * (the AuthHeader's check and throttle), or an API key: `Bearer <key>`, or the key typed as the
 * Basic prompt's password under the key's own user name (a browser can send only Basic).
 */
async function signIn(calls: SandboxMailDeps['calls'], authorization: string | undefined, info: RequestInfo): Promise<Caller | undefined> {
  const credentials = parseAuthorization(authorization);
  const typed = credentials !== null && 'Password' in credentials ? credentials : undefined;
  const key = typed?.Password ?? '';
  if (typed === undefined || !API_KEY.test(key)) return calls.authenticate(credentials, info);
  const caller = await calls.authenticate({ apiKey: key }, info);
  if (caller && caller.username.toLowerCase() === (typed.UserName ?? '').toLowerCase()) return caller;
  if (info.facts) {
    // Refused: the line names no user, only the key's public prefix, as for a refused Bearer key.
    info.facts.partnerUser = undefined;
    info.facts.entityId = undefined;
    info.facts.claimedUser = `key:${key.slice(0, 12)}`;
  }
  return undefined;
}

const html = (status: number, body: string): HttpReply => ({ status, contentType: 'text/html; charset=utf-8', body, headers: SANDBOX_MAIL_HEADERS });

const TOO_MANY: HttpReply = {
  status: 429,
  contentType: 'text/plain; charset=utf-8',
  body: 'Too many requests from this partner user; slow down and try again shortly.',
  headers: { ...SANDBOX_MAIL_HEADERS, 'Retry-After': '60' },
};
const FAILED: HttpReply = { status: 500, contentType: 'text/plain; charset=utf-8', body: 'An error occurred on the server.', headers: SANDBOX_MAIL_HEADERS };

export function sandboxMailPages(deps: SandboxMailDeps): (request: SandboxMailRequest, info: RequestInfo) => Promise<HttpReply> {
  const store = sandboxStore(deps.db);
  async function page(caller: Caller, messageId: string): Promise<HttpReply> {
    if (messageId === '') {
      const listed = await listCapturedMail(store, caller);
      return listed.ok ? html(200, renderMailList(caller.username, listed.value)) : html(404, renderMailNotFound());
    }
    const message = await readCapturedMail(store, caller, messageId);
    return message === undefined ? html(404, renderMailNotFound()) : html(200, renderMailMessage(message));
  }
  return async (request, info) => {
    const caller = await signIn(deps.calls, request.authorization, info);
    if (!caller) return CHALLENGE;
    // One token of the partner rate per page, as per call; a failure inside is logged with the request id.
    const run = await deps.calls.run(caller, info, () => page(caller, request.messageId));
    if (run.ok) return run.value;
    return run.code === 'TooManyRequests' ? TOO_MANY : FAILED;
  };
}

/**
 * The sandbox's use cases bound to this instance's database, hasher and clock, each scoped to the
 * authenticated caller's tree: what the JSON API's /api/v1/sandbox/* routes (issue 19) call as
 * thin wrappers. Every one refuses (`not-sandbox`) on a database that is not a sandbox's.
 */
export interface SandboxUseCases {
  listMail(caller: Caller): Promise<SandboxDone<CapturedMailSummary[]>>;
  /** undefined: no such message in the caller's tree (answer 404, as for an unknown id). */
  readMail(caller: Caller, id: string): Promise<CapturedMail | undefined>;
  reset(caller: Caller): Promise<SandboxDone<ResetCounts>>;
  /** `accounts` 1–1000 sample accounts in the caller's own entity. */
  seed(caller: Caller, accounts: number): Promise<SandboxDone<SeedReport>>;
}

export function sandboxUseCases(db: Kysely<Database>, hasher: PasswordHasher, clock: Clock): SandboxUseCases {
  const store = sandboxStore(db);
  return {
    listMail: (caller) => listCapturedMail(store, caller),
    readMail: (caller, id) => readCapturedMail(store, caller, id),
    reset: (caller) => resetSandboxTree(store, caller.entityId),
    seed: (caller, accounts) =>
      seedSandboxAccounts(
        { store, hasher, clock, newTag: () => randomBytes(3).toString('hex'), newSecret: () => randomBytes(18).toString('base64url') },
        caller.entityId,
        accounts,
      ),
  };
}
