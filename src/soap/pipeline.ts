/**
 * The SOAP core: one request message in, one response out, no socket. HTTP, SQL and accounts
 * live elsewhere; the operation is carried out by the injected `invoke`.
 *
 * Status codes follow ASMX (asmx-wire-behaviour A4): 415 empty for a wrong content type, 400
 * empty for malformed XML, a DOCTYPE or a parse limit, 500 with a fault envelope for every
 * SOAP fault, 200 with the response envelope otherwise.
 */
import { AuthHeader, type AuthHeaderValue, SERVICE_NAMESPACE } from '../contract/common-types.js';
import { requestElementOf, type OperationDefinition } from '../contract/operation.js';
import { XmlLimitError, XmlSyntaxError, locateElement, parseXml, type XmlElement } from '../xml/reader.js';
import type { XmlLimits } from '../xml/limits.js';
import { actionParameter, parseContentType, soapActionValue } from './content-type.js';
import { FieldValueError, decodeArguments, decodeComplex, type DecodedFields } from './decode.js';
import { OperationRouter } from './dispatch.js';
import { encodeResponseBody } from './encode.js';
import { SoapFault, faultEnvelope, processRequestFault, readRequestFault } from './fault.js';
import { ENVELOPE_CLOSE, SOAP11, SOAP12, envelopeOpen, versionOfEnvelope, type SoapVersion } from './versions.js';

export interface SoapRequest {
  readonly contentType: string | undefined;
  /** The raw SOAPAction header; undefined when the request has none. */
  readonly soapAction: string | undefined;
  readonly body: Uint8Array;
}

export interface SoapResponse {
  readonly status: number;
  /** Absent for the empty 400/415 answers. */
  readonly contentType?: string;
  readonly body: string;
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
}

export type SoapPipeline<C> = (request: SoapRequest, context: C) => Promise<SoapResponse>;

const EMPTY_400: SoapResponse = Object.freeze({ status: 400, body: '' });
const EMPTY_415: SoapResponse = Object.freeze({ status: 415, body: '' });

function isTrue(value: string): boolean {
  const v = value.trim();
  return v === '1' || v === 'true';
}

function envelopeChild(envelope: XmlElement, version: SoapVersion, local: string): XmlElement | undefined {
  return envelope.children.find((c) => c.uri === version.envelopeNamespace && c.local === local);
}

/** XmlSerializer's "There is an error in XML document (line, col)." for one element. */
function documentError(source: Uint8Array, element: XmlElement): string {
  const { line, column } = locateElement(source, element.ordinal);
  return `There is an error in XML document (${line}, ${column}).`;
}

function decodeOrFault<T>(source: Uint8Array, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof FieldValueError) throw readRequestFault(documentError(source, err.element), err.message);
    throw err;
  }
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

  function readAuthHeader(header: XmlElement | undefined, version: SoapVersion, source: Uint8Array): AuthHeaderValue | null {
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
    if (contentType.mediaType !== SOAP11.mediaType && contentType.mediaType !== SOAP12.mediaType) return EMPTY_415;

    let envelope: XmlElement;
    try {
      envelope = parseXml(request.body, options.limits);
    } catch (err) {
      if (err instanceof XmlSyntaxError || err instanceof XmlLimitError) return EMPTY_400;
      throw err;
    }

    const version = envelope.local === 'Envelope' ? versionOfEnvelope(envelope.uri) : undefined;
    if (!version) {
      return faultResponse(
        SOAP11,
        new SoapFault(
          'VersionMismatch',
          `Possible SOAP version mismatch: Envelope namespace ${envelope.uri} was unexpected. Expecting ${SOAP11.envelopeNamespace}.`,
        ),
      );
    }
    // A SOAP 1.1 envelope must arrive as text/xml; a 1.2 envelope is accepted with either type.
    if (version === SOAP11 && contentType.mediaType !== SOAP11.mediaType) return EMPTY_415;

    let operationName: string | undefined;
    try {
      const body = envelopeChild(envelope, version, 'Body');
      if (!body) throw readRequestFault('The SOAP Body element is missing.');
      const bodyElement = body.children[0];
      const operation = router.route({
        version,
        soapAction: request.soapAction === undefined ? undefined : soapActionValue(request.soapAction),
        actionParameter: actionParameter(contentType),
        bodyElement,
      });
      operationName = operation.name;
      const authHeader = readAuthHeader(envelopeChild(envelope, version, 'Header'), version, request.body);
      if (!bodyElement || bodyElement.uri !== SERVICE_NAMESPACE || bodyElement.local !== requestElementOf(operation)) {
        const found = bodyElement ? `<${bodyElement.local} xmlns='${bodyElement.uri}'> was not expected.` : 'The request element is missing.';
        throw readRequestFault(documentError(request.body, body), found);
      }
      const args = decodeOrFault(request.body, () => decodeArguments(operation, bodyElement));
      const output = await options.invoke({ operation, soapVersion: version.id, authHeader, args }, context);
      return {
        status: 200,
        contentType: version.responseContentType,
        body: `${envelopeOpen(version)}<soap:Body>${encodeResponseBody(operation, output)}</soap:Body>${ENVELOPE_CLOSE}`,
        operation: operation.name,
        soapVersion: version.id,
      };
    } catch (err) {
      if (err instanceof SoapFault) return faultResponse(version, err, operationName);
      options.onInternalError(err, context);
      return faultResponse(version, processRequestFault(), operationName);
    }
  };
}
