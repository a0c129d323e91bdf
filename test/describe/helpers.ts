/** Shared helpers of the describe/ tests: parse generated documents and walk them. */
import { parseXml, type XmlElement } from '../../src/xml/reader.js';
import type { XmlLimits } from '../../src/xml/limits.js';

/** The reader's defaults are sized for SOAP messages; a WSDL is a trusted document of our own. */
export const DOCUMENT_LIMITS: XmlLimits = {
  maxDepth: 64,
  maxElements: 1_000_000,
  maxAttributesPerElement: 100,
  maxTextLength: 16 * 1024 * 1024,
};

export const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
export const SOAP11_WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/soap/';
export const SOAP12_WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/soap12/';
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

export function parseDocument(text: string): XmlElement {
  return parseXml(text, DOCUMENT_LIMITS);
}

export function attr(el: XmlElement, local: string): string | undefined {
  return el.attributes.find((a) => a.uri === '' && a.local === local)?.value;
}

export function children(el: XmlElement, uri: string, local: string): XmlElement[] {
  return el.children.filter((c) => c.uri === uri && c.local === local);
}

export function child(el: XmlElement, uri: string, local: string): XmlElement {
  const found = children(el, uri, local);
  if (found.length !== 1) throw new Error(`expected one ${local} in ${el.local}, found ${found.length}`);
  return found[0] as XmlElement;
}

/** The child with a given `name` attribute. */
export function named(el: XmlElement, uri: string, local: string, name: string): XmlElement {
  const found = children(el, uri, local).filter((c) => attr(c, 'name') === name);
  if (found.length !== 1) throw new Error(`expected one ${local} named ${name} in ${el.local}, found ${found.length}`);
  return found[0] as XmlElement;
}

/** Removes tags and collapses whitespace, to compare sentences that contain links. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
