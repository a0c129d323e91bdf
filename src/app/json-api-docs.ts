/**
 * The JSON API's docs page (GET /api/v1/docs, issue 19): the OpenAPI document rendered once at
 * boot into one self-contained HTML page, served beside openapi.json as a fixed document (its
 * curl examples start with "$AMS_URL", so no request's Host is written into it). A sandbox's page
 * carries the sandbox banner (issue 21); the document itself is the same in both modes.
 */
import { SERVICE_PATH } from '../contract/common-types.js';
import { buildOpenApi } from '../describe/openapi.js';
import { compileOpenApiPage } from '../describe/openapi-page.js';

export function jsonApiDocuments(version: string, options: { readonly banner?: string } = {}): ReadonlyMap<string, { readonly contentType: string; readonly body: string }> {
  const page = compileOpenApiPage(buildOpenApi({ version }), {
    documentHref: 'openapi.json',
    soapHelpHref: SERVICE_PATH,
    footer: `AMS ${version}`,
    ...(options.banner === undefined ? {} : { banner: options.banner }),
  });
  return new Map([['/docs', { contentType: 'text/html; charset=utf-8', body: page.render() }]]);
}
