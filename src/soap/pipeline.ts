/**
 * The SOAP core: one request message in, one response out, no socket. HTTP, SQL and accounts
 * live elsewhere; the operation is carried out by the injected `invoke`.
 *
 * The steps follow ASMX's SoapServerProtocol (asmx-wire-behaviour A2-A4): a version guessed from
 * the headers; routing by SOAPAction or the `action` parameter, else by the Body's first element
 * (for which the body is read, so that an XML error met there is a 500 `soap:Server` fault
 * "Server was unable to process request. ---> …"); then the content-type check (415 empty), the
 * envelope's version, and the body read as the operation's parameters (an XML error there, a
 * DOCTYPE or a parse limit: 400 empty). Every other SOAP fault is a 500 with a fault envelope;
 * success is 200. Empty answers carry the version's content type, as ASMX sets it before it
 * writes an error.
 */
import { AuthHeader, type AuthHeaderValue, SERVICE_NAMESPACE } from '../contract/common-types.js';
import { requestElementOf, type OperationDefinition } from '../contract/operation.js';
import { XmlLimitError, XmlSyntaxError, locateElement, parseXml, type PartialDocument, type XmlElement } from '../xml/reader.js';
import type { XmlLimits } from '../xml/limits.js';
import { decodeRequestBody } from './charset.js';
import { actionParameter, parseContentType, soapActionValue, type ContentType } from './content-type.js';
import { FieldValueError, decodeArguments, decodeComplex, type DecodedFields } from './decode.js';
import { OperationRouter, type RequestElementName } from './dispatch.js';
import { encodeResponseBody, encodeStreamedResponseBody, type ChunkedBody } from './encode.js';
import { SoapFault, faultEnvelope, processRequestFault, readRequestFault } from './fault.js';
import { ENVELOPE_CLOSE, SOAP11, SOAP12, envelopeOpen, guessVersion, versionOfEnvelope, type SoapVersion } from './versions.js';
import { xmlExceptionMessage } from './xml-errors.js';

export interface SoapRequest {
  readonly contentType: string | undefined;
  /** The raw SOAPAction header; undefined when the request has none. */
  readonly soapAction: string | undefined;
  readonly body: Uint8Array;
}

export interface SoapResponse {
  readonly status: number;
  /** The version's SOAP content type; on the empty 400/415 answers too. */
  readonly contentType?: string;
  readonly body: string;
  /**
   * Set when the answer is written as it is read (a long GetAllAccounts list): the body is these
   * pieces in order and `body` is empty. The transport must read it to the end or close it.
   */
  readonly chunks?: ChunkedBody;
  /** Set once a SOAP version and operation are known, for logs and metrics. */
  readonly operation?: string;
  readonly soapVersion?: SoapVersion['id'];
  /** Set on a fault answer, for logs and metrics. */
  readonly fault?: SoapFault['kind'];
}

export interface SoapCall<O extends OperationDefinition> {
  readonly operation: O;
  readonly soapVersion: SoapVersion['id'];
  /** null when the request carries no AuthHeader. */
  readonly authHeader: AuthHeaderValue | null;
  readonly args: DecodedFields;
}

export interface SoapPipelineOptions<O extends OperationDefinition, C> {
  readonly operations: readonly O[];
  readonly limits: XmlLimits;
  /** Carries out the call; `context` is whatever the transport passed in (request id, address). */
  readonly invoke: (call: SoapCall<O>, context: C) => Promise<Record<string, unknown>>;
  /** Told about every failure that became a `soap:Server` fault; the client sees none of it. */
  readonly onInternalError: (error: unknown, context: C) => void;
  /** Told when a request names a charset or encoding we do not know (it is read by the fallback). */
  readonly onUnknownEncoding?: (encoding: string, context: C) => void;
}

export type SoapPipeline<C> = (request: SoapRequest, context: C) => Promise<SoapResponse>;

const EMPTY = new Map<string, SoapResponse>();
/** An empty 400 or 415 in a version's content type (a handful of frozen answers, shared). */
function emptyAnswer(status: 400 | 415, version: SoapVersion): SoapResponse {
  const key = `${status} ${version.id}`;
  let answer = EMPTY.get(key);
  if (!answer) {
    answer = Object.freeze({ status, contentType: version.responseContentType, body: '' });
    EMPTY.set(key, answer);
  }
  return answer;
}

const MISSING_ENVELOPE = 'Request format is invalid: Missing required soap:Envelope element.';
const MISSING_BODY = 'Request format is invalid: Missing required soap:Body element.';

function isTrue(value: string): boolean {
  const v = value.trim();
  return v === '1' || v === 'true';
}

function envelopeChild(envelope: XmlElement, version: SoapVersion, local: string): XmlElement | undefined {
  return envelope.children.find((c) => c.uri === version.envelopeNamespace && c.local === local);
}

/** XmlSerializer's "There is an error in XML document (line, col)." for one element. */
function documentError(source: string, element: XmlElement): string {
  const { line, column } = locateElement(source, element.ordinal);
  return `There is an error in XML document (${line}, ${column}).`;
}

function decodeOrFault<T>(source: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof FieldValueError) throw readRequestFault(documentError(source, err.element), err.message);
    throw err;
  }
}

function versionMismatch(namespace: string): SoapFault {
  return new SoapFault(
    'VersionMismatch',
    `Possible SOAP version mismatch: Envelope namespace ${namespace} was unexpected. Expecting ${SOAP11.envelopeNamespace}.`,
  );
}

/**
 * What ASMX's GetRequestElement finds in a (possibly partial) document: the root must be an
 * Envelope (in any namespace: the version is checked later), the first Body in its namespace is
 * looked for, and its first content decides. `reached` is false when the document ended (or
 * broke) before that point; otherwise `error` is the InvalidOperationException text it throws, or
 * `element` the Body's first element (undefined for an empty Body or text).
 */
type RequestElementSearch =
  | { readonly reached: false }
  | { readonly reached: true; readonly error: string }
  | { readonly reached: true; readonly element: RequestElementName | undefined };

function findRequestElement(root: XmlElement | undefined, open: readonly XmlElement[], complete: boolean): RequestElementSearch {
  if (!root) return { reached: false };
  if (root.local !== 'Envelope') return { reached: true, error: MISSING_ENVELOPE };
  const body = root.children.find((c) => c.local === 'Body' && c.uri === root.uri);
  if (!body) return complete ? { reached: true, error: MISSING_BODY } : { reached: false };
  const first = body.children[0];
  if (first) return { reached: true, element: first };
  const closed = complete || !open.includes(body);
  return closed || body.text.trim() !== '' ? { reached: true, element: undefined } : { reached: false };
}

export function createSoapPipeline<O extends OperationDefinition, C>(options: SoapPipelineOptions<O, C>): SoapPipeline<C> {
  const router = new OperationRouter(options.operations);

  function faultResponse(version: SoapVersion, fault: SoapFault, operation?: string): SoapResponse {
    return {
      status: 500,
      contentType: version.responseContentType,
      body: faultEnvelope(version, fault),
      soapVersion: version.id,
      fault: fault.kind,
      ...(operation ? { operation } : {}),
    };
  }

  /** ASMX's answer when routing by the body failed: the version of the envelope's namespace, a mismatch overriding. */
  function routingFailure(root: XmlElement | undefined, guessed: SoapVersion, fault: SoapFault): SoapResponse {
    if (root === undefined) return faultResponse(guessed, fault);
    const version = versionOfEnvelope(root.uri);
    return version ? faultResponse(version, fault) : faultResponse(SOAP11, versionMismatch(root.uri));
  }

  /**
   * Routing by the Body's first element in a complete or partial document: the operation, the
   * fault ASMX answers (in the envelope's version, a mismatch overriding), or undefined when a
   * partial document broke off before the request element (the XML error is then the answer).
   */
  function routeByBody(root: XmlElement | undefined, open: readonly XmlElement[], complete: boolean, guessed: SoapVersion, action: string | undefined): O | SoapResponse | undefined {
    const search = findRequestElement(root, open, complete);
    if (!search.reached) return undefined;
    if ('error' in search) return routingFailure(root, guessed, new SoapFault('Server', `Server was unable to process request. ---> ${search.error}`));
    try {
      return router.routeByElement(search.element, action);
    } catch (err) {
      if (err instanceof SoapFault) return routingFailure(root, guessed, err);
      throw err;
    }
  }

  /**
   * A malformed document. Met while routing by the body: a 500 Server fault. Met while reading
   * the parameters (after routing): the envelope's namespace is checked first, as ReadParameters
   * does once the root is read; then an empty 400.
   */
  function malformed(err: XmlSyntaxError, partial: PartialDocument, routedByBody: boolean, guessed: SoapVersion, contentType: ContentType): SoapResponse {
    const root = partial.root;
    if (routedByBody) {
      const routed = routeByBody(root, partial.open, false, guessed, actionParameter(contentType));
      if (routed === undefined) return routingFailure(root, guessed, new SoapFault('Server', `Server was unable to process request. ---> ${xmlExceptionMessage(err)}`));
      if ('status' in routed) return routed;
    }
    if (root === undefined) return emptyAnswer(400, guessed);
    const version = versionOfEnvelope(root.uri);
    if (!version) return faultResponse(SOAP11, versionMismatch(root.uri));
    if (version === SOAP11 && contentType.mediaType !== SOAP11.mediaType) return emptyAnswer(415, SOAP11);
    // ReadParameters checks the root's name before it reads on to the error.
    if (root.local !== 'Envelope') return faultResponse(version, readRequestFault(MISSING_ENVELOPE));
    return emptyAnswer(400, version);
  }

  function readAuthHeader(header: XmlElement | undefined, version: SoapVersion, source: string): AuthHeaderValue | null {
    let auth: AuthHeaderValue | null = null;
    for (const entry of header?.children ?? []) {
      if (entry.uri === SERVICE_NAMESPACE && entry.local === AuthHeader.name) {
        if (auth === null) auth = decodeOrFault(source, () => decodeComplex(AuthHeader, entry)) as AuthHeaderValue;
        continue;
      }
      const mustUnderstand = entry.attributes.find(
        (a) => a.uri === version.envelopeNamespace && a.local === 'mustUnderstand',
      );
      if (mustUnderstand && isTrue(mustUnderstand.value)) {
        throw new SoapFault('MustUnderstand', `SOAP header ${entry.local} was not understood.`, true);
      }
    }
    return auth;
  }

  return async function handleSoapRequest(request: SoapRequest, context: C): Promise<SoapResponse> {
    const contentType = parseContentType(request.contentType);
    const guessed = guessVersion(contentType, request.soapAction);
    const action = actionParameter(contentType);

    // Routing by the headers comes before anything is read (SoapServerProtocol.Initialize).
    let routed: O | undefined;
    try {
      routed = router.routeByHeaders({
        guessed,
        soapAction: request.soapAction === undefined ? undefined : soapActionValue(request.soapAction),
        actionParameter: action,
      });
    } catch (err) {
      if (err instanceof SoapFault) {
        // The content-type check is ASMX's next step, but a request of no SOAP type was never
        // routed here before, and 415 stays its answer.
        if (contentType.mediaType !== SOAP11.mediaType && contentType.mediaType !== SOAP12.mediaType) return emptyAnswer(415, guessed);
        return faultResponse(guessed, err);
      }
      throw err;
    }
    if (contentType.mediaType !== SOAP11.mediaType && contentType.mediaType !== SOAP12.mediaType) return emptyAnswer(415, guessed);

    let text: string;
    let envelope: XmlElement;
    try {
      const decoded = decodeRequestBody(request.body, contentType.parameters.get('charset'));
      if (decoded.unknownEncoding !== undefined) options.onUnknownEncoding?.(decoded.unknownEncoding, context);
      text = decoded.text;
      envelope = parseXml(text, options.limits);
    } catch (err) {
      if (err instanceof XmlLimitError) return emptyAnswer(400, guessed);
      if (err instanceof XmlSyntaxError) {
        // Bytes invalid in their encoding cannot be placed: answered as malformed XML, 400.
        if (err.partial === undefined) return emptyAnswer(400, guessed);
        return malformed(err, err.partial, routed === undefined, guessed, contentType);
      }
      throw err;
    }

    let operation = routed;
    if (operation === undefined) {
      const byBody = routeByBody(envelope, [], true, guessed, action);
      if (byBody === undefined || 'status' in byBody) return byBody ?? emptyAnswer(400, guessed); // a complete document always reaches a decision
      operation = byBody;
    }

    const version = versionOfEnvelope(envelope.uri);
    if (!version) return faultResponse(SOAP11, versionMismatch(envelope.uri));
    // A SOAP 1.1 envelope must arrive as text/xml; a 1.2 envelope is accepted with either type.
    if (version === SOAP11 && contentType.mediaType !== SOAP11.mediaType) return emptyAnswer(415, SOAP11);

    try {
      if (envelope.local !== 'Envelope') throw readRequestFault(MISSING_ENVELOPE);
      const authHeader = readAuthHeader(envelopeChild(envelope, version, 'Header'), version, text);
      const body = envelopeChild(envelope, version, 'Body');
      if (!body) throw readRequestFault(MISSING_BODY);
      const requestElement = body.children[0];
      // Not the operation's element (another operation's, unknown, another namespace) or none:
      // XmlSerializer skips it as an unknown node and the method runs with absent parameters.
      const matches = requestElement !== undefined && requestElement.uri === SERVICE_NAMESPACE && requestElement.local === requestElementOf(operation);
      const args = decodeOrFault(text, () => decodeArguments(operation, matches ? requestElement : undefined));
      const output = await options.invoke({ operation, soapVersion: version.id, authHeader, args }, context);
      const chunks = encodeStreamedResponseBody(operation, output, `${envelopeOpen(version)}<soap:Body>`, `</soap:Body>${ENVELOPE_CLOSE}`);
      if (chunks) return { status: 200, contentType: version.responseContentType, body: '', chunks, operation: operation.name, soapVersion: version.id };
      return {
        status: 200,
        contentType: version.responseContentType,
        body: `${envelopeOpen(version)}<soap:Body>${encodeResponseBody(operation, output)}</soap:Body>${ENVELOPE_CLOSE}`,
        operation: operation.name,
        soapVersion: version.id,
      };
    } catch (err) {
      if (err instanceof SoapFault) return faultResponse(version, err, operation.name);
      options.onInternalError(err, context);
      return faultResponse(version, processRequestFault(), operation.name);
    }
  };
}
