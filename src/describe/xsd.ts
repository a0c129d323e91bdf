/**
 * How a contract kind appears in XML Schema, following XmlSerializer's exporter
 * (System.Xml/Serialization/XmlSchemaExporter.cs) so that the WSDL reads as if ASMX wrote it.
 */
import { isValueKind, type ArrayKind, type ComplexKind, type EnumKind, type Field, type Kind } from '../contract/kinds.js';
import { escapeAttribute } from '../xml/writer.js';

/** Kinds that become a named global type (`tns:<name>`) in the schema. */
export type NamedKind = EnumKind | ComplexKind | ArrayKind;

/** The QName written in `type="…"` for a kind (`s:` = XMLSchema, `tns:` = the service namespace). */
export function xsdTypeOf(kind: Kind): string {
  switch (kind.kind) {
    case 'string':
      return 's:string';
    case 'int':
      return 's:int';
    case 'long':
      return 's:long';
    case 'boolean':
      return 's:boolean';
    case 'dateTime':
      return 's:dateTime';
    case 'decimal':
      return 's:decimal';
    case 'enum':
    case 'complex':
    case 'array':
      return `tns:${kind.name}`;
    default: {
      const unknown: never = kind;
      throw new Error(`xsdTypeOf: unknown kind ${JSON.stringify(unknown)}`);
    }
  }
}

/** The named type a kind needs in the schema, or undefined for a built-in XSD type. */
export function namedKindOf(kind: Kind): NamedKind | undefined {
  switch (kind.kind) {
    case 'string':
    case 'int':
    case 'long':
    case 'boolean':
    case 'dateTime':
    case 'decimal':
      return undefined;
    case 'enum':
    case 'complex':
    case 'array':
      return kind;
    default: {
      const unknown: never = kind;
      throw new Error(`namedKindOf: unknown kind ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * One `<s:element …/>` particle of a sequence. XmlSerializer's rule (asmx-wire-behaviour A7):
 * value types minOccurs=1, reference types (string, classes, arrays) minOccurs=0, Nullable<T>
 * minOccurs=1 nillable=true. Attribute order is the exporter's: minOccurs, maxOccurs, name,
 * nillable, type.
 */
export function particle(field: Field): string {
  const nillable = field.nillable === true;
  const minOccurs = nillable || isValueKind(field.type) ? '1' : '0';
  return (
    `<s:element minOccurs="${minOccurs}" maxOccurs="1" name="${escapeAttribute(field.name)}"` +
    `${nillable ? ' nillable="true"' : ''} type="${escapeAttribute(xsdTypeOf(field.type))}" />`
  );
}

/** The item particle of an `ArrayOf<X>` type: items of reference types are nillable [asmx]. */
export function arrayItemParticle(kind: ArrayKind): string {
  return (
    `<s:element minOccurs="0" maxOccurs="unbounded" name="${escapeAttribute(kind.itemElement)}"` +
    ` nillable="true" type="${escapeAttribute(xsdTypeOf(kind.item))}" />`
  );
}
