import type { ArrayKind, EnumKind, Field, FieldsValue, Kind, KindValue } from './kinds.js';
import type { ItemStream } from './item-stream.js';
import type { ResultCodeName } from './result-codes.js';
import { ResultInfo, SERVICE_NAMESPACE } from './common-types.js';

/**
 * The two legacy styles [legacy]:
 * - flat: camelCase parameters directly under the operation element; the response holds
 *   `<Op>Result` (a ResultInfo) and the out-parameters as its siblings.
 * - wrapped: one `<request>` element with PascalCase fields; the response holds `<Op>Result`
 *   containing `Result` (a ResultInfo) and the payload fields.
 */
export type OperationStyle = 'flat' | 'wrapped';

export interface OperationDefinition<
  N extends string = string,
  Req extends readonly Field[] = readonly Field[],
  Res extends readonly Field[] = readonly Field[],
> {
  readonly name: N;
  readonly style: OperationStyle;
  /** The help page's one-line description. */
  readonly description: string;
  /** Listed as `[OBSOLETE]` on the help pages; still fully working. */
  readonly obsolete: boolean;
  /** Not in the legacy service: listed after the legacy operations and marked as an extension. */
  readonly extension: boolean;
  /** flat: the parameters; wrapped: the fields of the `<request>` element. */
  readonly request: Req;
  /** flat: `<Op>Result` and the out-parameters; wrapped: the fields of `<Op>Result`. */
  readonly response: Res;
  /** Every Result code this operation can answer with, for the help page and the drift test. */
  readonly resultCodes: readonly ResultCodeName[];
  /**
   * [legacy] The response field that carries the Result code as a plain enum of a few codes
   * instead of a ResultInfo (GetAllAccounts only); every other operation has a ResultInfo field.
   */
  readonly plainResultField?: string;
  /**
   * The request field naming the backup account the operation reads first (a flat parameter,
   * or a field of a wrapped `<request>`). The partner check then reads that account in the same
   * statement as the partner user: one database round trip per call instead of two (issue 20).
   * Only for operations whose first look-up of the account is a plain read, outside a transaction:
   * the reads, and the partner's changes (change-account.ts), which read the account again inside
   * their transaction before they write.
   */
  readonly accountArgument?: Req[number]['name'];
}

export function defineOperation<
  const N extends string,
  const Req extends readonly Field[],
  const Res extends readonly Field[],
>(op: OperationDefinition<N, Req, Res>): OperationDefinition<N, Req, Res> {
  return Object.freeze(op);
}

/** Where an operation writes its Result code: a ResultInfo field, or [legacy] a plain enum of `codes`. */
export type ResultField =
  | { readonly name: string; readonly plain: false }
  | { readonly name: string; readonly plain: true; readonly codes: readonly string[] };

export function resultFieldOf(op: OperationDefinition): ResultField | undefined {
  if (op.plainResultField !== undefined) {
    const field = op.response.find((f) => f.name === op.plainResultField);
    const type = field?.type as EnumKind | undefined;
    if (type?.kind !== 'enum') throw new Error(`${op.name}: plainResultField ${op.plainResultField} is not an enumeration`);
    return { name: op.plainResultField, plain: true, codes: type.values };
  }
  const field = op.response.find((f) => f.type === ResultInfo);
  return field && { name: field.name, plain: false };
}

/** What ASMX derives from a declaration (SoapReflector.GetDefaultAction and friends). */
export function soapActionOf(op: { readonly name: string }): string {
  return `${SERVICE_NAMESPACE}/${op.name}`;
}
export const requestElementOf = (op: { readonly name: string }): string => op.name;
export const responseElementOf = (op: { readonly name: string }): string => `${op.name}Response`;
export const resultElementOf = (op: { readonly name: string }): string => `${op.name}Result`;
/** The name of the single parameter of a wrapped operation. */
export const WRAPPED_PARAMETER = 'request';
/** XSD type names of a wrapped operation's request and result. Distinct from every global
 * element name so that JAXB and gSOAP do not generate two classes with one name. */
export const wrappedRequestTypeOf = (op: { readonly name: string }): string => `${op.name}Request`;
export const wrappedResultTypeOf = (op: { readonly name: string }): string => `${op.name}Result`;

export type OperationArgs<O extends OperationDefinition> = FieldsValue<O['request']>;

/** A response field's value: a top-level array may also be an ItemStream, written as it is read. */
type OutputValue<K extends Kind> = K extends ArrayKind<infer I> ? KindValue<K> | ItemStream<NonNullable<KindValue<I>>> : KindValue<K>;
type OutputFields<F extends readonly Field[]> = {
  -readonly [P in F[number] as P['name']]: P extends { readonly nillable: true } ? OutputValue<P['type']> | null : OutputValue<P['type']>;
};
export type OperationOutput<O extends OperationDefinition> = OutputFields<O['response']>;
