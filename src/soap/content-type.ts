/** `type/subtype; name=value; …` with parameter names lower-cased. */
export interface ContentType {
  readonly mediaType: string;
  readonly parameters: ReadonlyMap<string, string>;
}

/**
 * The last header parsed and its result: a client's calls all carry the same Content-Type, so
 * nearly every request is answered from here instead of splitting the header again. The
 * result is shared, hence read-only.
 */
let lastHeader: string | undefined;
let lastParsed: ContentType = parse(undefined);

export function parseContentType(header: string | undefined): ContentType {
  if (header !== lastHeader) {
    lastParsed = parse(header);
    lastHeader = header;
  }
  return lastParsed;
}

function parse(header: string | undefined): ContentType {
  const [base = '', ...rest] = (header ?? '').split(';');
  const parameters = new Map<string, string>();
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    if (!parameters.has(name)) parameters.set(name, part.slice(eq + 1));
  }
  return { mediaType: base.trim().toLowerCase(), parameters };
}

/** URL-decoding as ASMX does it, but never throwing on a stray `%`. */
export function safeUrlDecode(value: string): string {
  if (!value.includes('%')) return value; // nearly always: nothing to decode
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The SOAP 1.2 `action` parameter: trimmed of spaces, tabs and quotes, URL-decoded. */
export function actionParameter(contentType: ContentType): string | undefined {
  const raw = contentType.parameters.get('action');
  if (raw === undefined) return undefined;
  return safeUrlDecode(raw.replace(/^[ \t'"]+|[ \t'"]+$/g, ''));
}

/** SOAPAction: surrounding quotes stripped only when it both starts and ends with one. */
export function soapActionValue(header: string): string {
  const unquoted = header.length >= 2 && header.startsWith('"') && header.endsWith('"') ? header.slice(1, -1) : header;
  return safeUrlDecode(unquoted);
}
