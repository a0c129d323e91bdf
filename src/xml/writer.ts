/**
 * The one audited escape for everything we write as XML or HTML. Control characters that XML
 * 1.0 cannot carry are replaced by U+FFFD rather than written raw (which would make our own
 * output malformed) or dropped silently.
 */
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TEXT_SPECIALS = /[&<>]/g;
const ATTR_SPECIALS = /[&<>"]/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

const HAS_INVALID_XML_CHARS = new RegExp(INVALID_XML_CHARS.source); // no `g`: test() must not keep state
/** Anything either escape would change: most values (names, codes, numbers) need no work at all. */
// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

function replaceInvalid(value: string): string {
  return HAS_INVALID_XML_CHARS.test(value) ? value.replace(INVALID_XML_CHARS, '\uFFFD') : value;
}

export function escapeText(value: string): string {
  if (!NEEDS_WORK.test(value)) return value;
  return replaceInvalid(value).replace(TEXT_SPECIALS, (c) => ENTITY[c] ?? c);
}

export function escapeAttribute(value: string): string {
  if (!NEEDS_WORK.test(value)) return value;
  return replaceInvalid(value).replace(ATTR_SPECIALS, (c) => ENTITY[c] ?? c);
}

/** `<name>text</name>`, or `<name />` for an empty value, as XmlSerializer writes it. */
export function textElement(name: string, text: string): string {
  return text === '' ? `<${name} />` : `<${name}>${escapeText(text)}</${name}>`;
}
