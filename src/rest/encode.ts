/**
 * A handler's output as JSON, by the contract's kinds: camelCase names, RFC 3339 UTC times,
 * 64-bit integers as JSON numbers (the API documents them as int64; every value AMS stores
 * fits 2^53), decimals as text, a missing array as [].
 */
import type { Kind } from '../contract/kinds.js';
import { jsonName, type RestAnswer } from '../contract/json-routes.js';
import type { OperationDefinition } from '../contract/operation.js';

export function toJson(kind: Kind, value: unknown): unknown {
  switch (kind.kind) {
    case 'string':
    case 'int':
    case 'boolean':
    case 'decimal':
    case 'enum':
      return value ?? null;
    case 'long':
      return typeof value === 'bigint' ? Number(value) : (value ?? null);
    case 'dateTime':
      return value instanceof Date ? value.toISOString() : null;
    case 'complex': {
      if (value === null || value === undefined) return null;
      const record = value as Readonly<Record<string, unknown>>;
      return Object.fromEntries(kind.fields.map((f) => [jsonName(f.name), toJson(f.type, record[f.name])]));
    }
    case 'array':
      return ((value ?? []) as readonly unknown[]).map((item) => toJson(kind.item, item));
  }
}

function outputKind(operation: OperationDefinition, name: string): Kind {
  const field = operation.response.find((f) => f.name === name);
  if (!field) throw new Error(`${operation.name} has no output field ${name}`);
  return field.type;
}

/** The JSON body of a successful answer; undefined for 204 (and for 'account', built by the pipeline). */
export function encodeAnswer(answer: RestAnswer, operation: OperationDefinition, output: Readonly<Record<string, unknown>>): unknown {
  switch (answer.kind) {
    case 'empty':
    case 'account':
      return undefined;
    case 'object':
      return toJson(outputKind(operation, answer.field), output[answer.field]);
    case 'fields':
      return Object.fromEntries(Object.entries(answer.fields).map(([name, source]) => [name, toJson(outputKind(operation, source), output[source])]));
    case 'items': {
      const kind = outputKind(operation, answer.field);
      const items = toJson(kind, output[answer.field]) as readonly Record<string, unknown>[];
      if (!answer.total) return { items };
      const of = jsonName(answer.total.of);
      return { items, [answer.total.name]: items.reduce((sum, item) => sum + (typeof item[of] === 'number' ? item[of] : 0), 0) };
    }
  }
}
