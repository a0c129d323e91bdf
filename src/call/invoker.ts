/**
 * The operation invoker: what every protocol edge does once it has decoded a call. The SOAP
 * pipeline, the ASMX test form and the coming JSON API all hand it the same four things, the
 * operation, the partner's credentials, the decoded arguments and the request's context, and
 * get back the handler's output, so authentication, the partner rate, the UnexpectedError
 * mapping and the facts of the request log line are written once, not per protocol.
 */
import type { Operation } from '../contract/index.js';
import type { AuthHeaderValue } from '../contract/common-types.js';
import { failureOutput, handlerFor, type HandlerDeps } from '../handlers/index.js';
import type { PartnerAuthenticator } from '../domain/partners/authenticate-partner.js';
import { errorFields, type Logger } from '../observability/logger.js';
import { clip, resultCodeReader, type RequestFacts } from '../observability/request-log.js';
import { ItemStream } from '../contract/item-stream.js';
import { PartnerSlots } from './partner-slots.js';

/** The partner credentials as the edge received them; null when the call carried none. */
export type CallCredentials = AuthHeaderValue | null;

/** What the edge knows of the request; `facts` is filled in for the request log line and metrics. */
export interface CallContext {
  readonly requestId: string;
  readonly sourceAddress: string;
  /** The request's logger, when the edge made one; else a child of the invoker's logger. */
  readonly logger?: Logger;
  readonly facts?: RequestFacts;
}

export type Invoker = (
  operation: Operation,
  credentials: CallCredentials,
  args: Readonly<Record<string, unknown>>,
  context: CallContext,
) => Promise<Record<string, unknown>>;

export interface InvokerOptions {
  readonly operations: readonly Operation[];
  readonly partners: Pick<PartnerAuthenticator, 'check'>;
  /** One token per call per partner user: true, false, or the answer once a lease is taken (security/rate-limiter.ts). */
  readonly partnerRate: { take(userId: number): boolean | Promise<boolean> };
  readonly handlerDeps: HandlerDeps;
  /** The keyed digest of a user name (the one the AuthHeader throttle's warnings show). */
  readonly digestName: (name: string) => string;
  readonly logger: Logger;
  /**
   * Operations a partner user may run only so many of at once (GetAllAccounts, whose answer
   * streams); over it, the same answer as over the partner's rate. Per process (partner-slots.ts).
   */
  readonly concurrency?: { readonly operations: readonly string[]; readonly perPartner: number };
}

/** Gives the slot back when the output's streamed list ends, or at once when nothing streams. */
function releaseWhenDone(output: Record<string, unknown>, release: () => void): void {
  const streams = Object.values(output).filter((v): v is ItemStream<unknown> => v instanceof ItemStream && !v.isEnded);
  if (streams.length === 0) return release();
  let open = streams.length;
  for (const stream of streams) {
    stream.onEnd(() => {
      if (--open === 0) release();
    });
  }
}

/** Partner check, rate, then the operation's handler; a failure inside becomes UnexpectedError. */
export function createInvoker(options: InvokerOptions): Invoker {
  const { partners, partnerRate, handlerDeps, digestName, logger } = options;
  const resultCode = resultCodeReader(options.operations);
  const requestLog = (context: CallContext): Logger => context.logger ?? logger.child({ requestId: context.requestId });
  const limited = new Set(options.concurrency?.operations ?? []);
  const slots = new PartnerSlots(options.concurrency?.perPartner ?? Number.POSITIVE_INFINITY);
  const tooMany = 'Too many requests from this partner user; slow down and try again shortly.';

  async function invokeChecked(
    operation: Operation,
    credentials: CallCredentials,
    args: Readonly<Record<string, unknown>>,
    context: CallContext,
  ): Promise<Record<string, unknown>> {
    const { caller, userExists } = await partners.check(credentials, context.sourceAddress);
    if (context.facts) {
      if (caller) {
        context.facts.partnerUser = caller.username;
        context.facts.entityId = caller.entityId;
      } else {
        // Issue 14: a name that is no partner user may be a secret typed in the wrong field;
        // the log gets only its short keyed digest (the one block warnings show).
        const claimed = credentials?.UserName;
        context.facts.claimedUser = claimed ? (userExists ? clip(claimed) : `digest:${digestName(claimed.toLowerCase()).slice(0, 12)}`) : undefined;
      }
    }
    if (!caller) return failureOutput(operation, 'InvalidSoapCredentials', 'The AuthHeader credentials are missing or wrong.');
    let release: (() => void) | undefined;
    try {
      // GetAllAccounts' plain-enum Result has no TooManyRequests: failureOutput answers UnexpectedError there.
      const allowed = partnerRate.take(caller.userId);
      if (!(allowed === true || (allowed !== false && (await allowed)))) return failureOutput(operation, 'TooManyRequests', tooMany);
      if (limited.has(operation.name)) {
        release = slots.take(caller.userId);
        if (release === undefined) return failureOutput(operation, 'TooManyRequests', tooMany);
      }
      const handler = handlerFor(operation);
      const output: Record<string, unknown> = await handler(args as never, {
        caller,
        deps: handlerDeps,
        request: { requestId: context.requestId, sourceAddress: context.sourceAddress, operation: operation.name },
      });
      // Held while a streamed answer is written: the edge ends the stream, however it ends.
      if (release) releaseWhenDone(output, release);
      return output;
    } catch (err) {
      release?.();
      requestLog(context).error('operation failed', { operation: operation.name, ...errorFields(err) });
      return failureOutput(operation, 'UnexpectedError', 'An unexpected error occurred; nothing was changed.');
    }
  }

  return (operation, credentials, args, context) =>
    invokeChecked(operation, credentials, args, context).then((output) => {
      // Who called and how it ended, for the request log line and the metrics.
      if (context.facts) context.facts.result = resultCode(operation, output);
      return output;
    });
}
