/**
 * The only module that touches node:http. It reads bodies under a byte cap, routes GET/POST
 * as ASMX does (asmx-wire-behaviour A1, A9) and writes buffered responses with Content-Length
 * and an X-Request-Id; a streamed answer (a long GetAllAccounts list) with chunked transfer
 * encoding, see `sendChunks`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVICE_PATH } from '../contract/common-types.js';
import type { SoapPipeline } from '../soap/pipeline.js';
import type { RestPipeline } from '../rest/pipeline.js';
import { REST_BASE_PATH } from '../contract/json-routes.js';
import type { ChunkedBody } from '../soap/encode.js';
import { parseContentType } from '../soap/content-type.js';
import { guessVersion } from '../soap/versions.js';
import { escapeText } from '../xml/writer.js';
import type { Logger } from '../observability/logger.js';
import type { RequestMetrics } from '../observability/metrics.js';
import { newRequestFacts, type RequestFacts } from '../observability/request-log.js';
import { clientAddress } from '../security/source-address.js';
import { endOfPollPhase } from './poll-phase.js';
import { requestIdSource } from './request-id.js';

export interface RequestInfo {
  readonly requestId: string;
  readonly sourceAddress: string;
  /** From this machine, and not relayed by a proxy: only then is the test form offered. */
  readonly isLocal: boolean;
  /** The request's logger: every line carries its request id. */
  readonly logger?: Logger;
  /** Filled in by the operation's invoker for the request log line and metrics. */
  readonly facts?: RequestFacts;
}

export interface PageContext {
  readonly path: string;
  readonly host: string;
  readonly isLocal: boolean;
}

export interface Documentation {
  wsdl(address: string): string;
  disco(address: string): string;
  operationList(ctx: PageContext): string;
  /** undefined when no operation has that name. */
  operationPage(name: string, ctx: PageContext): string | undefined;
}

export interface HttpReply {
  readonly status: number;
  readonly contentType?: string;
  readonly body: string;
  /** More headers (the JSON API's RateLimit-*, Location, WWW-Authenticate; the sandbox mail pages' security headers). */
  readonly headers?: Readonly<Record<string, string>>;
  /** How the call ended when the edge knows it itself (the JSON API's problem codes). */
  readonly result?: string;
  /** When set, the body is written from these pieces, chunked, and `body` is ignored. */
  readonly chunks?: ChunkedBody;
}

/** What the /sandbox/mail pages need of a GET: the path below /sandbox/mail and the credentials. */
export interface SandboxMailRequest {
  /** `''` for the list, else the message id as requested. */
  readonly messageId: string;
  readonly authorization: string | undefined;
}

export interface HttpAppOptions {
  readonly soap: SoapPipeline<RequestInfo>;
  /** The JSON API under /api/v1 (issue 19). */
  readonly rest?: RestPipeline<RequestInfo>;
  readonly docs: Documentation;
  /** Local test form: POST …asmx/<Operation>. */
  readonly invokeForm: (operation: string, form: URLSearchParams, info: RequestInfo) => Promise<HttpReply>;
  readonly health: () => Promise<{ readonly ok: boolean; readonly details: Readonly<Record<string, unknown>> }>;
  /** GET /readyz: may this instance take traffic (database, migrations, mail worker)? */
  readonly readiness?: () => Promise<{ readonly ok: boolean; readonly details: Readonly<Record<string, unknown>> }>;
  /** One counter increment and one histogram observation per SOAP request. */
  readonly metrics?: RequestMetrics;
  readonly publicUrl: string | null;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
  /** Peers whose X-Forwarded-For names the client (AMS_TRUSTED_PROXIES). */
  readonly trustedProxies?: readonly string[];
  /** Sandbox mode (issue 21): every answer carries `X-AMS-Sandbox: true`. */
  readonly sandbox?: boolean;
  /** GET /sandbox/mail[/<id>]; absent (outside sandbox mode) those paths are 404 like any unknown one. */
  readonly sandboxMail?: (request: SandboxMailRequest, info: RequestInfo) => Promise<HttpReply>;
}

const SERVICE_PATH_LOWER = SERVICE_PATH.toLowerCase();
const SANDBOX_MAIL_PATH = '/sandbox/mail';
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'via'];
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const HOST = /^[A-Za-z0-9.:[\]-]{1,255}$/;

/** The request line's fields, in the order they are written and given (see `finish`). */
const REQUEST_LINE_FIELDS = [
  'requestId',
  'method',
  'path',
  'status',
  'soapVersion',
  'operation',
  'partnerUser',
  'entityId',
  'claimedUser',
  'result',
  'remote',
  'client',
  'durationMs',
] as const;

class BodyTooLarge extends Error {}

/** The `result` of a SOAP request refused before any operation was known. */
function refusal(status: number): string {
  if (status === 400) return 'BadRequest';
  if (status === 413) return 'PayloadTooLarge';
  if (status === 415) return 'UnsupportedMediaType';
  return `HTTP${status}`;
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
    // A client cut off mid-body (request timeout, reset): settle, so nothing waits for ever.
    req.on('close', () => {
      if (!req.complete) reject(new Error('the client went away before the body was complete'));
    });
  });
}

/** The content type of an empty SOAP error answer: that of the version ASMX guesses from the headers. */
function soapErrorContentType(req: http.IncomingMessage): string {
  return guessVersion(parseContentType(req.headers['content-type']), req.headers['soapaction'] === undefined ? undefined : '').responseContentType;
}

/** An error's name and message for a log line (never its stack: it may quote request data). */
function errorDetails(err: unknown): { error: string; errorMessage: string } {
  return { error: err instanceof Error ? err.name : String(err), errorMessage: err instanceof Error ? err.message : '' };
}

function htmlError(title: string): string {
  return `<!DOCTYPE html><html><head><title>${escapeText(title)}</title></head><body><h1>Server Error</h1><p>${escapeText(title)}</p></body></html>`;
}

type StreamEnd = { readonly ended: 'complete' } | { readonly ended: 'client-gone' } | { readonly ended: 'failed'; readonly error: unknown };

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Resolves once the response can take more (drained) or never will (its connection closed). */
function writable(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes a streamed body after its head, one chunk per piece, waiting for the socket to drain
 * whenever it is full, so a slow reader holds one batch in memory, not the list. A client that
 * goes away stops the reading (the pieces are closed: no more batches are read, the partner's
 * slot is given back). Never rejects; the caller ends the response according to the outcome.
 */
async function sendChunks(res: http.ServerResponse, chunks: ChunkedBody): Promise<StreamEnd> {
  // Before end(), 'close' means the connection went away (a reset, a timeout, a drain's cut).
  let gone = res.destroyed || res.socket === null || res.socket.destroyed;
  const onClose = (): void => {
    gone = true;
  };
  res.once('close', onClose);
  try {
    for await (const piece of chunks) {
      if (gone) return { ended: 'client-gone' };
      // Full socket: wait for it to drain. Then, always, let the event loop turn before the
      // next batch: on SQLite a batch is read synchronously, so a list whose reader keeps up
      // would run as one chain of promise continuations and hold up every other request. A
      // 'drain' is no turn of the loop: when the kernel takes a piece at once (a client on a
      // fast link reading as fast as we write), node:http emits it from process.nextTick. The
      // `list` bench measured exactly that: with the turn only on a write that returned true,
      // four lists ran one after the other, /healthz waited 0.7 s and another partner's
      // GetAccountInfo 2.4 s, and not one timer fired during a list.
      if (!res.write(piece)) await writable(res);
      await nextTurn();
      if (gone) return { ended: 'client-gone' };
    }
    return { ended: 'complete' };
  } catch (error) {
    return gone ? { ended: 'client-gone' } : { ended: 'failed', error };
  } finally {
    res.off('close', onClose);
    await chunks.close().catch(() => undefined);
  }
}

/** The RequestInfo of one request; a class so that the lazy logger costs no per-request accessor. */
class HttpRequestInfo implements RequestInfo {
  readonly facts: RequestFacts = newRequestFacts();
  private requestLogger: Logger | undefined;

  constructor(
    readonly requestId: string,
    readonly sourceAddress: string,
    readonly isLocal: boolean,
    private readonly baseLogger: Logger,
  ) {}

  /** Made on first use: most requests log nothing but their one request line. */
  get logger(): Logger {
    return (this.requestLogger ??= this.baseLogger.child({ requestId: this.requestId }));
  }
}

export function createHttpHandler(options: HttpAppOptions): http.RequestListener {
  const { docs, logger } = options;
  const trustedProxies = new Set(options.trustedProxies ?? []);
  const newRequestId = requestIdSource();
  // The one line per request, its field names fixed here at boot (observability/fixed-line.ts).
  const requestLine = logger.fixedLine('request', REQUEST_LINE_FIELDS);

  // Plain promise chains rather than async functions on the SOAP path: each async layer costs
  // a promise and microtask turns on every request.
  function soapCall(req: http.IncomingMessage, info: RequestInfo): Promise<HttpReply> {
    const soapAction = req.headers['soapaction'];
    // Calls whose bodies arrive in one poll phase run together (see poll-phase.ts).
    return readBody(req, options.maxBodyBytes).then((body) =>
      endOfPollPhase().then(() =>
        options.soap({ contentType: req.headers['content-type'], soapAction: Array.isArray(soapAction) ? soapAction[0] : soapAction, body }, info),
      ),
    );
  }

  /** The JSON API: the body under the same cap, a 413 as a problem rather than the SOAP answer. */
  async function restCall(req: http.IncomingMessage, info: RequestInfo, url: URL, rest: RestPipeline<RequestInfo>): Promise<HttpReply & { operation?: string }> {
    const method = req.method ?? 'GET';
    let body: Buffer;
    try {
      body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(req, options.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      req.resume();
      const reply = await rest.tooLarge(info);
      return { status: reply.status, body: reply.body, headers: { ...reply.headers, Connection: 'close' }, ...(reply.result ? { result: reply.result } : {}) };
    }
    const header = (name: string): string | undefined => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const reply = await rest(
      { method, path: url.pathname, query: url.search.slice(1), contentType: header('content-type'), authorization: header('authorization'), idempotencyKey: header('idempotency-key'), body },
      info,
    );
    return { status: reply.status, body: reply.body, headers: reply.headers, ...(reply.result ? { result: reply.result } : {}), ...(reply.operation ? { operation: reply.operation } : {}) };
  }

  function route(req: http.IncomingMessage, info: RequestInfo, isSoapPath: boolean): Promise<HttpReply> {
    // The SOAP call, nearly every request: its path needs no URL parsing (it has no dot
    // segments or escapes that parsing could change), and `new URL` costs microseconds.
    if (isSoapPath && req.method === 'POST') return soapCall(req, info);
    return routeOther(req, info);
  }

  async function routeOther(req: http.IncomingMessage, info: RequestInfo): Promise<HttpReply> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathLower = url.pathname.toLowerCase();
    if (options.rest && (url.pathname === REST_BASE_PATH || url.pathname.startsWith(`${REST_BASE_PATH}/`))) return restCall(req, info, url, options.rest);

    if (pathLower === '/healthz') {
      const health = await options.health();
      return { status: health.ok ? 200 : 503, contentType: 'application/json', body: JSON.stringify({ status: health.ok ? 'ok' : 'unavailable', ...health.details }) };
    }
    if (pathLower === '/readyz' && options.readiness) {
      const ready = await options.readiness();
      return { status: ready.ok ? 200 : 503, contentType: 'application/json', body: JSON.stringify({ status: ready.ok ? 'ready' : 'unavailable', ...ready.details }) };
    }

    if (pathLower === SERVICE_PATH_LOWER) {
      if (method === 'POST') return soapCall(req, info);
      // Every verb but GET and POST, HEAD included (SoapServerProtocolFactory, DocumentationServerProtocol).
      if (method !== 'GET') {
        return { status: 405, contentType: 'text/html; charset=utf-8', body: htmlError('Request format is unrecognized.') };
      }
      const host = req.headers.host && HOST.test(req.headers.host) ? req.headers.host : 'localhost';
      const address = `${options.publicUrl ?? `http://${host}`}${url.pathname}`;
      const query = url.search.slice(1).toLowerCase();
      if (query === 'wsdl') return { status: 200, contentType: 'text/xml; charset=utf-8', body: docs.wsdl(address) };
      if (query === 'disco') return { status: 200, contentType: 'text/xml; charset=utf-8', body: docs.disco(address) };
      const ctx: PageContext = { path: url.pathname, host, isLocal: info.isLocal };
      const opName = [...url.searchParams].find(([k]) => k.toLowerCase() === 'op')?.[1];
      if (opName !== undefined) {
        const page = docs.operationPage(opName, ctx);
        if (page !== undefined) return { status: 200, contentType: 'text/html; charset=utf-8', body: page };
      }
      return { status: 200, contentType: 'text/html; charset=utf-8', body: docs.operationList(ctx) };
    }

    if (pathLower.startsWith(`${SERVICE_PATH_LOWER}/`)) {
      const operation = url.pathname.slice(SERVICE_PATH.length + 1);
      const isForm = (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
      if (method === 'POST' && info.isLocal && isForm) {
        const body = await readBody(req, options.maxBodyBytes);
        return options.invokeForm(operation, new URLSearchParams(body.toString('utf8')), info);
      }
      return {
        status: 500,
        contentType: 'text/html; charset=utf-8',
        body: htmlError(`Request format is unrecognized for URL unexpectedly ending in '/${operation}'.`),
      };
    }

    const sandboxMail = options.sandboxMail;
    if (sandboxMail && (url.pathname === SANDBOX_MAIL_PATH || url.pathname.startsWith(`${SANDBOX_MAIL_PATH}/`))) {
      if (method !== 'GET' && method !== 'HEAD') return { status: 405, contentType: 'text/plain; charset=utf-8', body: 'Method Not Allowed', headers: { Allow: 'GET, HEAD' } };
      return sandboxMail({ messageId: url.pathname.slice(SANDBOX_MAIL_PATH.length + 1), authorization: req.headers.authorization }, info);
    }

    return { status: 404, contentType: 'text/plain; charset=utf-8', body: 'Not Found' };
  }

  return (req, res) => {
    const incomingId = req.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : newRequestId();
    const remote = req.socket.remoteAddress;
    const info = new HttpRequestInfo(
      requestId,
      clientAddress(remote, req.headers['x-forwarded-for'], trustedProxies),
      isLoopback(remote) && !PROXY_HEADERS.some((h) => req.headers[h] !== undefined),
      logger,
    );
    const facts = info.facts;
    const started = performance.now();
    const rawUrl = req.url ?? '/';
    const query = rawUrl.indexOf('?');
    const rawPath = query === -1 ? rawUrl : rawUrl.slice(0, query);
    const isSoapPath = rawPath.length === SERVICE_PATH.length && rawPath.toLowerCase() === SERVICE_PATH_LOWER;
    type Reply = HttpReply & { operation?: string; soapVersion?: string; fault?: string };
    const write = (reply: Reply, closeConnection = false): void => {
      if (reply.chunks) return stream(reply, reply.chunks);
      // The body goes to node:http as the string it is: node:http then joins it to the head and
      // hands both to the socket as one string, encoded once in native code. Converted to a
      // Buffer here first, the answer was flattened and encoded in JavaScript's Buffer pool and
      // then written as a writev of head and body: 0.7–1.5 µs more per GetAccountInfo in an A/B
      // of the two builds (bench/README.md, issue 20).
      const body = reply.body;
      const headers: http.OutgoingHttpHeaders = {
        'Content-Length': Buffer.byteLength(body, 'utf8'),
        'Cache-Control': 'private',
        'X-Request-Id': requestId,
      };
      if (reply.contentType) headers['Content-Type'] = reply.contentType;
      if (reply.headers) Object.assign(headers, reply.headers);
      if (options.sandbox) headers['X-AMS-Sandbox'] = 'true';
      if (closeConnection) headers['Connection'] = 'close';
      res.writeHead(reply.status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
      finish(reply);
    };
    /**
     * A streamed answer: no Content-Length, so node:http writes it chunked (HTTP/1.1) or ends it
     * by closing the connection (HTTP/1.0). Its head is out before the list is read to the end,
     * so a failure after it cannot become an error answer any more: the connection is cut
     * without the last chunk, which every HTTP client reports as a truncated answer (never a
     * short list taken for a whole one), and the failure is logged. Errors before the head
     * (the first batches are read during the call) are still today's UnexpectedError answer.
     */
    const stream = (reply: Reply, chunks: ChunkedBody): void => {
      const headers: http.OutgoingHttpHeaders = { 'Cache-Control': 'private', 'X-Request-Id': requestId };
      if (reply.contentType) headers['Content-Type'] = reply.contentType;
      if (options.sandbox) headers['X-AMS-Sandbox'] = 'true';
      res.writeHead(reply.status, headers);
      void sendChunks(res, chunks).then((end) => {
        if (end.ended === 'complete') {
          res.end();
          finish(reply);
          return;
        }
        if (end.ended === 'failed') {
          res.destroy();
          (info.logger ?? logger).error('streamed answer failed after its head was sent: connection cut', errorDetails(end.error));
          finish(reply, 'StreamFailed');
          return;
        }
        // Once per request: the reading of the list stopped with it.
        (info.logger ?? logger).warn('client went away during a streamed answer: list reading stopped', { operation: reply.operation });
        finish(reply, 'ClientGone');
      });
    };
    const finish = (reply: Reply, cut?: 'ClientGone' | 'StreamFailed'): void => {
      const seconds = (performance.now() - started) / 1000;
      const isSoapCall = isSoapPath && req.method === 'POST';
      const result = cut ?? reply.fault ?? reply.result ?? facts.result ?? (isSoapCall && reply.status !== 200 ? refusal(reply.status) : undefined);
      if (isSoapCall) options.metrics?.observeSoapRequest(reply.operation ?? 'unknown', reply.soapVersion ?? 'unknown', result ?? 'unknown', seconds);
      // The JSON API's calls in the same series, told apart by the protocol label.
      else if (reply.result !== undefined && reply.operation !== undefined) options.metrics?.observeSoapRequest(reply.operation, 'json', result ?? 'unknown', seconds);
      // Balancers probe every few seconds: their lines only at debug level.
      const level = rawPath === '/healthz' || rawPath === '/readyz' ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      // In REQUEST_LINE_FIELDS' order (fixed-line.ts says why by position).
      requestLine(level, [
        requestId,
        req.method,
        rawPath,
        reply.status,
        reply.soapVersion,
        reply.operation,
        facts.partnerUser,
        facts.entityId,
        facts.claimedUser,
        result,
        remote,
        info.sourceAddress === remote ? undefined : info.sourceAddress,
        Math.round(seconds * 1e6) / 1e3,
      ]);
    };
    route(req, info, isSoapPath).then(
      (reply) => write(reply),
      (err: unknown) => {
        if (err instanceof BodyTooLarge) {
          // In the request's SOAP content type, as ASMX sets it before it writes an error.
          write({ status: 413, contentType: soapErrorContentType(req), body: '' }, true);
          req.resume();
          return;
        }
        logger.error('unhandled request failure', { requestId, ...errorDetails(err) });
        if (!res.headersSent) write({ status: 500, contentType: 'text/plain; charset=utf-8', body: 'An error occurred on the server.' });
      },
    );
  };
}

export interface RunningServer {
  readonly server: http.Server;
  readonly port: number;
  /**
   * Stops accepting connections and drains: requests in flight are answered with
   * `Connection: close`, idle connections are closed. Resolves true once every connection has
   * ended by itself, false when `deadlineMs` passed first and the rest were cut.
   */
  close(deadlineMs?: number): Promise<boolean>;
}

/** Slow and stuck clients (issue 6); the defaults are those of AMS_HEADERS_TIMEOUT_MS etc. */
export interface ConnectionLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
}

const DEFAULT_LIMITS: ConnectionLimits = { headersTimeoutMs: 20_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000, maxConnections: 1000 };

export function listen(handler: http.RequestListener, port: number, host: string, limits: ConnectionLimits = DEFAULT_LIMITS): Promise<RunningServer> {
  let draining = false;
  /**
   * Once the drain has begun, every answer not yet written closes its connection. The check
   * sits where the head is written rather than in a set of responses in flight: adding to and
   * deleting from a long-lived Set on every request kept requests alive across young-generation
   * collections, and the promotions cost a major collection a second under load (bench/README.md).
   * node:http writes every head through writeHead, implicit ones included.
   */
  type Headers = http.OutgoingHttpHeaders | http.OutgoingHttpHeader[];
  class DrainAwareResponse extends http.ServerResponse {
    override writeHead(statusCode: number, statusMessage?: string, headers?: Headers): this;
    override writeHead(statusCode: number, headers?: Headers): this;
    override writeHead(statusCode: number, messageOrHeaders?: string | Headers, headers?: Headers): this {
      if (draining && !this.headersSent) this.setHeader('Connection', 'close');
      return typeof messageOrHeaders === 'string' ? super.writeHead(statusCode, messageOrHeaders, headers) : super.writeHead(statusCode, messageOrHeaders);
    }
  }
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the header and request timeouts on this period (default 30 s).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
      ServerResponse: DrainAwareResponse,
    },
    handler,
  );
  server.maxConnections = limits.maxConnections;
  // No traffic either way for this long (a client that stops reading its answer): cut.
  server.setTimeout(limits.requestTimeoutMs);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: actual,
        close: (deadlineMs = Number.POSITIVE_INFINITY) =>
          new Promise<boolean>((done) => {
            draining = true;
            // Node 20 keeps a kept-alive connection open after close(); sweep idle ones until all are gone.
            const sweep = setInterval(() => server.closeIdleConnections(), 50);
            const cut = Number.isFinite(deadlineMs)
              ? setTimeout(() => {
                  clearInterval(sweep);
                  server.closeAllConnections();
                  done(false);
                }, deadlineMs)
              : undefined;
            server.close(() => {
              clearInterval(sweep);
              if (cut) clearTimeout(cut);
              done(true);
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
