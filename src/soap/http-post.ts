/**
 * ASMX's HttpPostLocalhost protocol (asmx-wire-behaviour A1, A10), used by the local test form:
 * `application/x-www-form-urlencoded` fields named after the request fields, the answer as
 * plain XML (not an envelope). Unlike ASMX we also accept wrapped operations (their request
 * fields are all scalars) and return the whole response element, out-parameters included.
 */
import { SERVICE_NAMESPACE, type AuthHeaderValue } from '../contract/common-types.js';
import type { OperationDefinition } from '../contract/operation.js';
import { responseElementOf, resultElementOf } from '../contract/operation.js';
import { defaultValue, LexicalError, parseScalar } from './lexical.js';
import { escapeText } from '../xml/writer.js';
import type { DecodedFields } from './decode.js';
import { collectStreams, encodeFields } from './encode.js';

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

/** An answer of the form protocol: plain XML, or a plain-text error as ASMX gives one. */
export interface FormReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Carries out a decoded form call; the transport binds its request context in. */
export type FormInvoke<O extends OperationDefinition> = (operation: O, credentials: AuthHeaderValue, args: DecodedFields) => Promise<Record<string, unknown>>;

/**
 * POST …asmx/<name> with a form body: finds the operation (names are case-sensitive, as in
 * ASMX, whose messages this repeats), decodes the fields, invokes, and encodes the answer.
 */
export async function answerForm<O extends OperationDefinition>(
  operations: readonly O[],
  name: string,
  form: URLSearchParams,
  invoke: FormInvoke<O>,
): Promise<FormReply> {
  const operation = operations.find((op) => op.name === name);
  if (!operation) {
    const lower = operations.find((op) => op.name.toLowerCase() === name.toLowerCase());
    const message = lower
      ? `Invalid method name '${name}', method names are case sensitive. The method name '${lower.name}' with the same name but different casing was found.`
      : `Request format is unrecognized for URL unexpectedly ending in '/${name}'.`;
    return { status: 500, contentType: 'text/plain; charset=utf-8', body: escapeText(message) };
  }
  let args;
  try {
    args = decodeFormArguments(operation, form);
  } catch (err) {
    if (err instanceof LexicalError) return { status: 500, contentType: 'text/plain; charset=utf-8', body: escapeText(err.message) };
    throw err;
  }
  const credentials = { UserName: form.get(FORM_AUTH_USERNAME), Password: form.get(FORM_AUTH_PASSWORD) };
  // The local test form answers whole: a streamed list is read in full first.
  const output = await collectStreams(await invoke(operation, credentials, args));
  return { status: 200, contentType: 'text/xml; charset=utf-8', body: encodeFormResponse(operation, output) };
}
