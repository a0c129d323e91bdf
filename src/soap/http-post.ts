/**
 * ASMX's HttpPostLocalhost protocol (asmx-wire-behaviour A1, A10), used by the local test form:
 * `application/x-www-form-urlencoded` fields named after the request fields, the answer as
 * plain XML (not an envelope). Unlike ASMX we also accept wrapped operations (their request
 * fields are all scalars) and return the whole response element, out-parameters included.
 */
import { SERVICE_NAMESPACE } from '../contract/common-types.js';
import type { OperationDefinition } from '../contract/operation.js';
import { responseElementOf, resultElementOf } from '../contract/operation.js';
import { defaultValue, parseScalar } from './lexical.js';
import type { DecodedFields } from './decode.js';
import { encodeFields } from './encode.js';

/** Form field names of the partner credentials, which an HTML form cannot send as a SOAP header. */
export const FORM_AUTH_USERNAME = 'AuthHeader.UserName';
export const FORM_AUTH_PASSWORD = 'AuthHeader.Password';

/** Throws LexicalError for a value that does not parse. */
export function decodeFormArguments(op: OperationDefinition, form: URLSearchParams): DecodedFields {
  const out: DecodedFields = {};
  for (const field of op.request) {
    const raw = form.get(field.name);
    out[field.name] = raw === null || (raw === '' && field.type.kind !== 'string') ? defaultValue(field.type) : parseScalar(field.type, raw);
  }
  return out;
}

export function encodeFormResponse(op: OperationDefinition, output: Record<string, unknown>): string {
  const fields = encodeFields(op.response, output);
  const content = op.style === 'flat' ? fields : `<${resultElementOf(op)}>${fields}</${resultElementOf(op)}>`;
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n<${responseElementOf(op)} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="${SERVICE_NAMESPACE}">${content}</${responseElementOf(op)}>`
  );
}
