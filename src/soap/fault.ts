import { escapeText } from '../xml/writer.js';
import { ENVELOPE_CLOSE, SOAP11, SOAP12, envelopeOpen, type FaultKind, type SoapVersion } from './versions.js';

/**
 * A protocol problem, answered as a SOAP fault with HTTP 500. Business outcomes never
 * travel this way (they are Result objects). The message is what the client sees: it is
 * written by us, never an exception's text or stack.
 */
export class SoapFault extends Error {
  override readonly name = 'SoapFault';
  constructor(
    readonly kind: FaultKind,
    message: string,
    /** Header faults (SoapHeaderException in ASMX) carry no detail element. */
    readonly isHeaderFault = false,
  ) {
    super(message);
  }
}

/** ASMX's "customErrors on" style: the messages of the chain joined by " ---> ". */
export function readRequestFault(...inner: string[]): SoapFault {
  return new SoapFault('Client', ['Server was unable to read request.', ...inner].join(' ---> '));
}
export function processRequestFault(): SoapFault {
  return new SoapFault('Server', 'Server was unable to process request.');
}

export function faultEnvelope(version: SoapVersion, fault: SoapFault): string {
  const code = version.faultCodes[fault.kind];
  const text = escapeText(fault.message);
  if (version === SOAP12) {
    const detail = fault.isHeaderFault ? '' : '<soap:Detail />';
    return (
      `${envelopeOpen(version)}<soap:Body><soap:Fault><soap:Code><soap:Value>${code}</soap:Value></soap:Code>` +
      `<soap:Reason><soap:Text xml:lang="en">${text}</soap:Text></soap:Reason>${detail}</soap:Fault></soap:Body>${ENVELOPE_CLOSE}`
    );
  }
  const detail = fault.isHeaderFault ? '' : '<detail />';
  const upgrade = fault.kind === 'VersionMismatch' ? UPGRADE_HEADER : '';
  return (
    `${envelopeOpen(version)}${upgrade}<soap:Body><soap:Fault><faultcode>${code}</faultcode>` +
    `<faultstring>${text}</faultstring>${detail}</soap:Fault></soap:Body>${ENVELOPE_CLOSE}`
  );
}

/**
 * Sent with a VersionMismatch fault: the envelopes we understand, SOAP 1.1 first, each with the
 * prefix and the declaration ASMX's CreateUpgradeHeader gives it (SoapServerProtocol.cs).
 */
const UPGRADE_HEADER =
  `<soap:Header><soap12:Upgrade xmlns:soap12="${SOAP12.envelopeNamespace}">` +
  `<soap12:SupportedEnvelope qname="soap:Envelope" xmlns:soap="${SOAP11.envelopeNamespace}" />` +
  `<soap12:SupportedEnvelope qname="soap12:Envelope" xmlns:soap12="${SOAP12.envelopeNamespace}" />` +
  `</soap12:Upgrade></soap:Header>`;
