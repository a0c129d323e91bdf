/**
 * Request bytes to text, the way ASMX reads them (asmx-wire-behaviour A2, issue 15 item 9):
 * ASMX wraps the body in a StreamReader with the Content-Type's charset and lets a byte-order
 * mark override it (RequestResponseUtils.GetEncoding2, SoapServerProtocol.GetReaderForMessage);
 * without a charset the XmlReader reads the BOM or the XML declaration. An unknown charset is
 * not refused: ASMX falls back, and so do we.
 *
 * The order here: a BOM, else the Content-Type charset, else the XML declaration's encoding,
 * else UTF-8. One deliberate difference: for `text/xml` without a charset ASMX falls back to
 * ASCII, turning every non-ASCII character into `?`; we decode UTF-8 (or what the declaration
 * names), so a partner's data is never mangled. Responses are always UTF-8, as ASMX's are.
 */
import { XmlSyntaxError } from '../xml/reader.js';

export type RequestEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'iso-8859-1' | 'windows-1252' | 'us-ascii';

export interface DecodedBody {
  readonly text: string;
  readonly encoding: RequestEncoding;
  /** The charset parameter or declared encoding we did not know, decoded by the fallback instead. */
  readonly unknownEncoding?: string;
}

/** Encoding labels (lower case) as .NET's Encoding.GetEncoding and the WHATWG list name them. */
const LABELS: ReadonlyMap<string, RequestEncoding> = new Map<string, RequestEncoding>([
  ...['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode-2-0-utf-8', 'x-unicode20utf8'].map((l) => [l, 'utf-8'] as const),
  // .NET's "utf-16" and "unicode" are little-endian, as Windows writes UTF-16.
  ...['utf-16', 'utf-16le', 'unicode', 'ucs-2', 'iso-10646-ucs-2', 'unicodefeff'].map((l) => [l, 'utf-16le'] as const),
  ...['utf-16be', 'unicodefffe'].map((l) => [l, 'utf-16be'] as const),
  ...['iso-8859-1', 'iso8859-1', 'iso_8859-1', 'iso_8859-1:1987', 'latin1', 'l1', 'iso-ir-100', 'cp819', 'ibm819', 'csisolatin1'].map(
    (l) => [l, 'iso-8859-1'] as const,
  ),
  ...['windows-1252', 'cp1252', 'x-cp1252'].map((l) => [l, 'windows-1252'] as const),
  ...['us-ascii', 'ascii', 'us', 'iso646-us', 'ansi_x3.4-1968', 'ansi_x3.4-1986', 'iso-ir-6', 'cp367', 'ibm367', 'csascii'].map(
    (l) => [l, 'us-ascii'] as const,
  ),
]);

/** The encoding a label names, undefined if we do not know it. Quotes and case do not matter. */
export function encodingOfLabel(label: string): RequestEncoding | undefined {
  return LABELS.get(label.trim().replace(/^["']|["']$/g, '').trim().toLowerCase());
}

/** The last charset parameter looked up: a client's calls all carry the same one (nearly always utf-8). */
let lastCharset: string | undefined;
let lastCharsetEncoding: RequestEncoding | undefined;

function encodingOfCharset(charset: string): RequestEncoding | undefined {
  if (charset !== lastCharset) {
    lastCharsetEncoding = encodingOfLabel(charset);
    lastCharset = charset;
  }
  return lastCharsetEncoding;
}

// Fatal: a byte sequence that is not valid in a Unicode encoding is malformed XML (400), as
// .NET's XmlReader reports "Invalid character in the given encoding." BOMs are removed.
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF16LE = new TextDecoder('utf-16le', { fatal: true });
const UTF16BE = new TextDecoder('utf-16be', { fatal: true });
/**
 * windows-1252's bytes 0x80-0x9F (the rest is Latin-1). A table of our own: Node 20's
 * TextDecoder('windows-1252') decodes these bytes as Latin-1 C1 controls (fixed in later Node
 * versions). The five unassigned bytes map to the C1 control of the same value, as in .NET and
 * the WHATWG table.
 */
const WINDOWS_1252_HIGH = new Uint16Array([
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
]);

function decodeAs(encoding: RequestEncoding, bytes: Uint8Array): string {
  try {
    switch (encoding) {
      case 'utf-8':
        return UTF8.decode(bytes);
      case 'utf-16le':
        return UTF16LE.decode(bytes);
      case 'utf-16be':
        return UTF16BE.decode(bytes);
      case 'windows-1252':
        return decodeWindows1252(bytes);
      case 'iso-8859-1':
        // Not TextDecoder: its "iso-8859-1" label is windows-1252 (WHATWG), which reads bytes
        // 0x80-0x9F differently from .NET's Latin-1. Latin-1 is one byte per code point.
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
      case 'us-ascii':
        return decodeAscii(bytes);
    }
  } catch {
    throw new XmlSyntaxError('Invalid character in the given encoding.');
  }
}

function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80] ?? c.charCodeAt(0)));
}

/** .NET's ASCIIEncoding: a byte above 0x7F becomes `?` (TextDecoder's "ascii" is windows-1252). */
function decodeAscii(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buffer.some((b) => b > 0x7f)) return buffer.toString('latin1');
  return Buffer.from(buffer.map((b) => (b > 0x7f ? 0x3f : b))).toString('latin1');
}

function encodingOfBom(bytes: Uint8Array): RequestEncoding | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** At most this many bytes are searched for the XML declaration's end. */
const DECLARATION_SCAN = 256;

/**
 * The encoding pseudo-attribute of an XML declaration at the start of the bytes: in an ASCII
 * superset, or in UTF-16 without a BOM, told by `<?` as XML 1.0 Appendix F detects it.
 */
function declaredEncoding(bytes: Uint8Array): { label: string; utf16?: RequestEncoding } | undefined {
  let head: string;
  let utf16: RequestEncoding | undefined;
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) utf16 = 'utf-16le';
  else if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) utf16 = 'utf-16be';
  if (utf16) {
    head = new TextDecoder(utf16).decode(bytes.subarray(0, DECLARATION_SCAN * 2));
  } else {
    if (bytes[0] !== 0x3c || bytes[1] !== 0x3f) return undefined;
    head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, DECLARATION_SCAN)).toString('latin1');
  }
  const end = head.indexOf('?>');
  const declaration = /^<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1/.exec(end < 0 ? '' : head.slice(0, end));
  if (declaration?.[2] !== undefined) return { label: declaration[2], ...(utf16 ? { utf16 } : {}) };
  return utf16 ? { label: utf16, utf16 } : undefined;
}

/**
 * Decodes a request body. `charset` is the Content-Type's parameter (undefined when absent).
 * Throws XmlSyntaxError for bytes that are invalid in the chosen Unicode encoding.
 */
export function decodeRequestBody(bytes: Uint8Array, charset: string | undefined): DecodedBody {
  const bom = encodingOfBom(bytes);
  if (bom) return { text: decodeAs(bom, bytes), encoding: bom };
  let unknownEncoding: string | undefined;
  if (charset !== undefined && charset.trim() !== '') {
    const named = encodingOfCharset(charset);
    if (named) return { text: decodeAs(named, bytes), encoding: named };
    unknownEncoding = charset.trim();
  }
  const declared = declaredEncoding(bytes);
  let encoding: RequestEncoding = declared?.utf16 ?? 'utf-8';
  if (declared) {
    const named = encodingOfLabel(declared.label);
    // A UTF-16 document declaring a one-byte encoding is read as UTF-16, as XmlReader does.
    if (named && !(declared.utf16 && named !== 'utf-16le' && named !== 'utf-16be')) encoding = declared.utf16 ?? named;
    else if (!named) unknownEncoding ??= declared.label;
  }
  const text = decodeAs(encoding, bytes);
  return unknownEncoding === undefined ? { text, encoding } : { text, encoding, unknownEncoding };
}
