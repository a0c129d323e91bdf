/**
 * The vocabulary the contract is written in. Every derivation (WSDL, help pages, request
 * decoder, response encoder, handler types) is a table keyed by `kind`; a kind a derivation
 * does not know is a compile error there, never a silent default.
 *
 * Values in TypeScript:
 *   string   -> string | null   (reference type: null is written by omitting the element)
 *   int      -> number          (s:int, 32-bit)
 *   long     -> bigint          (s:long does not fit a JavaScript number)
 *   boolean  -> boolean
 *   dateTime -> Date            (| null when nillable)
 *   decimal  -> string          (decimal text, never a float)
 *   enum     -> one of its values
 *   complex  -> an object of its fields (| null: reference type)
 *   array    -> readonly items[] | null
 */

export interface StringKind { readonly kind: 'string' }
export interface IntKind { readonly kind: 'int' }
export interface LongKind { readonly kind: 'long' }
export interface BooleanKind { readonly kind: 'boolean' }
export interface DateTimeKind { readonly kind: 'dateTime' }
export interface DecimalKind { readonly kind: 'decimal' }
export interface EnumKind<V extends readonly string[] = readonly string[]> {
  readonly kind: 'enum';
  /** XSD simpleType name. */
  readonly name: string;
  readonly values: V;
}
export interface ComplexKind<F extends readonly Field[] = readonly Field[]> {
  readonly kind: 'complex';
  /** XSD complexType name. */
  readonly name: string;
  readonly fields: F;
}
export interface ArrayKind<I extends ComplexKind = ComplexKind> {
  readonly kind: 'array';
  /** XSD complexType name of the array, `ArrayOf<Item>` as XmlSerializer names it. */
  readonly name: string;
  /** Element name of each item (XmlSerializer uses the item type's name). */
  readonly itemElement: string;
  readonly item: I;
}

export type Kind =
  | StringKind
  | IntKind
  | LongKind
  | BooleanKind
  | DateTimeKind
  | DecimalKind
  | EnumKind
  | ComplexKind
  | ArrayKind;

export interface Field<N extends string = string, K extends Kind = Kind> {
  readonly name: N;
  readonly type: K;
  /** Nullable<T> of a value type: minOccurs=1 nillable=true, null written as xsi:nil. */
  readonly nillable?: boolean;
}

export const string: StringKind = { kind: 'string' };
export const int: IntKind = { kind: 'int' };
export const long: LongKind = { kind: 'long' };
export const boolean: BooleanKind = { kind: 'boolean' };
export const dateTime: DateTimeKind = { kind: 'dateTime' };
export const decimal: DecimalKind = { kind: 'decimal' };

export function enumeration<const V extends readonly string[]>(name: string, values: V): EnumKind<V> {
  return Object.freeze({ kind: 'enum', name, values });
}

export function complex<const F extends readonly Field[]>(name: string, fields: F): ComplexKind<F> {
  return Object.freeze({ kind: 'complex', name, fields });
}

export function arrayOf<I extends ComplexKind>(item: I): ArrayKind<I> {
  return Object.freeze({ kind: 'array', name: `ArrayOf${item.name}`, itemElement: item.name, item });
}

export function field<const N extends string, K extends Kind>(name: N, type: K): Field<N, K> {
  return Object.freeze({ name, type });
}

export function nillableField<const N extends string, K extends DateTimeKind | IntKind | LongKind | BooleanKind>(
  name: N,
  type: K,
): Field<N, K> & { readonly nillable: true } {
  return Object.freeze({ name, type, nillable: true as const });
}

/** XmlSerializer's rule: value types are minOccurs=1, reference types minOccurs=0. */
export function isValueKind(kind: Kind): boolean {
  switch (kind.kind) {
    case 'int':
    case 'long':
    case 'boolean':
    case 'dateTime':
    case 'decimal':
    case 'enum':
      return true;
    case 'string':
    case 'complex':
    case 'array':
      return false;
  }
}

// ---- TypeScript types derived from the declarations ----

type ScalarValue<K extends Kind> = K extends StringKind
  ? string | null
  : K extends IntKind
    ? number
    : K extends LongKind
      ? bigint
      : K extends BooleanKind
        ? boolean
        : K extends DateTimeKind
          ? Date
          : K extends DecimalKind
            ? string
            : K extends EnumKind<infer V>
              ? V[number]
              : K extends ComplexKind<infer F>
                ? FieldsValue<F> | null
                : K extends ArrayKind<infer I>
                  ? readonly NonNullable<KindValue<I>>[] | null
                  : never;

export type KindValue<K extends Kind> = ScalarValue<K>;

export type FieldValue<F extends Field> = F extends { readonly nillable: true }
  ? KindValue<F['type']> | null
  : KindValue<F['type']>;

export type FieldsValue<F extends readonly Field[]> = {
  -readonly [P in F[number] as P['name']]: FieldValue<P>;
};
