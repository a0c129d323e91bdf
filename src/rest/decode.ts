/**
 * JSON (and path parameters) in, SOAP arguments out, by the declaration: each request field of
 * the chosen variant takes its value from the path, a body property or a constant, checked
 * against the field's kind. Unknown properties are refused (a typo must not be silently
 * ignored); so are wrong types and missing required properties, each naming the property.
 */
import type { Kind } from '../contract/kinds.js';
import type { ArgSource, RestRoute, RestVariant } from '../contract/json-routes.js';
import { invalidInput, type Problem } from './problem.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export type Decoded = { readonly ok: true; readonly variant: RestVariant; readonly args: Record<string, unknown> } | { readonly ok: false; readonly problem: Problem };

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A body value as the SOAP field's kind wants it; a string describing the problem otherwise. */
function convert(kind: Kind, value: unknown, name: string): { ok: true; value: unknown } | { ok: false; detail: string } {
  switch (kind.kind) {
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : { ok: false, detail: `${name} must be a string, not ${jsonType(value)}.` };
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, detail: `${name} must be true or false, not ${jsonType(value)}.` };
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return { ok: false, detail: `${name} must be an integer, not ${jsonType(value)}.` };
      return value < INT32_MIN || value > INT32_MAX ? { ok: false, detail: `${name} is out of range (32-bit integer).` } : { ok: true, value };
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) return { ok: false, detail: `${name} must be an integer, not ${jsonType(value)}.` };
      // A JSON number past 2^53 has already lost digits in the parser: refused rather than rounded.
      return Number.isSafeInteger(value) ? { ok: true, value: BigInt(value) } : { ok: false, detail: `${name} is out of range (at most ${Number.MAX_SAFE_INTEGER}).` };
    case 'dateTime':
    case 'decimal':
    case 'enum':
    case 'complex':
    case 'array':
      throw new Error(`a request field of kind ${kind.kind} has no JSON decoding`);
  }
}

/** The default of an absent optional property: declared, else the kind's empty value. */
function absent(kind: Kind, source: Extract<ArgSource, { from: 'body' }>): unknown {
  if (source.default !== undefined) return kind.kind === 'long' && typeof source.default === 'number' ? BigInt(source.default) : source.default;
  switch (kind.kind) {
    case 'string':
      return null;
    case 'boolean':
      return false;
    case 'int':
      return 0;
    case 'long':
      return 0n;
    default:
      throw new Error(`no default for an optional ${kind.kind}`);
  }
}

/** The body properties a variant reads. */
export function bodyProperties(variant: RestVariant): readonly string[] {
  return Object.values(variant.args).flatMap((s) => (s.from === 'body' ? [s.name] : []));
}

/** Picks the variant of a route with several (POST /accounts) by the property present. */
function pickVariant(route: RestRoute, body: Readonly<Record<string, unknown>>): RestVariant | Problem {
  if (route.variants.length === 1) return route.variants[0]!;
  const present = route.variants.filter((v) => v.when !== undefined && body[v.when] !== undefined);
  const names = route.variants.map((v) => v.when ?? '').join(', ');
  if (present.length === 1) return present[0]!;
  const first = route.variants[0]!.when ?? '';
  return present.length === 0 ? invalidInput(first, `One of ${names} is required.`) : invalidInput(present[1]!.when ?? first, `Only one of ${names} may be given.`);
}

export function decodeArgs(route: RestRoute, pathParams: Readonly<Record<string, string>>, body: Readonly<Record<string, unknown>>): Decoded {
  const picked = pickVariant(route, body);
  if ('status' in picked) return { ok: false, problem: picked };
  const variant = picked;
  const known = new Set(bodyProperties(variant));
  for (const name of Object.keys(body)) {
    if (!known.has(name)) {
      const expected = [...known].join(', ');
      return { ok: false, problem: invalidInput(name, `Unknown property ${name}${expected === '' ? ': this request takes no properties.' : `; expected: ${expected}.`}`) };
    }
  }
  const args: Record<string, unknown> = {};
  for (const field of variant.operation.request) {
    const source = variant.args[field.name];
    if (source === undefined) throw new Error(`${route.id}: no source for ${variant.operation.name}.${field.name}`);
    if (source.from === 'constant') {
      args[field.name] = source.value;
    } else if (source.from === 'path') {
      args[field.name] = pathParams[source.name] ?? null;
    } else {
      const value = body[source.name];
      if (value === undefined || (value === null && !source.required && field.type.kind === 'string')) {
        if (source.required) return { ok: false, problem: invalidInput(source.name, `${source.name} is required.`) };
        args[field.name] = absent(field.type, source);
        continue;
      }
      const converted = convert(field.type, value, source.name);
      if (!converted.ok) return { ok: false, problem: invalidInput(source.name, converted.detail) };
      args[field.name] = converted.value;
    }
  }
  return { ok: true, variant, args };
}

/**
 * A handler's InvalidInputParameters message names the SOAP field (`Username is required.`):
 * the JSON name is put in its place and reported as the problem's `field`.
 */
export function renameField(variant: RestVariant, message: string): { readonly detail: string; readonly field: string | undefined } {
  let best: { at: number; soap: string; json: string } | undefined;
  for (const [soap, source] of Object.entries(variant.args)) {
    if (source.from === 'constant') continue;
    const at = message.search(new RegExp(`\\b${soap}\\b`));
    if (at >= 0 && (best === undefined || at < best.at)) best = { at, soap, json: source.name };
  }
  if (!best) return { detail: message, field: undefined };
  return { detail: message.replace(new RegExp(`\\b${best.soap}\\b`, 'g'), best.json), field: best.json };
}
