/** SOAP over a real socket for the observability tests, and small readers for what they check. */
import { operationNamed } from '../../src/contract/index.js';
import { parseXml } from '../../src/xml/reader.js';
import { findElement } from '../support/call.js';
import { envelope, operationBody, soapHeaders, type Credentials, type SoapVersionId } from '../support/envelope.js';

export const SERVICE_PATH = '/WebApi/AccountManagementService/AccountManagementService.asmx';

export interface HttpSoapResult {
  readonly status: number;
  readonly requestId: string;
  readonly body: string;
  /** The ResultInfo's Code (or GetAllAccounts' plain Result). */
  readonly code: string | undefined;
  text(local: string): string | undefined;
}

export async function soapOverHttp(
  port: number,
  op: string,
  fields: Readonly<Record<string, string | number | boolean>>,
  auth: Credentials | undefined,
  version: SoapVersionId = '1.1',
  extraHeaders: Record<string, string> = {},
): Promise<HttpSoapResult> {
  const definition = operationNamed(op);
  if (!definition) throw new Error(`no operation ${op}`);
  const h = soapHeaders(version, op);
  const response = await fetch(`http://127.0.0.1:${port}${SERVICE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': h.contentType, ...(h.soapAction ? { soapaction: h.soapAction } : {}), ...extraHeaders },
    body: envelope(version, operationBody(op, fields, definition.style === 'wrapped'), auth),
  });
  const body = await response.text();
  const root = body === '' ? undefined : parseXml(body);
  const code = root ? (findElement(root, 'Code')?.text ?? findElement(root, 'Result')?.text) : undefined;
  return {
    status: response.status,
    requestId: response.headers.get('x-request-id') ?? '',
    body,
    code,
    text: (local) => (root ? findElement(root, local)?.text : undefined),
  };
}

/** Raw POST to the SOAP endpoint. */
export async function rawPost(port: number, body: string, headers: Record<string, string>): Promise<{ status: number; requestId: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${SERVICE_PATH}`, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return { status: response.status, requestId: response.headers.get('x-request-id') ?? '' };
}

export type LogEntry = Record<string, unknown> & { readonly msg: string; readonly level: string };

export function parseLogLines(lines: readonly string[]): LogEntry[] {
  return lines.map((line) => {
    assert(line.endsWith('\n'), 'each entry is one line');
    return JSON.parse(line) as LogEntry;
  });
}

function assert(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

