/**
 * The HTML help pages (GET …asmx and …asmx?op=<Name>), in the style of ASMX's
 * DefaultWsdlHelpGenerator. Built once per operation list; per request only the path, host
 * and locality of the caller are filled in.
 *
 * Links to `?op=`, `?WSDL` and `?disco` are query-only relative references, so they resolve
 * against whatever spelling of the path the client used (IIS matches it case-insensitively).
 */
import { SERVICE_NAME } from '../contract/common-types.js';
import type { OperationDefinition } from '../contract/operation.js';
import { RESULT_CODES, type ResultCodeName } from '../contract/result-codes.js';
import { escapeAttribute, escapeText } from '../xml/writer.js';
import { htmlPage } from './html.js';
import { compileSoapSamples } from './samples.js';
import { compileTestSection } from './test-form.js';

export interface HelpContext {
  /** The endpoint path as requested, e.g. `/WebApi/AccountManagementService/AccountManagementService.asmx`. */
  readonly path: string;
  /** The Host the request named; shown in the sample requests. */
  readonly host: string;
  /** Only local callers get the test form (SERVICE.md §1). */
  readonly isLocal: boolean;
}

export interface HelpPages {
  renderOperationList(ctx: HelpContext): string;
  /** The `?op=` page; undefined if no operation has exactly that name. */
  renderOperationPage(name: string, ctx: HelpContext): string | undefined;
}

const TITLE = `${SERVICE_NAME} Web Service`;
const OBSOLETE_LABEL = '<span class="obsolete">[OBSOLETE]</span>';
const EXTENSION_LABEL = '<span class="extension">[EXTENSION]</span>';

/** The JSON API's docs page (issue 19), on the same port: an absolute path, whatever the ASMX path. */
export const JSON_API_DOCS_PATH = '/api/v1/docs';

const opHref = (op: OperationDefinition): string => `?op=${encodeURIComponent(op.name)}`;

function operationItem(op: OperationDefinition): string {
  return (
    `<li><a href="${escapeAttribute(opHref(op))}">${escapeText(op.name)}</a>` +
    (op.obsolete ? ` ${OBSOLETE_LABEL}` : '') +
    (op.description !== '' ? `<br>${escapeText(op.description)}` : '') +
    '</li>\n'
  );
}

function resultCodeTable(names: readonly ResultCodeName[]): string {
  const rows = RESULT_CODES.filter((c) => names.includes(c.name))
    .map((c) => `<tr><td>${c.code}</td><td>${escapeText(c.name)}</td><td>${escapeText(c.meaning)}</td></tr>\n`)
    .join('');
  return `<table class="codes">\n<tr><th>Result</th><th>Code</th><th>Meaning</th></tr>\n${rows}</table>\n`;
}

function operationListBody(operations: readonly OperationDefinition[]): string {
  const legacy = operations.filter((op) => !op.extension);
  const extensions = operations.filter((op) => op.extension);
  let body =
    '<span>\n' +
    '<p class="intro">The following operations are supported. For a formal definition, please review the ' +
    '<a href="?WSDL">Service Description</a>.</p>\n' +
    `<ul>\n${legacy.map(operationItem).join('')}</ul>\n` +
    `<p class="intro">The same operations are offered as a JSON API with an OpenAPI 3.1 description: see the ` +
    `<a href="${escapeAttribute(JSON_API_DOCS_PATH)}">JSON API documentation</a>.</p>\n`;
  if (extensions.length > 0) {
    body +=
      '<h3>Extensions</h3>\n' +
      `<p class="intro">The following operations are extensions of this implementation; the legacy ${escapeText(SERVICE_NAME)} did not offer them.</p>\n` +
      `<ul>\n${extensions.map(operationItem).join('')}</ul>\n`;
  }
  body +=
    '<h2>Result codes</h2>\n' +
    '<p class="intro">Every operation answers with a Result object: <b>Result</b> (the number), <b>Code</b> (its name) ' +
    'and <b>Message</b> (a short explanation). Business outcomes are reported this way, never as SOAP faults. ' +
    'Numbers are permanent.</p>\n' +
    resultCodeTable(RESULT_CODES.map((c) => c.name)) +
    '</span>\n';
  return body;
}

type Render = (ctx: HelpContext) => string;

function compileOperationPage(op: OperationDefinition, footer = '', banner = ''): Render {
  const markers =
    (op.obsolete
      ? `<p class="intro">${OBSOLETE_LABEL} This operation is obsolete. It still works; new integrations should not use it.</p>\n`
      : '') +
    (op.extension
      ? `<p class="intro">${EXTENSION_LABEL} This operation is an extension of this implementation; the legacy ${escapeText(SERVICE_NAME)} did not offer it.</p>\n`
      : '');
  const head =
    `<h2>${escapeText(op.name)}</h2>\n` +
    markers +
    (op.description !== '' ? `<p class="intro">${escapeText(op.description)}</p>\n` : '') +
    '<h3>Result codes</h3>\n' +
    '<p>This operation can answer with these Result codes:</p>\n' +
    resultCodeTable(op.resultCodes);
  const test = compileTestSection(op);
  const samples = compileSoapSamples(op).map((t) => ({
    open:
      `<span>\n<h3>${escapeText(t.version.label)}</h3>\n` +
      `<p>The following is a sample ${escapeText(t.version.label)} request and response. ` +
      'The placeholders shown need to be replaced with actual values.</p>\n<pre>',
    requestHead: t.requestHead,
    rest:
      `${escapeText(t.requestEnvelope)}</pre>\n` +
      `<pre>${escapeText(t.responseHead + t.responseEnvelope)}</pre>\n</span>\n`,
  }));
  return (ctx) => {
    let body =
      '<span>\n' +
      `<p class="intro">Click <a href="${escapeAttribute(ctx.path)}">here</a> for a complete list of operations.</p>\n` +
      head +
      test(ctx.path, ctx.isLocal);
    for (const s of samples) body += s.open + escapeText(s.requestHead(ctx)) + s.rest;
    body += '</span>\n';
    return htmlPage(TITLE, SERVICE_NAME, '?disco', body, footer, banner);
  };
}

export interface HelpPageOptions {
  /** Plain text at the foot of every page (the service's name and version). */
  readonly footer?: string;
  /** Plain text under the title bar of every page: sandbox mode says so there (issue 21). */
  readonly banner?: string;
}

/** Builds everything that does not depend on the request once. */
export function compileHelpPages(operations: readonly OperationDefinition[], options: HelpPageOptions = {}): HelpPages {
  const footer = options.footer ?? '';
  const banner = options.banner ?? '';
  const list = htmlPage(TITLE, SERVICE_NAME, '?disco', operationListBody(operations), footer, banner);
  const pages = new Map<string, Render>(operations.map((op) => [op.name, compileOperationPage(op, footer, banner)]));
  return {
    renderOperationList: () => list,
    renderOperationPage: (name, ctx) => pages.get(name)?.(ctx),
  };
}

/** One-off rendering of the operation list (tests, CLI). */
export function renderOperationList(operations: readonly OperationDefinition[], ctx: HelpContext): string {
  return compileHelpPages(operations).renderOperationList(ctx);
}

/** One-off rendering of an operation page (tests, CLI). */
export function renderOperationPage(op: OperationDefinition, ctx: HelpContext): string {
  return compileOperationPage(op)(ctx);
}
