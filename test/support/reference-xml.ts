/**
 * The reference XML reader: the saxes-based implementation that `src/xml/reader.ts` used before
 * it got its own parser, kept verbatim (only renamed) so that tests can check the hand-written
 * parser against it (test/xml/reader.test.ts) and fixture comparisons (canonical.ts) do not
 * validate the new parser with itself. It throws the same error classes as the real reader.
 *
 * saxes 6 with `{ xmlns: true }`: strict XML 1.0 + Namespaces, any DOCTYPE refused (as ASMX's
 * `DtdProcessing.Prohibit` does), processing instructions skipped (as ASMX's XmlReader skips them), and every
 * limit checked from inside the event that would exceed it. saxes is quadratic in depth when
 * tracking namespaces; the depth check in `opentagstart` stops a 100,000-deep document after
 * 64 levels.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { DEFAULT_XML_LIMITS, type XmlLimits } from '../../src/xml/limits.js';
import { XmlLimitError, XmlSyntaxError, decodeXmlBytes, type XmlAttribute, type XmlElement } from '../../src/xml/reader.js';

const XMLNS_URI = 'http://www.w3.org/2000/xmlns/';

/** Parses without tracking positions, which halves saxes' work. */
export function parseXmlReference(source: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  return parse(typeof source === 'string' ? source : decodeXmlBytes(source), limits, undefined);
}

/** Line and column (as XmlSerializer reports them: just after the start tag) of the element with that ordinal. */
export function locateElementReference(
  source: string | Uint8Array,
  ordinal: number,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): { line: number; column: number } {
  const found = { line: 0, column: 0 };
  parse(typeof source === 'string' ? source : decodeXmlBytes(source), limits, { ordinal, found });
  return found;
}

function parse(text: string, limits: XmlLimits, locate: { ordinal: number; found: { line: number; column: number } } | undefined): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: locate !== undefined });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let attributes = 0;

  parser.on('doctype', () => {
    throw new XmlSyntaxError('For security reasons DTD is prohibited in this XML document.');
  });
  // Processing instructions are skipped (saxes has checked their syntax), as ASMX's reader skips them.
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
    const element: XmlElement = { uri: tag.uri, local: tag.local, attributes: attrs, children: [], text: '', ordinal: elements - 1 };
    if (locate && element.ordinal === locate.ordinal) {
      locate.found.line = parser.line;
      locate.found.column = parser.column;
    }
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
