/**
 * The JSON API's docs page (GET /api/v1/docs): any OpenAPI 3.1 document rendered into one
 * self-contained HTML page in the look of the ASMX help pages. No scripts, no fonts, no CDN: it
 * must work on a partner's machine with no outside network. Everything from the document is
 * escaped with the one audited escape (xml/writer), since a description may hold any text.
 *
 * Built once per document (compileOpenApiPage); per request only the origin shown in the curl
 * examples is filled in.
 */
import { escapeAttribute, escapeText } from '../xml/writer.js';
import { BANNER_STYLE, HELP_PAGE_STYLE } from './html.js';
import { CURL_PLACEHOLDERS, curlCommand } from './openapi-curl.js';
import { asArray, asObject, asString, firstExample, listOperations, objectEntries, resolve, type JsonObject, type OperationView } from './openapi-read.js';
import { anchor, jsonText, schemaBlock, schemaNotes, schemaType } from './openapi-schema-html.js';

export interface OpenApiPageOptions {
  /** Where the machine-readable document is, relative to the page (default `openapi.json`). */
  readonly documentHref?: string;
  /** The ASMX help page, for a link back (omitted when absent). */
  readonly soapHelpHref?: string;
  /** Plain text at the foot of the page (the service's name and version). */
  readonly footer?: string;
  /** Plain text under the title, as on the ASMX help pages: sandbox mode says so there (issue 21). */
  readonly banner?: string;
}

export interface OpenApiPage {
  /**
   * The page with curl examples addressed to `origin`, e.g. `http://localhost:8080`; without
   * one (a page served as a fixed document) they start with the shell variable `$AMS_URL`.
   */
  render(origin?: string): string;
}

const EXTRA_STYLE = `
h1.heading1 { margin-right: 0; }
h4 { font-size: 1em; margin-left: -15px; margin-bottom: 6px; }
.method { display: inline-block; min-width: 4.5em; font-family: "Courier New", monospace; font-weight: bold; color: #ffffff; background: #336699; padding: 1px 6px; margin-right: 6px; }
.operation { border-top: 1px solid #cccccc; margin-top: 18px; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
code { font-family: "Courier New", monospace; }
.constraints { color: #555555; }
nav ul { margin-top: 4px; }
nav li { margin-top: 4px; }
`.trim();

const SAFE_ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;
const DEFAULT_ORIGIN = 'http://localhost:8080';
const ORIGIN_TOKEN = '\uE000ams-origin\uE000';

function paragraphs(text: string, cls = 'intro'): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p class="${cls}">${escapeText(p)}</p>\n`)
    .join('');
}

function methodBadge(op: OperationView): string {
  return `<span class="method">${escapeText(op.method)}</span> <code>${escapeText(op.path)}</code>`;
}

function groupByTag(doc: JsonObject, ops: readonly OperationView[]): { name: string; description: string; ops: OperationView[] }[] {
  const declared = asArray(doc['tags']).map(asObject).filter((t): t is JsonObject => t !== undefined);
  const groups = new Map<string, { name: string; description: string; ops: OperationView[] }>();
  for (const t of declared) {
    const name = asString(t['name']);
    if (name !== undefined) groups.set(name, { name, description: asString(t['description']) ?? '', ops: [] });
  }
  for (const op of ops) {
    const name = op.tags[0] ?? 'Other operations';
    const group = groups.get(name) ?? { name, description: '', ops: [] };
    group.ops.push(op);
    groups.set(name, group);
  }
  return [...groups.values()].filter((g) => g.ops.length > 0);
}

function contents(groups: ReturnType<typeof groupByTag>): string {
  const items = groups
    .map(
      (g) =>
        `<li><a href="#${escapeAttribute(anchor('tag', g.name))}">${escapeText(g.name)}</a>\n<ul>\n` +
        g.ops
          .map((op) => `<li><a href="#${escapeAttribute(anchor('op', op.key))}">${escapeText(`${op.method} ${op.path}`)}</a>${op.summary === '' ? '' : ` — ${escapeText(op.summary)}`}</li>\n`)
          .join('') +
        '</ul></li>\n',
    )
    .join('');
  return `<nav aria-label="Operations">\n<h2>Operations</h2>\n<ul>\n${items}</ul>\n</nav>\n`;
}

function authenticationSection(doc: JsonObject): string {
  const schemes = objectEntries(asObject(doc['components'])?.['securitySchemes']);
  if (schemes.length === 0) return '';
  const rows = schemes
    .map(([name, s]) => {
      const kind = [asString(s['type']), asString(s['scheme']), asString(s['in']), asString(s['name'])].filter((x) => x !== undefined).join(' ');
      return `<tr><td><code>${escapeText(name)}</code></td><td>${escapeText(kind)}</td><td>${escapeText(asString(s['description']) ?? '')}</td></tr>\n`;
    })
    .join('');
  return (
    `<h2 id="authentication">Authentication</h2>\n` +
    `<table class="codes">\n<caption>Security schemes</caption>\n<tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Description</th></tr>\n${rows}</table>\n` +
    `<p class="intro">The curl examples never contain a secret: set <code>AMS_URL</code> (the service's address, when an example uses it), <code>AMS_API_KEY</code> (an API key), or <code>AMS_USER</code> and ` +
    `<code>AMS_SECRET</code> (the partner API user's name and secret) in your shell first. <code>${escapeText(CURL_PLACEHOLDERS.idempotencyKey)}</code> ` +
    'makes a fresh Idempotency-Key; reuse the same key when you retry the same request.</p>\n'
  );
}

/** A response's headers, references (to components/headers) resolved. */
function headersOf(doc: JsonObject, response: JsonObject): (readonly [string, JsonObject])[] {
  return objectEntries(response['headers']).map(([name, h]) => [name, resolve(doc, h) ?? h] as const);
}

/**
 * One row per problem `code` (the Problem schema's enum), with the statuses whose responses name
 * it, each row an anchor `#problem-<code>`: a problem's `type` can point at its explanation.
 */
function problemCodesTable(doc: JsonObject, ops: readonly OperationView[], problemSchema: unknown): string {
  const codeSchema = resolve(doc, asObject(resolve(doc, problemSchema)?.['properties'])?.['code']);
  const codes = asArray(codeSchema?.['enum']).map(asString).filter((c): c is string => c !== undefined);
  if (codes.length === 0) return '';
  const statuses = new Map<string, Set<string>>(codes.map((c) => [c, new Set<string>()]));
  for (const op of ops) {
    for (const [status, response] of op.responses) {
      if (asObject(asObject(response['content'])?.['application/problem+json']) === undefined) continue;
      const words = new Set((asString(response['description']) ?? '').split(/[^A-Za-z0-9_]+/));
      for (const code of codes) if (words.has(code)) statuses.get(code)?.add(status);
    }
  }
  const rows = codes
    .map((code) => `<tr id="${escapeAttribute(anchor('problem', code))}"><td><code>${escapeText(code)}</code></td><td>${escapeText([...(statuses.get(code) ?? [])].sort().join(', '))}</td></tr>\n`)
    .join('');
  return `<table class="codes">\n<caption>Problem codes</caption>\n<tr><th scope="col">code</th><th scope="col">Status</th></tr>\n${rows}</table>\n`;
}

const isIdempotencyKey = (p: JsonObject): boolean => p['in'] === 'header' && asString(p['name'])?.toLowerCase() === 'idempotency-key';

/** Rate-limit headers, the idempotency header and problem+json errors, gathered from every operation. */
function conventionsSection(doc: JsonObject, ops: readonly OperationView[]): string {
  const headers = new Map<string, JsonObject>();
  const problemStatuses = new Set<string>();
  let problemSchema: unknown;
  let idempotency: JsonObject | undefined;
  for (const op of ops) {
    for (const [status, response] of op.responses) {
      for (const [name, h] of headersOf(doc, response)) {
        if (/^(x-)?ratelimit|^retry-after$/i.test(name) && !headers.has(name)) headers.set(name, h);
      }
      const problem = asObject(asObject(response['content'])?.['application/problem+json']);
      if (problem !== undefined) {
        problemStatuses.add(status);
        problemSchema ??= problem['schema'];
      }
    }
    idempotency ??= op.parameters.find(isIdempotencyKey);
  }
  let html = '';
  if (headers.size > 0) {
    const rows = [...headers].map(([name, h]) => `<tr><td><code>${escapeText(name)}</code></td><td>${schemaType(doc, h['schema'])}</td><td>${schemaNotes(doc, h, h['schema'])}</td></tr>\n`).join('');
    html += `<h2 id="rate-limits">Rate limits</h2>\n<table class="codes">\n<caption>Rate-limit headers</caption>\n<tr><th scope="col">Header</th><th scope="col">Type</th><th scope="col">Description</th></tr>\n${rows}</table>\n`;
  }
  if (idempotency !== undefined) {
    const users = ops.filter((op) => op.parameters.some(isIdempotencyKey));
    html +=
      '<h2 id="idempotency">Idempotency</h2>\n' +
      `<p class="intro"><code>Idempotency-Key</code> (${schemaType(doc, idempotency['schema'])}): ${schemaNotes(doc, idempotency, idempotency['schema'])}</p>\n` +
      `<p class="intro">Accepted by: ${users.map((op) => `<a href="#${escapeAttribute(anchor('op', op.key))}">${escapeText(`${op.method} ${op.path}`)}</a>`).join(', ')}.</p>\n`;
  }
  if (problemStatuses.size > 0) {
    html +=
      '<h2 id="errors">Errors</h2>\n' +
      `<p class="intro">Errors are answered as <code>application/problem+json</code> (RFC 9457), with these statuses: ${[...problemStatuses].sort().map((s) => `<code>${escapeText(s)}</code>`).join(', ')}.</p>\n` +
      schemaBlock(doc, problemSchema, 'Problem details') +
      problemCodesTable(doc, ops, problemSchema);
  }
  return html;
}

function examplesOf(doc: JsonObject, media: JsonObject, label: string): string {
  const examples = objectEntries(media['examples']);
  const blocks: string[] = [];
  for (const [name, ex] of examples) {
    if ('value' in ex) blocks.push(`<h4>${escapeText(`${label}: ${asString(ex['summary']) ?? name}`)}</h4>\n<pre>${escapeText(jsonText(ex['value']))}</pre>\n`);
  }
  if (blocks.length > 0) return blocks.join('');
  const first = firstExample(doc, media);
  return first.found ? `<h4>${escapeText(label)}</h4>\n<pre>${escapeText(jsonText(first.value))}</pre>\n` : '';
}

function parametersTable(doc: JsonObject, op: OperationView): string {
  if (op.parameters.length === 0) return '';
  const rows = op.parameters
    .map(
      (p) =>
        `<tr><td><code>${escapeText(asString(p['name']) ?? '')}</code></td><td>${escapeText(asString(p['in']) ?? '')}</td>` +
        `<td>${schemaType(doc, p['schema'])}</td><td>${p['required'] === true ? 'yes' : 'no'}</td><td>${schemaNotes(doc, p, p['schema'])}</td></tr>\n`,
    )
    .join('');
  return `<table class="codes">\n<caption>Parameters</caption>\n<tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Description</th></tr>\n${rows}</table>\n`;
}

function requestBodySection(doc: JsonObject, op: OperationView): string {
  if (op.requestBody === undefined) return '';
  let html = `<h4>Request body${op.requestBody['required'] === true ? ' (required)' : ''}</h4>\n${paragraphs(asString(op.requestBody['description']) ?? '', '')}`;
  for (const [contentType, media] of objectEntries(op.requestBody['content'])) {
    html += schemaBlock(doc, media['schema'], contentType) + examplesOf(doc, media, `Example ${contentType} request`);
  }
  return html;
}

function responsesSection(doc: JsonObject, op: OperationView): string {
  let html = '<h4>Responses</h4>\n';
  for (const [status, response] of op.responses) {
    html += `<p><b>${escapeText(status)}</b> ${escapeText(asString(response['description']) ?? '')}</p>\n`;
    const headers = headersOf(doc, response);
    if (headers.length > 0) {
      const rows = headers.map(([name, h]) => `<tr><td><code>${escapeText(name)}</code></td><td>${schemaType(doc, h['schema'])}</td><td>${schemaNotes(doc, h, h['schema'])}</td></tr>\n`).join('');
      html += `<table class="codes">\n<caption>${escapeText(`Headers of ${status}`)}</caption>\n<tr><th scope="col">Header</th><th scope="col">Type</th><th scope="col">Description</th></tr>\n${rows}</table>\n`;
    }
    for (const [contentType, media] of objectEntries(response['content'])) {
      // Problem details are described once, in the Errors section; each status only links them.
      const schema =
        contentType === 'application/problem+json' ? `<p>${escapeText(`${status} ${contentType}`)}: ${schemaType(doc, media['schema'])}</p>\n` : schemaBlock(doc, media['schema'], `${status} ${contentType}`);
      html += schema + examplesOf(doc, media, `Example ${status} response`);
    }
  }
  return html;
}

function securityLine(op: OperationView): string {
  if (op.security.length === 0) return '<p>Authentication: none.</p>\n';
  const alternatives = op.security.map((req) => Object.keys(req).map((name) => `<a href="#authentication"><code>${escapeText(name)}</code></a>`).join(' and '));
  return `<p>Authentication: ${alternatives.join(' or ')}.</p>\n`;
}

function operationSection(doc: JsonObject, op: OperationView): string {
  return (
    `<section class="operation" id="${escapeAttribute(anchor('op', op.key))}" aria-labelledby="${escapeAttribute(anchor('op-title', op.key))}">\n` +
    `<h3 id="${escapeAttribute(anchor('op-title', op.key))}">${methodBadge(op)}</h3>\n` +
    (op.summary === '' ? '' : `<p class="intro"><b>${escapeText(op.summary)}</b></p>\n`) +
    (op.deprecated ? '<p class="intro"><span class="obsolete">[DEPRECATED]</span> This operation still works; new integrations should not use it.</p>\n' : '') +
    paragraphs(op.description) +
    securityLine(op) +
    parametersTable(doc, op) +
    requestBodySection(doc, op) +
    responsesSection(doc, op) +
    `<h4>Example</h4>\n<pre>${escapeText(curlCommand(doc, op, ORIGIN_TOKEN))}</pre>\n` +
    '</section>\n'
  );
}

function schemasSection(doc: JsonObject): string {
  const schemas = objectEntries(asObject(doc['components'])?.['schemas']);
  if (schemas.length === 0) return '';
  let html = '<h2 id="schemas">Schemas</h2>\n';
  for (const [name, schema] of schemas) {
    html +=
      `<section id="${escapeAttribute(anchor('schema', name))}" aria-label="${escapeAttribute(name)}">\n<h3>${escapeText(name)}</h3>\n` +
      paragraphs(asString(schema['description']) ?? '') +
      schemaBlock(doc, schema, name) +
      examplesOf(doc, { schema }, 'Example') +
      '</section>\n';
  }
  return html;
}

/** Renders the whole document once; `render(origin)` only fills in the origin of the curl examples. */
export function compileOpenApiPage(document: object, options: OpenApiPageOptions = {}): OpenApiPage {
  const doc = document as JsonObject;
  const info = asObject(doc['info']) ?? {};
  const title = asString(info['title']) ?? 'API';
  const version = asString(info['version']) ?? '';
  const ops = listOperations(doc);
  const groups = groupByTag(doc, ops);
  const links =
    `<p class="intro">OpenAPI ${escapeText(asString(doc['openapi']) ?? '')} document: <a href="${escapeAttribute(options.documentHref ?? 'openapi.json')}">openapi.json</a>` +
    (options.soapHelpHref === undefined ? '' : ` · SOAP: <a href="${escapeAttribute(options.soapHelpHref)}">the ASMX operation list</a>`) +
    '</p>\n';
  const body =
    `<h1 class="heading1">${escapeText(title)}${version === '' ? '' : ` <small>${escapeText(version)}</small>`}</h1><br>\n` +
    (options.banner === undefined || options.banner === '' ? '' : `<p class="intro" id="sandbox-banner" style="${BANNER_STYLE}">${escapeText(options.banner)}</p>\n`) +
    '<main>\n' +
    paragraphs(asString(info['description']) ?? '') +
    links +
    contents(groups) +
    authenticationSection(doc) +
    conventionsSection(doc, ops) +
    groups
      .map((g) => `<h2 id="${escapeAttribute(anchor('tag', g.name))}">${escapeText(g.name)}</h2>\n${paragraphs(g.description)}${g.ops.map((op) => operationSection(doc, op)).join('')}`)
      .join('') +
    schemasSection(doc) +
    '</main>\n' +
    (options.footer === undefined || options.footer === '' ? '' : `<p class="footer">${escapeText(options.footer)}</p>\n`);
  const page =
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${escapeText(`${title} — JSON API`)}</title>\n` +
    `<style>\n${HELP_PAGE_STYLE}\n${EXTRA_STYLE}\n</style>\n</head>\n<body>\n<div id="content">\n${body}</div>\n</body>\n</html>\n`;
  // The token opens a single-quoted URL in each curl command (openapi-curl.ts).
  const parts = page.split(`'${ORIGIN_TOKEN}`);
  // The origin comes from the request's Host: it goes into a shell command, so only a plain
  // scheme://host[:port] is used; anything else shows the default.
  return {
    render: (origin) => parts.join(origin === undefined ? `"${CURL_PLACEHOLDERS.url}"'` : `'${escapeText(SAFE_ORIGIN.test(origin) ? origin : DEFAULT_ORIGIN)}`),
  };
}

/** One-off rendering (tests, CLI). */
export function renderOpenApiPage(document: object, origin: string | undefined, options: OpenApiPageOptions = {}): string {
  return compileOpenApiPage(document, options).render(origin);
}
