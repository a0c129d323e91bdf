/** Bounds enforced while parsing, before any more work is done (SERVICE.md §6). */
export interface XmlLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
  readonly maxAttributesPerElement: number;
  /** In UTF-16 code units of one text node (close enough to characters for a bound). */
  readonly maxTextLength: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = Object.freeze({
  maxDepth: 64,
  maxElements: 10_000,
  maxAttributesPerElement: 100,
  maxTextLength: 1024 * 1024,
});
