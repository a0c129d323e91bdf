/**
 * One `curl` command per operation, for the docs page: a partner developer copies it, sets the
 * shell variables named in the page (secrets are never written into the page) and runs it.
 * Path parameters and the body come from the document's examples.
 */
import { asObject, asString, firstExample, objectEntries, resolve, schemaExample, type JsonObject, type OperationView } from './openapi-read.js';

/** The shell variables the commands use in place of secrets; the page explains them. */
export const CURL_PLACEHOLDERS = {
  url: '$AMS_URL',
  apiKey: '$AMS_API_KEY',
  userName: '$AMS_USER',
  secret: '$AMS_SECRET',
  idempotencyKey: '$(uuidgen)',
} as const;

/** POSIX shell single quoting: nothing inside is expanded. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function parameterExample(doc: JsonObject, p: JsonObject): string | undefined {
  if ('example' in p) return String(p['example']);
  for (const [, ex] of objectEntries(p['examples'])) {
    const resolved = resolve(doc, ex);
    if (resolved !== undefined && 'value' in resolved) return String(resolved['value']);
  }
  const fromSchema = schemaExample(doc, p['schema']);
  return fromSchema.found ? String(fromSchema.value) : undefined;
}

/** The first scheme of the first security requirement, as curl options (double-quoted, so the variables expand). */
function authOptions(doc: JsonObject, security: readonly JsonObject[]): string[] {
  const schemes = asObject(asObject(doc['components'])?.['securitySchemes']);
  const first = security[0];
  const name = first === undefined ? undefined : Object.keys(first)[0];
  const scheme = name === undefined ? undefined : resolve(doc, schemes?.[name]);
  if (scheme === undefined) return [];
  const type = asString(scheme['type']);
  const httpScheme = asString(scheme['scheme'])?.toLowerCase();
  if (type === 'http' && httpScheme === 'basic') return [`-u "${CURL_PLACEHOLDERS.userName}:${CURL_PLACEHOLDERS.secret}"`];
  if (type === 'http' && httpScheme === 'bearer') return [`-H "Authorization: Bearer ${CURL_PLACEHOLDERS.apiKey}"`];
  if (type === 'apiKey' && asString(scheme['in']) === 'header') {
    return [`-H "${asString(scheme['name']) ?? 'X-API-Key'}: ${CURL_PLACEHOLDERS.apiKey}"`];
  }
  return [];
}

/** The request URL: the server's URL (relative ones against `origin`), the path with example values, required query examples. */
export function exampleUrl(doc: JsonObject, op: OperationView, origin: string): string {
  const server = asString(asObject(Array.isArray(doc['servers']) ? doc['servers'][0] : undefined)?.['url']) ?? '';
  const base = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : origin + server;
  let path = op.path;
  const query: string[] = [];
  for (const p of op.parameters) {
    const name = asString(p['name']);
    if (name === undefined) continue;
    const example = parameterExample(doc, p);
    if (p['in'] === 'path' && example !== undefined) path = path.split(`{${name}}`).join(encodeURIComponent(example));
    if (p['in'] === 'query' && p['required'] === true && example !== undefined) query.push(`${encodeURIComponent(name)}=${encodeURIComponent(example)}`);
  }
  return base.replace(/\/+$/, '') + path + (query.length === 0 ? '' : `?${query.join('&')}`);
}

/** The JSON request body example, when the operation takes a JSON body and the document has one. */
export function exampleBody(doc: JsonObject, op: OperationView): { readonly contentType: string; readonly text: string } | undefined {
  for (const [contentType, media] of objectEntries(op.requestBody?.['content'])) {
    if (!/json/i.test(contentType)) continue;
    const example = firstExample(doc, media);
    if (example.found) return { contentType, text: JSON.stringify(example.value) };
  }
  return undefined;
}

export function curlCommand(doc: JsonObject, op: OperationView, origin: string): string {
  const lines = [`curl -sS -i${op.method === 'GET' ? '' : ` -X ${op.method}`} ${shellQuote(exampleUrl(doc, op, origin))}`];
  lines.push(...authOptions(doc, op.security));
  for (const p of op.parameters) {
    const name = asString(p['name']);
    if (p['in'] !== 'header' || name === undefined) continue;
    if (name.toLowerCase() === 'idempotency-key') lines.push(`-H "Idempotency-Key: ${CURL_PLACEHOLDERS.idempotencyKey}"`);
    else if (p['required'] === true) lines.push(`-H ${shellQuote(`${name}: ${parameterExample(doc, p) ?? ''}`)}`);
  }
  const body = exampleBody(doc, op);
  if (body !== undefined) lines.push(`-H ${shellQuote(`Content-Type: ${body.contentType}`)}`, `--data-raw ${shellQuote(body.text)}`);
  return lines.join(' \\\n  ');
}
