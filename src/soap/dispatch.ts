/**
 * Which operation a request names (asmx-wire-behaviour A2), in ASMX's two steps
 * (Soap11ServerProtocolHelper / Soap12ServerProtocolHelper.RouteRequest):
 *
 * - by the headers alone: a request ASMX first takes for SOAP 1.1 (a SOAPAction header, and a
 *   Content-Type other than application/soap+xml) is routed by SOAPAction (exact,
 *   case-sensitive) and nothing else; any other is routed by the Content-Type `action`
 *   parameter when it names an operation;
 * - otherwise by the first element of the Body, which means reading the body first.
 */
import { SERVICE_NAMESPACE } from '../contract/common-types.js';
import { soapActionOf, type OperationDefinition } from '../contract/operation.js';
import { SoapFault } from './fault.js';
import { SOAP11, type SoapVersion } from './versions.js';

export interface HeaderRoute {
  /** The version ASMX guesses from the headers before reading the body. */
  readonly guessed: SoapVersion;
  /** SOAPAction header after quote stripping and URL decoding; undefined when absent. */
  readonly soapAction: string | undefined;
  readonly actionParameter: string | undefined;
}

/** The Body's first element, by name; undefined when the Body has none. */
export interface RequestElementName {
  readonly uri: string;
  readonly local: string;
}

export class OperationRouter<O extends OperationDefinition> {
  private readonly byAction: ReadonlyMap<string, O>;
  private readonly byElement: ReadonlyMap<string, O>;

  constructor(operations: readonly O[]) {
    this.byAction = new Map(operations.map((op) => [soapActionOf(op), op]));
    this.byElement = new Map(operations.map((op) => [op.name, op]));
  }

  /**
   * The operation the headers name; undefined when the body's first element must decide.
   * Throws the fault ASMX answers for an unknown SOAPAction (before it reads the body).
   */
  routeByHeaders(input: HeaderRoute): O | undefined {
    if (input.guessed === SOAP11 && input.soapAction !== undefined) {
      const op = this.byAction.get(input.soapAction);
      if (!op) throw new SoapFault('Client', `Server did not recognize the value of HTTP Header SOAPAction: ${input.soapAction}.`);
      return op;
    }
    return input.actionParameter === undefined ? undefined : this.byAction.get(input.actionParameter);
  }

  /** The operation of the Body's first element, or the fault ASMX answers when there is none. */
  routeByElement(element: RequestElementName | undefined, actionParameter: string | undefined): O {
    const byBody = element && element.uri === SERVICE_NAMESPACE ? this.byElement.get(element.local) : undefined;
    if (byBody) return byBody;
    if (actionParameter !== undefined && actionParameter !== '') {
      throw new SoapFault('Client', `Unable to handle request. The action '${actionParameter}' was not recognized.`);
    }
    throw new SoapFault('Client', 'Unable to handle request without a valid action parameter. Please supply a valid soap action.');
  }
}
