/**
 * JSON Schemas (2020-12, as OpenAPI 3.1 embeds them) as HTML for the docs page: a one-line type
 * ("array of Account", "string (date-time)", "integer (int64)") and a field table for objects.
 * Named schemas link to their section of the page instead of being repeated.
 */
import { escapeAttribute, escapeText } from '../xml/writer.js';
import { asArray, asObject, asString, objectEntries, refName, resolve, type JsonObject } from './openapi-read.js';

/** A fragment identifier that is safe in an attribute and unique per kind. */
export function anchor(kind: string, name: string): string {
  return `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** Literal values as JSON text (enum members, defaults, examples). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'undefined';
}

const CONSTRAINTS: readonly (readonly [string, string])[] = [
  ['minLength', 'min length'],
  ['maxLength', 'max length'],
  ['minimum', 'minimum'],
  ['maximum', 'maximum'],
  ['exclusiveMinimum', 'greater than'],
  ['exclusiveMaximum', 'less than'],
  ['minItems', 'min items'],
  ['maxItems', 'max items'],
  ['pattern', 'pattern'],
  ['default', 'default'],
];

/** The type of a schema in a few words of HTML (escaped). */
export function schemaType(doc: JsonObject, schema: unknown, depth = 0): string {
  const name = refName(schema);
  if (name !== undefined) return `<a href="#${escapeAttribute(anchor('schema', name))}">${escapeText(name)}</a>`;
  const s = asObject(schema);
  if (s === undefined || depth > 8) return 'any';
  if ('const' in s) return `<code>${escapeText(jsonText(s['const']))}</code>`;
  const enumValues = asArray(s['enum']);
  if (enumValues.length > 0) return `one of ${enumValues.map((v) => `<code>${escapeText(jsonText(v))}</code>`).join(', ')}`;
  for (const combiner of ['oneOf', 'anyOf', 'allOf'] as const) {
    const parts = asArray(s[combiner]);
    if (parts.length > 0) return parts.map((p) => schemaType(doc, p, depth + 1)).join(combiner === 'allOf' ? ' and ' : ' or ');
  }
  const types = Array.isArray(s['type']) ? asArray(s['type']).map(asString) : [asString(s['type'])];
  const words = types
    .filter((t): t is string => t !== undefined)
    .map((t) => {
      if (t === 'array') return `array of ${schemaType(doc, s['items'], depth + 1)}`;
      const format = asString(s['format']);
      return escapeText(format === undefined || t === 'null' ? t : `${t} (${format})`);
    });
  if (words.length === 0 && s['properties'] !== undefined) return 'object';
  return words.length === 0 ? 'any' : words.join(' or ');
}

function constraintText(s: JsonObject): string {
  const parts = CONSTRAINTS.filter(([key]) => key in s).map(([key, label]) => `${label} ${jsonText(s[key])}`);
  return parts.length === 0 ? '' : ` <span class="constraints">(${escapeText(parts.join(', '))})</span>`;
}

/**
 * The description and constraints of a schema, for a table cell. For a parameter or a header,
 * `described` is the parameter (its description) and `schema` its schema (the constraints).
 */
export function schemaNotes(doc: JsonObject, described: unknown, schema: unknown = described): string {
  const d = asObject(described);
  const description = asString(d?.['description']) ?? asString(resolve(doc, described)?.['description']) ?? '';
  const s = asObject(schema);
  const deprecated = d?.['deprecated'] === true || s?.['deprecated'] === true;
  return escapeText(description) + (s === undefined ? '' : constraintText(s)) + (deprecated ? ' <span class="obsolete">[DEPRECATED]</span>' : '');
}

/**
 * The schema of a body or a component: a field table when it is an object with properties
 * (a reference resolved, and linked in the caption), otherwise its type in a sentence.
 */
export function schemaBlock(doc: JsonObject, schema: unknown, caption: string): string {
  const s = resolve(doc, schema);
  // One body, several shapes (CreateAccount by entity, licence key or token): a table each.
  const alternatives = s === undefined ? [] : [...asArray(s['oneOf']), ...asArray(s['anyOf'])];
  if (alternatives.length > 0 && s !== undefined && s['properties'] === undefined) {
    return (
      `<p>${escapeText(caption)}: one of ${alternatives.length} shapes.</p>\n` +
      alternatives
        .map((alt, i) => {
          const title = asString(resolve(doc, alt)?.['title']) ?? asString(resolve(doc, alt)?.['description']);
          return schemaBlock(doc, alt, `${caption}, shape ${i + 1}${title === undefined ? '' : `: ${title}`}`);
        })
        .join('')
    );
  }
  const properties = objectEntries(s?.['properties']);
  if (s === undefined || properties.length === 0) return `<p>${escapeText(caption)}: ${schemaType(doc, schema)}</p>\n`;
  const name = refName(schema);
  const required = new Set(asArray(s['required']).map(asString));
  const closed = s['additionalProperties'] === false || s['unevaluatedProperties'] === false;
  const rows = properties
    .map(
      ([field, prop]) =>
        `<tr><td><code>${escapeText(field)}</code></td><td>${schemaType(doc, prop)}</td>` +
        `<td>${required.has(field) ? 'yes' : 'no'}</td><td>${schemaNotes(doc, prop)}</td></tr>\n`,
    )
    .join('');
  return (
    `<table class="codes">\n<caption>${escapeText(caption)}${name === undefined ? '' : ` (${schemaType(doc, schema)})`}` +
    `${closed ? '. No other fields are accepted' : ''}.</caption>\n` +
    '<tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Description</th></tr>\n' +
    `${rows}</table>\n`
  );
}
