/**
 * The guarded XML reader: strict XML 1.0 + Namespaces (saxes), any DOCTYPE refused (as ASMX's
 * `DtdProcessing.Prohibit` does, which also rules out XXE and entity expansion), processing
 * instructions refused (WS-I BP R1009), and every limit checked from inside the event that
 * would exceed it, so that a hostile document costs at most one limit's worth of work.
 * saxes is quadratic in depth when tracking namespaces; the depth check in `opentagstart`
 * stops a 100,000-deep document after 64 levels.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './limits.js';

export interface XmlAttribute {
  readonly uri: string;
  readonly local: string;
  readonly value: string;
}

export interface XmlElement {
  readonly uri: string;
  readonly local: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: XmlElement[];
  /** The element's own character data (text and CDATA), concatenated. */
  text: string;
  /** 1-based position of the start tag, for XmlSerializer-style error messages. */
  readonly line: number;
  readonly column: number;
}

/** The document is not well-formed XML, or it uses a feature we refuse (DTD, PI). */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
}

/** The document exceeds one of the parse limits. */
export class XmlLimitError extends Error {
  override readonly name = 'XmlLimitError';
  constructor(
    readonly limit: keyof XmlLimits,
    message: string,
  ) {
    super(message);
  }
}

const XMLNS_URI = 'http://www.w3.org/2000/xmlns/';
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const UTF16LE = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: false });
const UTF16BE = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: false });

/** Decodes message bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM; invalid bytes are an error. */
export function decodeXmlBytes(bytes: Uint8Array): string {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return UTF16LE.decode(bytes);
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return UTF16BE.decode(bytes);
    return UTF8.decode(bytes);
  } catch {
    throw new XmlSyntaxError('Invalid character in the given encoding.');
  }
}

export function parseXml(source: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  const text = typeof source === 'string' ? source : decodeXmlBytes(source);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let attributes = 0;

  parser.on('doctype', () => {
    throw new XmlSyntaxError('For security reasons DTD is prohibited in this XML document.');
  });
  parser.on('processinginstruction', () => {
    throw new XmlSyntaxError('Processing instructions are not allowed in a SOAP message.');
  });
  parser.on('opentagstart', () => {
    if (stack.length >= limits.maxDepth) {
      throw new XmlLimitError('maxDepth', `The document is nested deeper than ${limits.maxDepth} elements.`);
    }
    elements += 1;
    if (elements > limits.maxElements) {
      throw new XmlLimitError('maxElements', `The document has more than ${limits.maxElements} elements.`);
    }
    attributes = 0;
  });
  parser.on('attribute', () => {
    attributes += 1;
    if (attributes > limits.maxAttributesPerElement) {
      throw new XmlLimitError(
        'maxAttributesPerElement',
        `An element has more than ${limits.maxAttributesPerElement} attributes.`,
      );
    }
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attrs: XmlAttribute[] = [];
    for (const a of Object.values(tag.attributes)) {
      if (a.uri === XMLNS_URI || (a.prefix === '' && a.local === 'xmlns')) continue;
      attrs.push({ uri: a.uri, local: a.local, value: a.value });
    }
    const element: XmlElement = {
      uri: tag.uri,
      local: tag.local,
      attributes: attrs,
      children: [],
      text: '',
      line: parser.line,
      column: parser.column,
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  const onText = (chunk: string): void => {
    const current = stack[stack.length - 1];
    if (!current) return; // whitespace around the root element
    if (current.text.length + chunk.length > limits.maxTextLength) {
      throw new XmlLimitError('maxTextLength', `A text node is longer than ${limits.maxTextLength} characters.`);
    }
    current.text += chunk;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('error', (err: Error) => {
    throw new XmlSyntaxError(err.message);
  });

  parser.write(text).close();
  if (!root) throw new XmlSyntaxError('Root element is missing.');
  return root;
}
