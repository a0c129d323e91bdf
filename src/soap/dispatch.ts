/**
 * Which operation a request names (asmx-wire-behaviour A2). A SOAP 1.1 envelope with a
 * SOAPAction header is routed by that header alone (exact, case-sensitive). Everything else
 * (SOAP 1.2, or 1.1 without SOAPAction) is routed by the Content-Type `action` parameter,
 * falling back to the first element of the Body.
 */
import { SERVICE_NAMESPACE } from '../contract/common-types.js';
import { soapActionOf, type OperationDefinition } from '../contract/operation.js';
import type { XmlElement } from '../xml/reader.js';
import { SoapFault } from './fault.js';
import { SOAP11, type SoapVersion } from './versions.js';

export interface RouteInput {
  readonly version: SoapVersion;
  /** SOAPAction header after quote stripping and URL decoding; undefined when absent. */
  readonly soapAction: string | undefined;
  readonly actionParameter: string | undefined;
  readonly bodyElement: XmlElement | undefined;
}

export class OperationRouter<O extends OperationDefinition> {
  private readonly byAction: ReadonlyMap<string, O>;
  private readonly byElement: ReadonlyMap<string, O>;

  constructor(operations: readonly O[]) {
    this.byAction = new Map(operations.map((op) => [soapActionOf(op), op]));
    this.byElement = new Map(operations.map((op) => [op.name, op]));
  }

  /** Returns the operation, or throws the fault ASMX would answer with. */
  route(input: RouteInput): O {
    if (input.version === SOAP11 && input.soapAction !== undefined) {
      const op = this.byAction.get(input.soapAction);
      if (!op) throw new SoapFault('Client', `Server did not recognize the value of HTTP Header SOAPAction: ${input.soapAction}.`);
      return op;
    }
    if (input.actionParameter !== undefined) {
      const op = this.byAction.get(input.actionParameter);
      if (op) return op;
    }
    const body = input.bodyElement;
    const byBody = body && body.uri === SERVICE_NAMESPACE ? this.byElement.get(body.local) : undefined;
    if (byBody) return byBody;
    if (input.actionParameter !== undefined && input.actionParameter !== '') {
      throw new SoapFault('Client', `Unable to handle request. The action '${input.actionParameter}' was not recognized.`);
    }
    throw new SoapFault(
      'Client',
      'Unable to handle request without a valid action parameter. Please supply a valid soap action.',
    );
  }
}
