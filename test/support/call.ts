/** Calls an operation through the app's SOAP pipeline (no socket) and reads the answer. */
import { operationNamed } from '../../src/contract/index.js';
import { parseXml, type XmlElement } from '../../src/xml/reader.js';
import type { SoapResponse } from '../../src/soap/pipeline.js';
import type { TestApp } from './harness.js';
import { envelope, operationBody, soapHeaders, type Credentials, type SoapVersionId } from './envelope.js';

export interface CallResult {
  readonly response: SoapResponse;
  /** The ResultInfo's Code, or undefined for a fault. */
  readonly code: string | undefined;
  readonly message: string | undefined;
  /** Text of any element in the body by local name (first match, depth-first). */
  text(local: string): string | undefined;
}

export function findElement(root: XmlElement, local: string): XmlElement | undefined {
  if (root.local === local) return root;
  for (const child of root.children) {
    const found = findElement(child, local);
    if (found) return found;
  }
  return undefined;
}

let requestCounter = 0;

export async function call(
  t: TestApp,
  op: string,
  fields: Readonly<Record<string, string | number | boolean | bigint>>,
  auth: Credentials | undefined,
  version: SoapVersionId = '1.1',
): Promise<CallResult> {
  const definition = operationNamed(op);
  if (!definition) throw new Error(`no operation ${op}`);
  const body = envelope(version, operationBody(op, fields, definition.style === 'wrapped'), auth);
  const response = await t.app.soap(
    { ...soapHeaders(version, op), body: Buffer.from(body, 'utf8') },
    { requestId: `test-${++requestCounter}`, sourceAddress: '127.0.0.1', isLocal: true },
  );
  const root = response.body ? parseXml(response.body) : undefined;
  // The ResultInfo is the element named Result that has a Code child.
  const findResult = (e: XmlElement): XmlElement | undefined =>
    e.children.some((c) => c.local === 'Code') ? e : e.children.map(findResult).find((x) => x !== undefined);
  const result = root ? findResult(root) : undefined;
  return {
    response,
    code: result ? findElement(result, 'Code')?.text : undefined,
    message: result ? findElement(result, 'Message')?.text : undefined,
    text: (local) => (root ? findElement(root, local)?.text : undefined),
  };
}
