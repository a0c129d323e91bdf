/**
 * Canonical form for comparing XML documents: namespace-resolved names (prefixes do not
 * matter), attributes sorted, namespace declarations dropped, whitespace-only text between
 * elements dropped. Text content is compared exactly.
 *
 * Parsed with the saxes-based reference reader, not src/xml/reader.ts, so that fixture
 * comparisons do not check the service's own parser with itself.
 */
import type { XmlElement } from '../../src/xml/reader.js';
import { parseXmlReference } from './reference-xml.js';

const GENEROUS = { maxDepth: 256, maxElements: 1_000_000, maxAttributesPerElement: 1000, maxTextLength: 64 * 1024 * 1024 };

function render(e: XmlElement, indent: string): string {
  const attrs = [...e.attributes]
    .map((a) => `{${a.uri}}${a.local}=${JSON.stringify(a.value)}`)
    .sort()
    .join(' ');
  const head = `${indent}{${e.uri}}${e.local}${attrs ? ` [${attrs}]` : ''}`;
  if (e.children.length === 0) return `${head} ${JSON.stringify(e.text)}`;
  return [head, ...e.children.map((c) => render(c, `${indent}  `))].join('\n');
}

export function canonicalXml(xml: string): string {
  return render(parseXmlReference(xml, GENEROUS), '');
}
