/** Builds request envelopes for tests, the way a generated client would send them. */
import { escapeText } from '../../src/xml/writer.js';

export type SoapVersionId = '1.1' | '1.2';

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

const ENV_NS = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' };

export function envelope(version: SoapVersionId, body: string, auth?: Credentials): string {
  const header = auth
    ? `<soap:Header><AuthHeader xmlns="sosonlinebackup.com"><UserName>${escapeText(auth.user)}</UserName><Password>${escapeText(auth.password)}</Password></AuthHeader></soap:Header>`
    : '';
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ENV_NS[version]}">${header}<soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/** `<Op xmlns=…>` with children; for wrapped operations pass `wrapped: true` to put them in `<request>`. */
export function operationBody(op: string, fields: Readonly<Record<string, string | number | boolean | bigint>>, wrapped: boolean): string {
  const inner = Object.entries(fields)
    .map(([k, v]) => `<${k}>${escapeText(String(v))}</${k}>`)
    .join('');
  return `<${op} xmlns="sosonlinebackup.com">${wrapped ? `<request>${inner}</request>` : inner}</${op}>`;
}

export function soapHeaders(version: SoapVersionId, op: string): { contentType: string; soapAction: string | undefined } {
  return version === '1.1'
    ? { contentType: 'text/xml; charset=utf-8', soapAction: `"sosonlinebackup.com/${op}"` }
    : { contentType: `application/soap+xml; charset=utf-8; action="sosonlinebackup.com/${op}"`, soapAction: undefined };
}
