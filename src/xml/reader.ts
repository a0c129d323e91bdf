/**
 * The guarded XML reader: a hand-written, strict, single-pass XML 1.0 + Namespaces parser that
 * builds the element tree the SOAP layer reads.
 *
 * Why hand-written: every request is parsed, and the general-purpose streaming parser used before
 * (saxes) spent ~53 µs on a 600-byte envelope, more than half of a request's CPU — chunk
 * bookkeeping, a state-table call per character, event objects, and a namespace lookup that walks
 * the whole tag stack. A request body is one string already in memory, so this parser walks it
 * once with `charCodeAt` and an index, slices ranges instead of building strings per character,
 * builds the XmlElement tree directly and resolves prefixes in a map of the bindings in scope
 * (about 5 µs for that envelope, ten times less: bench/xml-parse.ts).
 *
 * What it accepts, and the tree it returns, are what saxes 6 (`{ xmlns: true }`) gives, rule for
 * rule (the comments name saxes' checks and the XML productions they come from): XML 1.0 5th ed.
 * Char, S, Name and reference rules; end-of-line and attribute-value normalisation (§2.11,
 * §3.3.3); Namespaces in XML 1.0 3rd ed. (QNames, declarations and their constraints); an XML
 * declaration only at the very start. Two deliberate differences: a `version` other than "1.0" is
 * refused, as .NET's XmlReader (and so ASMX) refuses it, where saxes switches to XML 1.1 rules;
 * and an unpaired surrogate is refused everywhere, where saxes reads a lone high surrogate
 * together with the next code unit (strings decoded from bytes never contain one). Error
 * messages are this parser's own; on failure `parseXml` attaches how far it got (the partial
 * tree and the position), from which the SOAP layer words ASMX's answer.
 *
 * Refused on top of well-formedness: any DOCTYPE (as ASMX's `DtdProcessing.Prohibit` does, which
 * also rules out XXE and entity expansion), so only the five predefined entities exist.
 * Processing instructions are checked and skipped, as XmlReader's MoveToContent skips them in
 * ASMX (WS-I BP R1009 forbids them, but the legacy service never refused one). Each limit is
 * checked at the point saxes' event handlers checked it (a start tag's depth and count once its
 * name is read, an attribute once its value is closed, text when its run ends), so that a hostile
 * document costs at most one limit's worth of work and fails with the same error as before: a
 * 100,000-deep document stops after 64 levels, 50,000 attributes after 100.
 *
 * test/xml/reader.test.ts holds unit cases for each rule and a seeded differential test against
 * the saxes-based reference (test/support/reference-xml.ts): generated and mutated documents are
 * either accepted by both with equal trees and element positions, or refused by both with the
 * same kind of error.
 */
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
  /** Index of the element in document order: `locateElement` turns it into a line and column. */
  readonly ordinal: number;
}

/** What had been read when a document was found malformed: its elements so far and which were open. */
export interface PartialDocument {
  /** The root element, once its start tag was read whole. */
  readonly root: XmlElement | undefined;
  /** The elements whose end tag had not been read, outermost first, and their QNames as written. */
  readonly open: readonly XmlElement[];
  readonly openNames: readonly string[];
  /** Line (from 1) and column (from 1, as .NET's XmlException counts it) where the error was found. */
  readonly line: number;
  readonly column: number;
  /** For an end tag that does not match: where the open element's name starts, counted the same way. */
  readonly openTagLine?: number;
  readonly openTagColumn?: number;
}

/** The document is not well-formed XML, or it uses a feature we refuse (a DTD). */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
  /** Set by `parseXml`: how far the document was read (a SOAP server answers by it, see src/soap/pipeline.ts). */
  partial: PartialDocument | undefined;
  /** An end tag that names another element than the open one (`ordinal`, its QName `expected`). */
  mismatch: { readonly expected: string; readonly found: string; readonly ordinal: number } | undefined;
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

/** Parses a whole document (a string, or bytes for `decodeXmlBytes`) into its root element. */
export function parseXml(source: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  const text = toText(source);
  const parser = new XmlParser(text, limits, NO_ORDINAL);
  try {
    return parser.parseDocument();
  } catch (err) {
    if (err instanceof XmlSyntaxError) {
      const { line, column } = lineAndColumn(text, Math.min(parser.position, text.length));
      err.partial = { root: parser.rootElement, open: parser.openElementList, openNames: parser.openNameList, line, column: column + 1, ...openTagPosition(text, limits, err) };
    }
    throw err;
  }
}

/** Where the name of the start tag an unmatched end tag should have closed begins (failure path only: parses again). */
function openTagPosition(text: string, limits: XmlLimits, err: XmlSyntaxError): { openTagLine?: number; openTagColumn?: number } {
  if (!err.mismatch) return {};
  const locator = new XmlParser(text, limits, err.mismatch.ordinal);
  try {
    locator.parseDocument();
  } catch {
    // expected: the same error again, after the start tag was located
  }
  if (locator.locatedOffset < 0) return {};
  // The start tag ends at locatedOffset; its `<` is the last one before (attribute values hold none).
  const nameStart = text.lastIndexOf('<', locator.locatedOffset - 1) + 1;
  const { line, column } = lineAndColumn(text, nameStart);
  return { openTagLine: line, openTagColumn: column + 1 };
}

/**
 * Line and column of the element with that ordinal as XmlSerializer reports them (and saxes
 * did): just after its start tag, lines from 1, columns counting code points from 0 at the start
 * of a line (a BOM counts as one), CRLF one line end. { line: 0, column: 0 } if there is no such
 * element. Positions are needed only for the rare error message that names one, so `parseXml`
 * never tracks them: this parses again and counts up to the one offset the parser recorded.
 */
export function locateElement(source: string | Uint8Array, ordinal: number, limits: XmlLimits = DEFAULT_XML_LIMITS): { line: number; column: number } {
  const text = toText(source);
  const parser = new XmlParser(text, limits, ordinal);
  parser.parseDocument();
  if (parser.locatedOffset < 0) return { line: 0, column: 0 };
  return lineAndColumn(text, parser.locatedOffset);
}

function toText(source: string | Uint8Array): string {
  return typeof source === 'string' ? source : decodeXmlBytes(source);
}

const NO_ORDINAL = -1;
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';
const DTD_PROHIBITED = 'For security reasons DTD is prohibited in this XML document.';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const DQUOTE = 0x22;
const HASH = 0x23;
const AMP = 0x26;
const SQUOTE = 0x27;
const MINUS = 0x2d;
const SLASH = 0x2f;
const SEMICOLON = 0x3b;
const LT = 0x3c;
const EQUALS = 0x3d;
const GT = 0x3e;
const QUESTION = 0x3f;
const RBRACKET = 0x5d;
const LOWER_X = 0x78;
const BOM = 0xfeff;

function asciiSet(member: (c: number) => boolean): Uint8Array {
  const set = new Uint8Array(128);
  for (let c = 0; c < 128; c++) set[c] = member(c) ? 1 : 0;
  return set;
}

/**
 * ASCII characters that stand for themselves where they occur: the fast paths skip them, all
 * others take the slow path that validates, normalises or ends the construct.
 */
const isPrintable = (c: number): boolean => c >= SPACE && c < 0x7f;
const PLAIN_TEXT = asciiSet((c) => (isPrintable(c) && c !== LT && c !== AMP && c !== GT) || c === TAB || c === LF);
const PLAIN_ATTRIBUTE_VALUE = asciiSet((c) => isPrintable(c) && c !== LT && c !== AMP && c !== DQUOTE && c !== SQUOTE);
const PLAIN_DATA = asciiSet((c) => isPrintable(c) || c === TAB || c === LF);
/** NameStartChar and NameChar (XML 1.0 §2.3 [4], [4a]) in ASCII; saxes reads names with the colon. */
const NAME_START_ASCII = asciiSet((c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x3a || c === 0x5f);
const NAME_ASCII = asciiSet((c) => NAME_START_ASCII[c] === 1 || (c >= 0x30 && c <= 0x39) || c === MINUS || c === 0x2e);

/** XML 1.0 §2.3 [4] NameStartChar, for a code point beyond ASCII. */
function isNameStartCodePoint(c: number): boolean {
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0xeffff)
  );
}

/** XML 1.0 §2.3 [4a] NameChar, for a code point beyond ASCII. */
function isNameCodePoint(c: number): boolean {
  return isNameStartCodePoint(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || (c >= 0x203f && c <= 0x2040);
}

/** The Char production, for a character reference (XML 1.0 §2.2 [2]). */
function isReferenceableChar(c: number): boolean {
  if (c < SPACE) return c === TAB || c === LF || c === CR;
  return c <= 0xd7ff || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAsciiLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** VersionNum as saxes checks it: /^1\.[0-9]+$/ (XML 1.0 §2.8 [26]). */
function isVersionNumber(value: string): boolean {
  if (value.length < 3 || value.charCodeAt(0) !== 0x31 || value.charCodeAt(1) !== 0x2e) return false;
  for (let i = 2; i < value.length; i++) if (!isDigit(value.charCodeAt(i))) return false;
  return true;
}

/** EncName (XML 1.0 §4.3.3 [81]): /^[A-Za-z][A-Za-z0-9._-]*$/. */
function isEncodingName(value: string): boolean {
  if (!isAsciiLetter(value.charCodeAt(0))) return false;
  for (let i = 1; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!(isAsciiLetter(c) || isDigit(c) || c === 0x2e || c === 0x5f || c === MINUS)) return false;
  }
  return true;
}

/**
 * XML declarations exactly as .NET, Java, PHP and Python SOAP clients write them. Each one is
 * well-formed and allowed (test/xml/reader.test.ts checks them against the reference parser),
 * so meeting one is the same as reading it rule by rule, which took ~6% of a parse.
 */
export const COMMON_DECLARATIONS: readonly string[] = [
  '<?xml version="1.0" encoding="utf-8"?>',
  '<?xml version="1.0" encoding="UTF-8"?>',
  "<?xml version='1.0' encoding='utf-8'?>",
  '<?xml version="1.0"?>',
];

/** The pseudo-attributes of the XML declaration, in the only order allowed (XML 1.0 §2.8 [23]). */
const DECLARATION_NAMES = ['version', 'encoding', 'standalone'] as const;

function isDeclarationValue(name: (typeof DECLARATION_NAMES)[number], value: string): boolean {
  switch (name) {
    case 'version':
      return isVersionNumber(value);
    case 'encoding':
      return isEncodingName(value);
    case 'standalone':
      return value === 'yes' || value === 'no';
  }
}

/**
 * Where a start tag's QName splits: -1 without a prefix, else the index of its colon. A QName
 * has at most one colon and neither side empty (Namespaces §4 [7]); saxes checks only that, so
 * a local part such as "1b" (a Name character but not an NCName start) is accepted as it is.
 */
function qnameColon(qname: string): number {
  const colon = qname.indexOf(':');
  if (colon === -1) return -1;
  if (colon === 0 || colon === qname.length - 1 || qname.indexOf(':', colon + 1) !== -1) {
    throw new XmlSyntaxError(`Malformed qualified name: ${qname}.`);
  }
  return colon;
}

/** The entities that exist without a DTD (XML 1.0 §4.6), after their `&`. */
const PREDEFINED_ENTITIES: readonly (readonly [string, string])[] = [
  ['lt;', '<'],
  ['gt;', '>'],
  ['amp;', '&'],
  ['quot;', '"'],
  ['apos;', "'"],
];

/** The value of a digit of a character reference, -1 if it is not one. */
function digitValue(c: number, hex: boolean): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (!hex) return -1;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Line (from 1) and column (code points since the line start, from 0) just before `offset`,
 * counting line ends as saxes does: LF, CR and CRLF.
 */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let column = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) {
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      line++;
      column = 0;
    } else {
      if (c >= 0xd800 && c <= 0xdbff) i++; // a surrogate pair is one column
      column++;
    }
  }
  return { line, column };
}

/** One parse of one document; `parseDocument` is its only entry point. */
class XmlParser {
  private pos = 0;
  /** Offset just after the start tag of the element `locateOrdinal`, once it has been read. */
  locatedOffset = -1;

  private root: XmlElement | undefined;
  private rootClosed = false;
  private elementCount = 0;
  /** The open elements, their QNames (for the end tags) and where their declarations start in `shadowedPrefixes`. */
  private readonly openElements: XmlElement[] = [];
  private readonly openNames: string[] = [];
  private readonly bindingMarks: number[] = [];
  /**
   * The namespace bindings in scope: the default namespace ('' when there is none) in a field,
   * since most names in a SOAP message are unprefixed, and prefixes in a Map. A declaration
   * records the binding it shadows in `shadowedPrefixes`/`shadowedUris`, restored when its
   * element closes, so that a lookup costs the same at any depth. `xml` is predeclared
   * (Namespaces §3) and `xmlns` resolves to its namespace, so that declarations take part in
   * the duplicate check: `uriOf` answers both without the Map.
   */
  private defaultUri = '';
  private readonly prefixes = new Map<string, string>();
  private readonly shadowedPrefixes: string[] = [];
  private readonly shadowedUris: (string | undefined)[] = [];
  /** The attributes of the start tag being read (reused from tag to tag), in document order. */
  private readonly attributeNames: string[] = [];
  private readonly attributeColons: number[] = [];
  private readonly attributeValues: string[] = [];
  /** Filled in once the whole tag is read and its declarations are known. */
  private readonly attributeUris: string[] = [];
  private readonly attributeLocals: string[] = [];
  private attributeCount = 0;
  /** Where the name of the start tag being read begins (an error about the element is reported there). */
  private tagNameOffset = 0;

  constructor(
    private readonly src: string,
    private readonly limits: XmlLimits,
    private readonly locateOrdinal: number,
  ) {}

  get position(): number {
    return this.pos;
  }
  get rootElement(): XmlElement | undefined {
    return this.root;
  }
  get openElementList(): readonly XmlElement[] {
    return this.openElements;
  }
  get openNameList(): readonly string[] {
    return this.openNames;
  }

  /** document ::= prolog element Misc* (XML 1.0 §2.1 [1]), the prolog without a DOCTYPE. */
  parseDocument(): XmlElement {
    if (this.src.charCodeAt(0) === BOM) this.pos = 1; // saxes skips one leading U+FEFF (and counts its column)
    // Only at the very start. The declarations generated clients write are taken whole.
    const common = COMMON_DECLARATIONS.find((declaration) => this.src.startsWith(declaration, this.pos));
    if (common !== undefined) this.pos += common.length;
    else if (this.xmlDeclarationAt(this.pos)) this.parseXmlDeclaration();
    if (!this.skipMisc()) this.fail('Root element is missing.');
    this.parseStartTag();
    if (this.openElements.length > 0) this.parseContent();
    // A second root is refused only after its start tag has been counted, as saxes does.
    if (this.skipMisc()) this.parseStartTag();
    if (!this.root) return this.fail('Root element is missing.');
    return this.root;
  }

  private fail(message: string): never {
    throw new XmlSyntaxError(message);
  }

  // ---------------------------------------------------------------------------------------
  // Characters

  /**
   * Validates the character at `at` against Char (XML 1.0 §2.2 [2]: no C0 control other than
   * tab and line ends, no U+FFFE/U+FFFF, surrogates only as a pair) and returns its length in code units. The end of input is an error:
   * every caller is inside a construct that must still be closed.
   */
  private characterLength(at: number): number {
    const c = this.src.charCodeAt(at);
    if (c >= SPACE && c < 0x7f) return 1;
    if (at >= this.src.length) {
      this.pos = at; // where the error is reported: the end, as .NET reports it
      return this.fail('Unexpected end of the document.');
    }
    if (c < SPACE) {
      if (c === TAB || c === LF || c === CR) return 1;
      return this.fail('Disallowed character.');
    }
    if (c < 0xd800) return 1;
    if (c <= 0xdbff) {
      const low = this.src.charCodeAt(at + 1);
      if (low >= 0xdc00 && low <= 0xdfff) return 2;
      return this.fail('Disallowed character (unpaired surrogate).');
    }
    if (c <= 0xdfff) return this.fail('Disallowed character (unpaired surrogate).');
    if (c >= 0xfffe) return this.fail('Disallowed character.');
    return 1;
  }

  /** Whether the code unit starts a line end that normalisation rewrites: CR (alone or in CRLF); LF stands for itself. */
  private isLineEndStart(c: number): boolean {
    return c === CR;
  }

  /** The offset after the line end starting at `at`: CRLF is one line end (§2.11). */
  private afterLineEnd(at: number): number {
    if (this.src.charCodeAt(at) !== CR) return at + 1;
    return this.src.charCodeAt(at + 1) === LF ? at + 2 : at + 1;
  }

  /** S (XML 1.0 §2.3 [3]). */
  private isSpace(c: number): boolean {
    return c === SPACE || c === LF || c === TAB || c === CR;
  }

  /** Skips S*, returning whether there was any. */
  private skipSpaces(): boolean {
    const start = this.pos;
    let pos = start;
    while (this.isSpace(this.src.charCodeAt(pos))) pos++;
    this.pos = pos;
    return pos !== start;
  }

  private codePointAt(at: number): number {
    const c = this.src.charCodeAt(at);
    if (c >= 0xd800 && c <= 0xdbff) {
      const low = this.src.charCodeAt(at + 1);
      if (low >= 0xdc00 && low <= 0xdfff) return 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
    }
    return c;
  }

  /** Whether a Name starts at `at` (the colon included, as saxes reads names before splitting QNames). */
  private nameStartsAt(at: number): boolean {
    const c = this.src.charCodeAt(at);
    if (c < 0x80) return NAME_START_ASCII[c] === 1;
    return isNameStartCodePoint(this.codePointAt(at));
  }

  /** Reads a Name (XML 1.0 §2.3 [5]) starting at `pos`, where the caller has seen a NameStartChar. */
  private readName(): string {
    const src = this.src;
    const start = this.pos;
    let pos = start;
    for (;;) {
      const c = src.charCodeAt(pos);
      if (c < 0x80) {
        if (NAME_ASCII[c] !== 1) break;
        pos++;
      } else {
        const codePoint = this.codePointAt(pos); // NaN at the end of input: not a name character
        if (!isNameCodePoint(codePoint)) break;
        pos += codePoint > 0xffff ? 2 : 1;
      }
    }
    this.pos = pos;
    return src.slice(start, pos);
  }

  // ---------------------------------------------------------------------------------------
  // Prolog and epilog

  /** `<?xml` then S or `?`: the XML declaration (§2.8 [23]), where a PI target would go on (`<?xml-stylesheet`). */
  private xmlDeclarationAt(at: number): boolean {
    if (!this.src.startsWith('<?xml', at)) return false;
    const next = this.src.charCodeAt(at + 5);
    return this.isSpace(next) || next === QUESTION;
  }

  /** XMLDecl (§2.8 [23]-[26], [32], §4.3.3 [80]-[81]) with saxes' value checks. */
  private parseXmlDeclaration(): void {
    this.pos += '<?xml'.length;
    let next = 0; // index in DECLARATION_NAMES of the first pseudo-attribute still allowed
    for (;;) {
      const spaced = this.skipSpaces();
      if (this.src.startsWith('?>', this.pos)) {
        if (next === 0) this.fail('The XML declaration must contain a version.');
        this.pos += 2;
        return;
      }
      if (!spaced) this.fail('Malformed XML declaration: white space required.');
      const index = this.declarationNameAt(next);
      const name = DECLARATION_NAMES[index];
      if (name === undefined) return this.fail('Malformed XML declaration: unexpected pseudo-attribute.');
      this.pos += name.length;
      this.skipSpaces();
      if (this.src.charCodeAt(this.pos) !== EQUALS) this.fail('Malformed XML declaration: = expected.');
      this.pos++;
      this.skipSpaces();
      const value = this.readDeclarationValue();
      if (!isDeclarationValue(name, value)) this.fail(`Malformed XML declaration: invalid ${name}.`);
      // .NET's XmlReader accepts only 1.0 ("Version number '1.1' is invalid"), and so does ASMX.
      if (name === 'version' && value !== '1.0') this.fail(`XML version ${value} is not supported; only 1.0 is.`);
      next = index + 1;
    }
  }

  /** Which allowed pseudo-attribute name (followed by S or =) is at `pos`: version first, then in order; -1 if none. */
  private declarationNameAt(next: number): number {
    const last = next === 0 ? 0 : DECLARATION_NAMES.length - 1;
    for (let index = next; index <= last; index++) {
      const name = DECLARATION_NAMES[index] ?? '';
      if (!this.src.startsWith(name, this.pos)) continue;
      const after = this.src.charCodeAt(this.pos + name.length);
      if (after === EQUALS || this.isSpace(after)) return index;
    }
    return -1;
  }

  /**
   * A quoted pseudo-attribute value. saxes stops it at a `?` too, with an error; none of the
   * valid values contains one, so reading up to the quote and checking the value is the same.
   */
  private readDeclarationValue(): string {
    const quote = this.src[this.pos];
    if (quote !== '"' && quote !== "'") return this.fail('Malformed XML declaration: value must be quoted.');
    const end = this.src.indexOf(quote, this.pos + 1);
    if (end === -1) this.fail('Malformed XML declaration: unterminated value.');
    const value = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return value;
  }

  /**
   * Skips Misc* (§2.8 [27]: white space, comments and processing instructions) before or after
   * the root. Returns true with `pos` at the name of an element, false at the end of input.
   */
  private skipMisc(): boolean {
    for (;;) {
      this.skipSpaces();
      if (this.pos >= this.src.length) return false;
      if (this.src.charCodeAt(this.pos) !== LT) {
        this.characterLength(this.pos);
        this.fail('Text data outside of the root element.');
      }
      this.pos++;
      if (this.nameStartsAt(this.pos)) return true;
      this.parseMarkupDeclaration(false);
    }
  }

  /**
   * After a `<` that does not start an element: a comment, a CDATA section (character data, so
   * only inside the root), a processing instruction, or something refused — a DOCTYPE, an XML
   * declaration not at the start, an end tag or anything else.
   */
  private parseMarkupDeclaration(inContent: boolean): void {
    const src = this.src;
    if (src.startsWith('!--', this.pos)) {
      this.pos += 3;
      this.skipComment();
    } else if (src.startsWith('![CDATA[', this.pos)) {
      if (!inContent) this.fail('Text data outside of the root element.');
      this.pos += 8;
      this.appendText(this.readCData());
    } else if (src.startsWith('!DOCTYPE', this.pos)) {
      this.fail(DTD_PROHIBITED);
    } else if (src.charCodeAt(this.pos) === QUESTION) {
      if (this.xmlDeclarationAt(this.pos - 1)) this.fail('The XML declaration must be at the start of the document.');
      this.pos++;
      this.skipProcessingInstruction();
    } else {
      this.fail(src.charCodeAt(this.pos) === SLASH ? 'Unexpected end tag.' : 'Disallowed character after <.');
    }
  }

  /**
   * PI (§2.6 [16]-[17]) with `pos` after `<?`: skipped, as XmlReader's MoveToContent (and so
   * ASMX) skips it. Its target is a Name without a colon (Namespaces §7) and no case of `xml`;
   * its data, up to the first `?>`, is Chars.
   */
  private skipProcessingInstruction(): void {
    if (!this.nameStartsAt(this.pos)) this.fail('Processing instruction without a valid target.');
    const target = this.readName();
    if (target.includes(':')) this.fail('A processing instruction target cannot contain a colon.');
    if (target.toLowerCase() === 'xml') this.fail('The XML declaration must be at the start of the document.');
    const src = this.src;
    if (!src.startsWith('?>', this.pos) && !this.isSpace(src.charCodeAt(this.pos))) this.fail('Disallowed character in a processing instruction target.');
    let pos = this.pos;
    for (;;) {
      const c = src.charCodeAt(pos);
      if (c === QUESTION && src.charCodeAt(pos + 1) === GT) {
        this.pos = pos + 2;
        return;
      }
      pos += c < 0x80 && PLAIN_DATA[c] === 1 ? 1 : this.characterLength(pos);
    }
  }

  /** Comment (§2.5 [15]): `--` may not occur in it, so the first `--` must be followed by `>`. */
  private skipComment(): void {
    const src = this.src;
    let pos = this.pos;
    for (;;) {
      const c = src.charCodeAt(pos);
      if (c === MINUS && src.charCodeAt(pos + 1) === MINUS) {
        if (src.charCodeAt(pos + 2) !== GT) this.fail("'--' is not allowed in a comment.");
        this.pos = pos + 3;
        return;
      }
      pos += c < 0x80 && PLAIN_DATA[c] === 1 ? 1 : this.characterLength(pos);
    }
  }

  /** CDSect (§2.7 [18]-[21]): everything up to the first `]]>` is character data, line ends normalised. */
  private readCData(): string {
    const src = this.src;
    let start = this.pos;
    let pos = start;
    let data = '';
    for (;;) {
      const c = src.charCodeAt(pos);
      if (c === RBRACKET && src.charCodeAt(pos + 1) === RBRACKET && src.charCodeAt(pos + 2) === GT) {
        this.pos = pos + 3;
        return data + src.slice(start, pos);
      }
      if (c < 0x80 && PLAIN_DATA[c] === 1) {
        pos++;
      } else if (this.isLineEndStart(c)) {
        data += `${src.slice(start, pos)}\n`;
        pos = start = this.afterLineEnd(pos);
      } else {
        pos += this.characterLength(pos);
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Elements

  /** The element whose content is being read. */
  private current(): XmlElement {
    const element = this.openElements[this.openElements.length - 1];
    if (!element) return this.fail('Text data outside of the root element.');
    return element;
  }

  /**
   * content (§3.1 [43]) of the root and all its descendants, iteratively: character data with
   * references, line ends normalised (§2.11) and `]]>` refused (§2.4 [14]); markup at each `<`.
   * The text of a run goes to its element when the run ends at `<`, where saxes emitted it.
   */
  private parseContent(): void {
    const src = this.src;
    let pos = this.pos;
    let start = pos;
    let run = '';
    for (;;) {
      const c = src.charCodeAt(pos);
      if (c < 0x80 ? PLAIN_TEXT[c] === 1 : c >= 0x80 && c < 0xd800) {
        pos++;
      } else if (c === LT) {
        this.appendText(run + src.slice(start, pos));
        this.pos = pos + 1;
        this.parseMarkupInContent();
        if (this.openElements.length === 0) return;
        pos = start = this.pos;
        run = '';
      } else if (c === AMP) {
        run += src.slice(start, pos);
        this.pos = pos;
        run += this.readReference();
        pos = start = this.pos;
      } else if (c === GT) {
        // `]]>` in character data: the two characters before are in this run (a run starts after `>` or `;`).
        if (src.charCodeAt(pos - 1) === RBRACKET && src.charCodeAt(pos - 2) === RBRACKET) this.fail("']]>' is not allowed in character data.");
        pos++;
      } else if (this.isLineEndStart(c)) {
        run += `${src.slice(start, pos)}\n`;
        pos = start = this.afterLineEnd(pos);
      } else {
        pos += this.characterLength(pos); // the end of input is an error here: the root is still open
      }
    }
  }

  /** After a `<` in content: an end tag, a start tag, or a comment, CDATA section or refused declaration. */
  private parseMarkupInContent(): void {
    const c = this.src.charCodeAt(this.pos);
    if (c === SLASH) {
      this.pos++;
      this.parseEndTag();
    } else if (this.nameStartsAt(this.pos)) {
      this.parseStartTag();
    } else {
      this.parseMarkupDeclaration(true);
    }
  }

  /** Adds character data to the open element, within maxTextLength for all of its own text. */
  private appendText(text: string): void {
    if (text.length === 0) return;
    const element = this.current();
    if (element.text.length + text.length > this.limits.maxTextLength) {
      throw new XmlLimitError('maxTextLength', `A text node is longer than ${this.limits.maxTextLength} characters.`);
    }
    element.text += text;
  }

  /**
   * STag or EmptyElemTag (§3.1 [40], [44]) with `pos` at the name. The depth and element limits
   * are checked once the name and the character after it are read (saxes' `opentagstart`); the
   * element's QName and prefixes are checked once the whole tag is read, as saxes does.
   */
  private parseStartTag(): void {
    this.tagNameOffset = this.pos;
    const qname = this.readName();
    this.characterLength(this.pos); // the character that ended the name must be a Char
    this.countStartTag();
    if (this.rootClosed) this.fail('A document has exactly one root element.');
    const bindingMark = this.shadowedPrefixes.length;
    const empty = this.parseAttributes();
    const element = this.createElement(qname);
    if (element.ordinal === this.locateOrdinal) this.locatedOffset = this.pos;
    const parent = this.openElements[this.openElements.length - 1];
    if (parent) parent.children.push(element);
    else this.root = element;
    if (empty) {
      this.restoreBindings(bindingMark);
      if (!parent) this.rootClosed = true;
    } else {
      this.openElements.push(element);
      this.openNames.push(qname);
      this.bindingMarks.push(bindingMark);
    }
  }

  private countStartTag(): void {
    const { maxDepth, maxElements } = this.limits;
    if (this.openElements.length >= maxDepth) {
      throw new XmlLimitError('maxDepth', `The document is nested deeper than ${maxDepth} elements.`);
    }
    this.elementCount += 1;
    if (this.elementCount > maxElements) {
      throw new XmlLimitError('maxElements', `The document has more than ${maxElements} elements.`);
    }
  }

  /** (S Attribute)* S? followed by `>` or `/>`; returns whether it was `/>`. */
  private parseAttributes(): boolean {
    this.attributeCount = 0;
    for (;;) {
      const spaced = this.skipSpaces();
      const c = this.src.charCodeAt(this.pos);
      if (c === GT) {
        this.pos++;
        return false;
      }
      if (c === SLASH) {
        if (this.src.charCodeAt(this.pos + 1) !== GT) this.fail('/ in a start tag not followed by >.');
        this.pos += 2;
        return true;
      }
      if (!spaced) this.fail('White space required before an attribute.');
      if (!this.nameStartsAt(this.pos)) this.fail(this.pos >= this.src.length ? 'Unexpected end of the document.' : 'Disallowed character in an attribute name.');
      this.parseAttribute();
    }
  }

  /**
   * Attribute (§3.1 [41]) then what saxes does once the value is closed: the QName check, the
   * attribute limit (namespace declarations count too), then the declaration's own rules.
   */
  private parseAttribute(): void {
    const qname = this.readName();
    this.skipSpaces();
    if (this.src.charCodeAt(this.pos) !== EQUALS) this.fail(`Attribute ${qname} without a value.`);
    this.pos++;
    this.skipSpaces();
    const quote = this.src.charCodeAt(this.pos);
    if (quote !== DQUOTE && quote !== SQUOTE) this.fail('Unquoted attribute value.');
    this.pos++;
    const value = this.readAttributeValue(quote);
    const colon = qnameColon(qname);
    const index = this.attributeCount++;
    if (this.attributeCount > this.limits.maxAttributesPerElement) {
      throw new XmlLimitError('maxAttributesPerElement', `An element has more than ${this.limits.maxAttributesPerElement} attributes.`);
    }
    this.attributeNames[index] = qname;
    this.attributeColons[index] = colon;
    this.attributeValues[index] = value;
    if (qname.startsWith('xmlns:')) this.declarePrefix(qname.slice(6), value);
    else if (qname === 'xmlns') this.declare('', value.trim());
  }

  /**
   * AttValue (§3.1 [10]) normalised (§3.3.3): a literal tab or line end (CRLF counted once)
   * becomes a space, references are replaced (`&#10;` stays a line feed), `<` is an error.
   */
  private readAttributeValue(quote: number): string {
    const src = this.src;
    let pos = this.pos;
    let start = pos;
    let value = '';
    for (;;) {
      const c = src.charCodeAt(pos);
      if (c < 0x80 && PLAIN_ATTRIBUTE_VALUE[c] === 1) {
        pos++;
      } else if (c === quote) {
        this.pos = pos + 1;
        return value + src.slice(start, pos);
      } else if (c === DQUOTE || c === SQUOTE) {
        pos++;
      } else if (c === AMP) {
        value += src.slice(start, pos);
        this.pos = pos;
        value += this.readReference();
        pos = start = this.pos;
      } else if (c === LT) {
        this.fail('< is not allowed in an attribute value.');
      } else if (c === TAB || c === LF || this.isLineEndStart(c)) {
        value += `${src.slice(start, pos)} `;
        pos = start = this.afterLineEnd(pos);
      } else {
        pos += this.characterLength(pos);
      }
    }
  }

  /**
   * Reference (§4.1 [66]-[68]) with `pos` at `&`: one of the five predefined entities (no DTD, so
   * no other entity exists), or a character reference to a Char of the document's version:
   * `&#` digits or `&#x` hex digits (a lower-case x, as saxes requires).
   */
  private readReference(): string {
    const src = this.src;
    const pos = this.pos + 1;
    if (src.charCodeAt(pos) === HASH) return this.readCharacterReference(pos + 1);
    for (const [name, replacement] of PREDEFINED_ENTITIES) {
      if (src.startsWith(name, pos)) {
        this.pos = pos + name.length;
        return replacement;
      }
    }
    return this.fail('Undefined entity (only &lt; &gt; &amp; &apos; &quot; and character references are allowed).');
  }

  private readCharacterReference(at: number): string {
    const src = this.src;
    const hex = src.charCodeAt(at) === LOWER_X;
    let pos = hex ? at + 1 : at;
    const digitsStart = pos;
    let codePoint = 0;
    for (;;) {
      const digit = digitValue(src.charCodeAt(pos), hex);
      if (digit < 0) break;
      codePoint = Math.min(codePoint * (hex ? 16 : 10) + digit, 0x110000); // anything above 0x10FFFF stays invalid
      pos++;
    }
    if (pos === digitsStart || src.charCodeAt(pos) !== SEMICOLON || !isReferenceableChar(codePoint)) {
      this.fail('Malformed character reference.');
    }
    this.pos = pos + 1;
    return codePoint < 0x10000 ? String.fromCharCode(codePoint) : String.fromCodePoint(codePoint);
  }

  /** Applies an `xmlns:prefix` declaration: in XML 1.0 a prefix cannot be undeclared (Namespaces 1.0 §5, saxes' check). */
  private declarePrefix(prefix: string, value: string): void {
    const uri = value.trim(); // saxes binds the trimmed value (String.prototype.trim)
    if (uri === '') this.fail(`A namespace prefix cannot be undeclared in XML 1.0: xmlns:${prefix}.`);
    this.declare(prefix, uri);
  }

  /**
   * Binds a prefix ('' for the default namespace) for the element being read and its content,
   * with the constraints of Namespaces §3 (as saxes' nsPairCheck applies them): `xml` only to
   * its namespace, `xmlns` never, and neither of those namespaces to any other prefix.
   */
  private declare(prefix: string, uri: string): void {
    if (prefix === 'xmlns') this.fail('The xmlns prefix cannot be declared.');
    if (prefix === 'xml' ? uri !== XML_NAMESPACE : uri === XML_NAMESPACE || uri === XMLNS_NAMESPACE) {
      this.fail(`Namespace ${uri} cannot be bound to ${prefix === '' ? 'the default namespace' : `prefix ${prefix}`}.`);
    }
    this.shadowedPrefixes.push(prefix);
    if (prefix === '') {
      this.shadowedUris.push(this.defaultUri);
      this.defaultUri = uri;
    } else {
      this.shadowedUris.push(this.prefixes.get(prefix));
      this.prefixes.set(prefix, uri);
    }
  }

  /** Undoes the declarations made since `mark`, the latest first. */
  private restoreBindings(mark: number): void {
    while (this.shadowedPrefixes.length > mark) {
      const prefix = this.shadowedPrefixes.pop() ?? '';
      const uri = this.shadowedUris.pop();
      if (prefix === '') this.defaultUri = uri ?? '';
      else if (uri === undefined) this.prefixes.delete(prefix);
      else this.prefixes.set(prefix, uri);
    }
  }

  /** The namespace a prefix is bound to in the current scope, undefined when none. */
  private uriOf(prefix: string): string | undefined {
    if (prefix === 'xml') return XML_NAMESPACE;
    if (prefix === 'xmlns') return XMLNS_NAMESPACE;
    return this.prefixes.get(prefix);
  }

  /**
   * The element of a complete start tag: its QName resolved (the default namespace applies, the
   * `xmlns` prefix is reserved, any other prefix must be bound), its attributes resolved (an
   * unprefixed attribute has no namespace, Namespaces §6.2) and checked for duplicates, the
   * namespace declarations left out.
   */
  private createElement(qname: string): XmlElement {
    const colon = qnameColon(qname);
    let uri: string;
    let local = qname;
    if (colon === -1) {
      uri = this.defaultUri;
    } else {
      const prefix = qname.slice(0, colon);
      if (prefix === 'xmlns') this.fail('An element cannot have the xmlns prefix.');
      uri = this.uriOf(prefix) ?? '';
      if (uri === '') {
        this.pos = this.tagNameOffset; // reported at the element's name, as .NET reports it
        this.fail(`Unbound namespace prefix: ${prefix}.`);
      }
      local = qname.slice(colon + 1);
    }
    const attributes = this.resolveAttributes();
    return { uri, local, attributes, children: [], text: '', ordinal: this.elementCount - 1 };
  }

  private resolveAttributes(): XmlAttribute[] {
    const attributes: XmlAttribute[] = [];
    const count = this.attributeCount;
    for (let i = 0; i < count; i++) {
      const qname = this.attributeNames[i] ?? '';
      const colon = this.attributeColons[i] ?? -1;
      const value = this.attributeValues[i] ?? '';
      if (colon === -1) {
        this.attributeUris[i] = '';
        this.attributeLocals[i] = qname;
        if (qname !== 'xmlns') attributes.push({ uri: '', local: qname, value });
        continue;
      }
      const prefix = qname.slice(0, colon);
      const local = qname.slice(colon + 1);
      const uri = this.uriOf(prefix);
      if (uri === undefined) this.fail(`Unbound namespace prefix: ${prefix}.`);
      this.attributeUris[i] = uri;
      this.attributeLocals[i] = local;
      if (uri !== XMLNS_NAMESPACE) attributes.push({ uri, local, value });
    }
    if (count > 1) this.checkUniqueAttributes(count);
    return attributes;
  }

  /**
   * Unique Att Spec (§3.1) and Namespaces §6.3, with saxes' notion of the same attribute: the
   * same QName if unprefixed, the same namespace and local name if prefixed. A start tag has few
   * attributes, so they are compared pairwise, unless there are many (up to the limit).
   */
  private checkUniqueAttributes(count: number): void {
    const duplicate = count > 8 ? this.findDuplicateByKey(count) : this.findDuplicatePairwise(count);
    if (duplicate !== -1) this.fail(`Duplicate attribute: ${this.attributeNames[duplicate]}.`);
  }

  private findDuplicatePairwise(count: number): number {
    for (let i = 1; i < count; i++) {
      for (let j = 0; j < i; j++) if (this.sameAttribute(i, j)) return i;
    }
    return -1;
  }

  private findDuplicateByKey(count: number): number {
    const keys = new Set<string>();
    for (let i = 0; i < count; i++) {
      const key = this.attributeColons[i] === -1 ? (this.attributeNames[i] ?? '') : `{${this.attributeUris[i]}}${this.attributeLocals[i]}`;
      if (keys.has(key)) return i;
      keys.add(key);
    }
    return -1;
  }

  private sameAttribute(i: number, j: number): boolean {
    const prefixed = this.attributeColons[i] !== -1;
    if (prefixed !== (this.attributeColons[j] !== -1)) return false;
    if (!prefixed) return this.attributeNames[i] === this.attributeNames[j];
    return this.attributeLocals[i] === this.attributeLocals[j] && this.attributeUris[i] === this.attributeUris[j];
  }

  /**
   * An end tag that does not close the open element, with `pos` at its name. When it names
   * another element, the error carries both names and the open element, so that its message can
   * say where that start tag was (as .NET's does).
   */
  private failEndTag(expected: string): never {
    const at = this.pos;
    const found = this.nameStartsAt(at) ? this.readName() : '';
    this.pos = at;
    const err = new XmlSyntaxError(`Unexpected end tag (expected </${expected}>).`);
    const open = this.openElements[this.openElements.length - 1];
    if (found !== '' && found !== expected && open) err.mismatch = { expected, found, ordinal: open.ordinal };
    throw err;
  }

  /** ETag (§3.1 [42]) with `pos` after `</`: the name of the open element, S?, `>`. */
  private parseEndTag(): void {
    const qname = this.openNames[this.openNames.length - 1] ?? '';
    const start = this.pos;
    if (this.src.startsWith(qname, start)) {
      this.pos += qname.length;
      this.skipSpaces();
      if (this.src.charCodeAt(this.pos) === GT) {
        this.pos++;
        this.openElements.pop();
        this.openNames.pop();
        this.restoreBindings(this.bindingMarks.pop() ?? 0);
        if (this.openElements.length === 0) this.rootClosed = true;
        return;
      }
    }
    this.pos = start;
    this.failEndTag(qname);
  }
}
