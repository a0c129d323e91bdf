/**
 * The `?disco` discovery document (asmx-wire-behaviour A9): a contractRef to the WSDL and one
 * `soap` element per SOAP binding, each declaring its own `qN` prefix for the service namespace.
 * Written like ASMX's DiscoveryDocument.Write: indented XmlTextWriter, CRLF line breaks.
 */
import { SERVICE_NAMESPACE } from '../contract/common-types.js';
import { escapeAttribute } from '../xml/writer.js';
import { NEWLINE, SOAP11_BINDING_NAME, SOAP12_BINDING_NAME } from './wsdl.js';

const DISCO_NAMESPACE = 'http://schemas.xmlsoap.org/disco/';
const SCL_NAMESPACE = 'http://schemas.xmlsoap.org/disco/scl/';
const DISCO_SOAP_NAMESPACE = 'http://schemas.xmlsoap.org/disco/soap/';

export function buildDisco(address: string): string {
  const a = escapeAttribute(address);
  const ns = escapeAttribute(SERVICE_NAMESPACE);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<discovery xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="${DISCO_NAMESPACE}">`,
    `  <contractRef ref="${a}?wsdl" docRef="${a}" xmlns="${SCL_NAMESPACE}" />`,
    ...[SOAP11_BINDING_NAME, SOAP12_BINDING_NAME].map(
      (binding, i) =>
        `  <soap address="${a}" xmlns:q${i + 1}="${ns}" binding="q${i + 1}:${escapeAttribute(binding)}" xmlns="${DISCO_SOAP_NAMESPACE}" />`,
    ),
    '</discovery>',
  ].join(NEWLINE);
}
