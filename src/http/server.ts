/**
 * The only module that touches node:http. It reads bodies under a byte cap, routes GET/POST
 * as ASMX does (asmx-wire-behaviour A1, A9) and writes buffered responses with Content-Length
 * and an X-Request-Id.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVICE_PATH } from '../contract/common-types.js';
import type { SoapPipeline } from '../soap/pipeline.js';
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
}

export interface HttpAppOptions {
  readonly soap: SoapPipeline<RequestInfo>;
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
}

const SERVICE_PATH_LOWER = SERVICE_PATH.toLowerCase();
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'via'];
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const HOST = /^[A-Za-z0-9.:[\]-]{1,255}$/;

/** The request line's fields, in the order they are written. */
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

function htmlError(title: string): string {
  return `<!DOCTYPE html><html><head><title>${escapeText(title)}</title></head><body><h1>Server Error</h1><p>${escapeText(title)}</p></body></html>`;
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
    const write = (reply: HttpReply & { operation?: string; soapVersion?: string; fault?: string }, closeConnection = false): void => {
      const body = Buffer.from(reply.body, 'utf8');
      const headers: http.OutgoingHttpHeaders = {
        'Content-Length': body.length,
        'Cache-Control': 'private',
        'X-Request-Id': requestId,
      };
      if (reply.contentType) headers['Content-Type'] = reply.contentType;
      if (closeConnection) headers['Connection'] = 'close';
      res.writeHead(reply.status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
      const seconds = (performance.now() - started) / 1000;
      const isSoapCall = isSoapPath && req.method === 'POST';
      const result = reply.fault ?? facts.result ?? (isSoapCall && reply.status !== 200 ? refusal(reply.status) : undefined);
      if (isSoapCall) options.metrics?.observeSoapRequest(reply.operation ?? 'unknown', reply.soapVersion ?? 'unknown', result ?? 'unknown', seconds);
      // Balancers probe every few seconds: their lines only at debug level.
      const level = rawPath === '/healthz' || rawPath === '/readyz' ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      requestLine(level, {
        requestId,
        method: req.method,
        path: rawPath,
        status: reply.status,
        soapVersion: reply.soapVersion,
        operation: reply.operation,
        partnerUser: facts.partnerUser,
        entityId: facts.entityId,
        claimedUser: facts.claimedUser,
        result,
        remote,
        client: info.sourceAddress === remote ? undefined : info.sourceAddress,
        durationMs: Math.round(seconds * 1e6) / 1e3,
      });
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
        logger.error('unhandled request failure', { requestId, error: err instanceof Error ? err.name : String(err), errorMessage: err instanceof Error ? err.message : '' });
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
