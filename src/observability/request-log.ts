/**
 * What the request log line and the request metrics know about a SOAP call beyond HTTP: who
 * called and how it ended. The HTTP edge creates one record per request; the composition
 * root's `invoke` fills it in as the call proceeds (a plain mutable object: cheaper than
 * AsyncLocalStorage and explicit about who writes what).
 */
import { resultFieldOf, type OperationDefinition, type ResultField } from '../contract/operation.js';
import type { ResultInfoValue } from '../contract/common-types.js';

export interface RequestFacts {
  /** The authenticated partner API user. */
  partnerUser: string | undefined;
  /** Its entity. */
  entityId: number | undefined;
  /** The AuthHeader user name of a call whose credentials were refused (never the password). */
  claimedUser: string | undefined;
  /** The Result code name the operation answered with. */
  result: string | undefined;
}

export function newRequestFacts(): RequestFacts {
  return { partnerUser: undefined, entityId: undefined, claimedUser: undefined, result: undefined };
}

/** Attacker-chosen text in a log line: bounded. */
export function clip(text: string | null | undefined, max = 64): string | undefined {
  if (text === null || text === undefined) return undefined;
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Reads the Result code out of an operation's output: the field typed ResultInfo (`<Op>Result`
 * of a flat operation, `Result` of a wrapped one), or GetAllAccounts' plain enum [legacy].
 * The field is found once per operation, at boot.
 */
export function resultCodeReader(operations: readonly OperationDefinition[]): (operation: OperationDefinition, output: Record<string, unknown>) => string | undefined {
  const fields = new Map<string, ResultField>();
  for (const op of operations) {
    const field = resultFieldOf(op);
    if (field) fields.set(op.name, field);
  }
  return (operation, output) => {
    const field = fields.get(operation.name);
    if (!field) return undefined;
    const value = output[field.name];
    if (field.plain) return typeof value === 'string' ? value : undefined;
    return (value as ResultInfoValue | null | undefined)?.Code;
  };
}
