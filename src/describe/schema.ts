/**
 * The `<s:schema>` of the WSDL, item by item in the order XmlSchemaExporter adds them:
 * per operation the request element, then the response element, then the SOAP header element;
 * each named type right after the first item that references it, depth-first (the exporter adds
 * a complexType to the schema before exporting its members). A captured ASMX WSDL with an
 * AuthHeader (jopt_asp.asmx in the code index) shows exactly this order.
 *
 * Also the guard against names that strict generators cannot digest: a global element with an
 * anonymous type becomes a class in JAXB/gSOAP/zeep just like a named complexType, and JAXB
 * capitalises names, so all of those must differ case-insensitively.
 */
import type { ArrayKind, ComplexKind, EnumKind, Field, Kind } from '../contract/kinds.js';
import {
  WRAPPED_PARAMETER,
  requestElementOf,
  responseElementOf,
  resultElementOf,
  wrappedRequestTypeOf,
  wrappedResultTypeOf,
  type OperationDefinition,
} from '../contract/operation.js';
import { complex, field } from '../contract/kinds.js';
import { escapeAttribute } from '../xml/writer.js';
import { arrayItemParticle, namedKindOf, particle, type NamedKind } from './xsd.js';

/** The schema declared something twice, or two names would become one class in a generator. */
export class SchemaConflictError extends Error {
  override readonly name = 'SchemaConflictError';
}

const INDENT = '  ';

class SchemaWriter {
  readonly lines: string[] = [];
  /** Named types already written, with a structural signature to detect two kinds with one name. */
  private readonly types = new Map<string, string>();
  private readonly elements = new Set<string>();
  /** Lower-cased names of everything that becomes a class in a code generator -> the original. */
  private readonly classNames = new Map<string, string>();

  constructor(private readonly depth: number) {}

  private emit(level: number, text: string): void {
    this.lines.push(INDENT.repeat(this.depth + level) + text);
  }

  private claimClassName(name: string, what: string): void {
    const key = name.toLowerCase();
    const previous = this.classNames.get(key);
    if (previous !== undefined) {
      throw new SchemaConflictError(`${what} "${name}" clashes with "${previous}" (generators would create one class for both)`);
    }
    this.classNames.set(key, name);
  }

  private claimElement(name: string): void {
    if (this.elements.has(name)) throw new SchemaConflictError(`global element "${name}" declared twice`);
    this.elements.add(name);
  }

  /** `<s:element name="X">` with an anonymous sequence of fields (`<s:complexType />` when empty). */
  anonymousElement(name: string, fields: readonly Field[]): void {
    this.claimElement(name);
    this.claimClassName(name, 'global element');
    this.emit(0, `<s:element name="${escapeAttribute(name)}">`);
    this.sequenceType(1, '', fields, false);
    this.emit(0, '</s:element>');
    for (const f of fields) this.namedType(f.type);
  }

  /** `<s:element name="X" type="tns:T" />`, as ASMX declares a SOAP header element. */
  typedElement(name: string, type: ComplexKind, anyAttribute: boolean): void {
    this.claimElement(name);
    this.emit(0, `<s:element name="${escapeAttribute(name)}" type="tns:${escapeAttribute(type.name)}" />`);
    this.complexType(type, anyAttribute);
  }

  /** Writes the global type of a kind once; built-in XSD types need nothing. */
  namedType(kind: Kind): void {
    const named = namedKindOf(kind);
    if (named === undefined) return;
    switch (named.kind) {
      case 'enum':
        this.enumType(named);
        return;
      case 'complex':
        this.complexType(named, false);
        return;
      case 'array':
        this.arrayType(named);
        return;
      default: {
        const unknown: never = named;
        throw new Error(`namedType: unknown kind ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** True if the type still has to be written; throws if another kind already took the name. */
  private claimType(kind: NamedKind, variant: string): boolean {
    const signature = variant + JSON.stringify(kind);
    const previous = this.types.get(kind.name);
    if (previous !== undefined) {
      if (previous !== signature) throw new SchemaConflictError(`two different types are both named "${kind.name}"`);
      return false;
    }
    this.types.set(kind.name, signature);
    this.claimClassName(kind.name, 'type');
    return true;
  }

  private enumType(kind: EnumKind): void {
    if (!this.claimType(kind, '')) return;
    this.emit(0, `<s:simpleType name="${escapeAttribute(kind.name)}">`);
    this.emit(1, '<s:restriction base="s:string">');
    for (const value of kind.values) this.emit(2, `<s:enumeration value="${escapeAttribute(value)}" />`);
    this.emit(1, '</s:restriction>');
    this.emit(0, '</s:simpleType>');
  }

  /** A SOAP header class gets `<s:anyAttribute />` (for mustUnderstand/actor) after its sequence [asmx A6]. */
  private complexType(kind: ComplexKind, anyAttribute: boolean): void {
    if (!this.claimType(kind, anyAttribute ? 'header:' : '')) return;
    this.sequenceType(0, ` name="${escapeAttribute(kind.name)}"`, kind.fields, anyAttribute);
    for (const f of kind.fields) this.namedType(f.type);
  }

  private arrayType(kind: ArrayKind): void {
    if (!this.claimType(kind, '')) return;
    this.emit(0, `<s:complexType name="${escapeAttribute(kind.name)}">`);
    this.emit(1, '<s:sequence>');
    this.emit(2, arrayItemParticle(kind));
    this.emit(1, '</s:sequence>');
    this.emit(0, '</s:complexType>');
    this.namedType(kind.item);
  }

  private sequenceType(level: number, nameAttr: string, fields: readonly Field[], anyAttribute: boolean): void {
    if (fields.length === 0 && !anyAttribute) {
      this.emit(level, `<s:complexType${nameAttr} />`);
      return;
    }
    this.emit(level, `<s:complexType${nameAttr}>`);
    if (fields.length > 0) {
      this.emit(level + 1, '<s:sequence>');
      for (const f of fields) this.emit(level + 2, particle(f));
      this.emit(level + 1, '</s:sequence>');
    }
    if (anyAttribute) this.emit(level + 1, '<s:anyAttribute />');
    this.emit(level, '</s:complexType>');
  }
}

/** The `<Op>` element's fields: flat = the parameters; wrapped = one `request` of type `<Op>Request`. */
export function requestElementFields(op: OperationDefinition): readonly Field[] {
  if (op.style === 'flat') return op.request;
  return [field(WRAPPED_PARAMETER, complex(wrappedRequestTypeOf(op), op.request))];
}

/** The `<Op>Response` element's fields: flat = the response fields; wrapped = one `<Op>Result` of type `<Op>Result`. */
export function responseElementFields(op: OperationDefinition): readonly Field[] {
  if (op.style === 'flat') return op.response;
  return [field(resultElementOf(op), complex(wrappedResultTypeOf(op), op.response))];
}

/**
 * The lines of `<s:schema …>…</s:schema>`, indented for `depth` levels.
 * @param header the SOAP header class (AuthHeader); its global element takes the class name.
 */
export function schemaLines(
  operations: readonly OperationDefinition[],
  namespace: string,
  header: ComplexKind,
  depth: number,
): string[] {
  const w = new SchemaWriter(depth + 1);
  let headerWritten = false;
  for (const op of operations) {
    w.anonymousElement(requestElementOf(op), requestElementFields(op));
    w.anonymousElement(responseElementOf(op), responseElementFields(op));
    if (!headerWritten) {
      w.typedElement(header.name, header, true);
      headerWritten = true;
    }
  }
  const pad = INDENT.repeat(depth);
  return [
    `${pad}<s:schema elementFormDefault="qualified" targetNamespace="${escapeAttribute(namespace)}">`,
    ...w.lines,
    `${pad}</s:schema>`,
  ];
}
