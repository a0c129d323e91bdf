import { resultFieldOf, type OperationArgs, type OperationDefinition, type OperationOutput } from '../contract/operation.js';
import { resultInfo } from '../contract/common-types.js';
import type { ResultCodeName } from '../contract/result-codes.js';
import { defaultValue } from '../soap/lexical.js';
import type { Outcome } from '../domain/outcome.js';
import type { Caller, RequestContext } from '../domain/ports.js';
import type { AccountDeps } from '../domain/accounts/deps.js';

export interface HandlerDeps {
  readonly accounts: AccountDeps;
  /** Rows per batch of a streamed list (GetAllAccounts); 1,000 unless a test asks for fewer. */
  readonly listBatchSize?: number;
}

export interface HandlerContext {
  readonly caller: Caller;
  readonly request: RequestContext;
  readonly deps: HandlerDeps;
}

/** Typed arguments in, typed response out: both derived from the operation's contract. */
export type Handler<O extends OperationDefinition> = (args: OperationArgs<O>, context: HandlerContext) => Promise<OperationOutput<O>>;

/**
 * The response of an operation that failed before producing a payload: the Result field
 * carries the code, value-type out-parameters their XmlSerializer defaults (they are
 * minOccurs=1 and must be written), reference types are omitted.
 */
export function failureOutput<O extends OperationDefinition>(op: O, code: ResultCodeName, message = ''): OperationOutput<O> {
  const result = resultFieldOf(op);
  const output: Record<string, unknown> = {};
  for (const field of op.response) {
    if (field.name === result?.name) {
      // GetAllAccounts reports a plain enum of a few codes [legacy]; any other code is an error there.
      output[field.name] = result.plain ? (result.codes.includes(code) ? code : 'UnexpectedError') : resultInfo(code, message);
    } else {
      output[field.name] = field.nillable ? null : defaultValue(field.type);
    }
  }
  return output as OperationOutput<O>;
}

/** Maps a domain outcome onto the response of an operation whose only payload is the Result. */
export function outcomeOutput<O extends OperationDefinition>(op: O, outcome: Outcome<unknown>): OperationOutput<O> {
  return failureOutput(op, outcome.code, outcome.message);
}

/**
 * The wire name of each request field, from the contract: a handler names the field a message
 * refers to as `names.userName`, so a misspelt or renamed field does not compile.
 */
export function requestNames<O extends OperationDefinition>(op: O): { readonly [N in O['request'][number]['name']]: N } {
  return Object.fromEntries(op.request.map((f) => [f.name, f.name])) as { readonly [N in O['request'][number]['name']]: N };
}
