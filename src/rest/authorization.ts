/**
 * The one reader of an `Authorization` header, for every edge that signs a partner in by HTTP:
 * the JSON API and the sandbox's /sandbox/mail pages (app/sandbox.ts). Basic gives an AuthHeader's
 * name and secret, Bearer an API key; anything else is no credentials at all (null), which the
 * partner check refuses like a wrong secret.
 */
import type { RestCredentials } from './ports.js';

/**
 * Longer Basic values are refused before they are decoded: the partner check bounds a name and a
 * secret anyway, and an attacker's header should cost no more than that to turn away.
 */
export const MAX_BASIC_LENGTH = 2048;
/** An API key is 56 characters (security/api-keys.ts); anything near this bound is no key. */
export const MAX_BEARER_LENGTH = 512;

// `<scheme> <token>`: RFC 9110's one or more spaces between them, trailing spaces tolerated.
const CREDENTIALS = /^([A-Za-z]+)[ ]+(\S+)[ ]*$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseAuthorization(header: string | undefined): RestCredentials {
  const match = CREDENTIALS.exec(header ?? '');
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  if (scheme === 'bearer') return value.length <= MAX_BEARER_LENGTH ? { apiKey: value } : null;
  if (scheme !== 'basic' || value.length > MAX_BASIC_LENGTH || !BASE64.test(value)) return null;
  const text = Buffer.from(value, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  // An empty name is kept: the partner check refuses it with the same answer as a wrong one.
  return colon < 0 ? null : { UserName: text.slice(0, colon), Password: text.slice(colon + 1) };
}
