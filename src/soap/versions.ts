/** SOAP 1.1 and 1.2 as two small descriptors over one pipeline. */
export interface SoapVersion {
  readonly id: '1.1' | '1.2';
  readonly envelopeNamespace: string;
  /** Base media type of messages in this version. */
  readonly mediaType: 'text/xml' | 'application/soap+xml';
  /** Content-Type of our responses and faults (no `action` parameter, as ASMX writes it). */
  readonly responseContentType: string;
  readonly faultCodes: Readonly<Record<FaultKind, string>>;
}

export type FaultKind = 'Client' | 'Server' | 'MustUnderstand' | 'VersionMismatch';

export const SOAP11: SoapVersion = Object.freeze({
  id: '1.1',
  envelopeNamespace: 'http://schemas.xmlsoap.org/soap/envelope/',
  mediaType: 'text/xml',
  responseContentType: 'text/xml; charset=utf-8',
  faultCodes: Object.freeze({
    Client: 'soap:Client',
    Server: 'soap:Server',
    MustUnderstand: 'soap:MustUnderstand',
    VersionMismatch: 'soap:VersionMismatch',
  }),
});

export const SOAP12: SoapVersion = Object.freeze({
  id: '1.2',
  envelopeNamespace: 'http://www.w3.org/2003/05/soap-envelope',
  mediaType: 'application/soap+xml',
  responseContentType: 'application/soap+xml; charset=utf-8',
  faultCodes: Object.freeze({
    Client: 'soap:Sender',
    Server: 'soap:Receiver',
    MustUnderstand: 'soap:MustUnderstand',
    VersionMismatch: 'soap:VersionMismatch',
  }),
});

export const SOAP_VERSIONS = [SOAP11, SOAP12] as const;

export function versionOfEnvelope(namespace: string): SoapVersion | undefined {
  return SOAP_VERSIONS.find((v) => v.envelopeNamespace === namespace);
}

/**
 * The version ASMX assumes before it reads the body (SoapServerProtocol.GuessVersion, both
 * versions enabled): SOAP 1.1 when there is a SOAPAction header and the type is not
 * application/soap+xml, SOAP 1.2 otherwise. Faults raised before the envelope is read, and
 * empty error answers, are written in it.
 */
export function guessVersion(contentType: { readonly mediaType: string }, soapAction: string | undefined): SoapVersion {
  return soapAction !== undefined && contentType.mediaType !== SOAP12.mediaType ? SOAP11 : SOAP12;
}

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
export const XSD_NAMESPACE = 'http://www.w3.org/2001/XMLSchema';

/** `<?xml …?><soap:Envelope …>` exactly as ASMX writes it: one line, prefix `soap` in both versions. */
export function envelopeOpen(version: SoapVersion): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${version.envelopeNamespace}" ` +
    `xmlns:xsi="${XSI_NAMESPACE}" xmlns:xsd="${XSD_NAMESPACE}">`
  );
}
export const ENVELOPE_CLOSE = '</soap:Envelope>';
