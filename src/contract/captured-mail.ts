/**
 * Issue 21: a captured sandbox e-mail as partners see it, in the list and whole. The JSON API's
 * /sandbox/mail routes (rest/sandbox-routes.ts) and the /sandbox/mail pages
 * (describe/sandbox-mail-pages.ts) both show these fields; declared here because those edges may
 * import only contract/ and xml/. The domain may import nothing, so domain/sandbox/ports.ts
 * declares the same shape for the store, and handlers/agreement.ts has the compiler keep the two
 * the same: a field added to one only fails the build.
 */

/** A captured notification as the list shows it. */
export interface CapturedMailSummary {
  /** 128 random bits in hex: the id in URLs. */
  readonly id: string;
  readonly event: string;
  readonly accountUsername: string;
  readonly to: string;
  readonly subject: string;
  /** Epoch ms (the JSON API shows it as an ISO 8601 date-time). */
  readonly capturedAt: number;
}

/** The whole message, as the customer would have received it. */
export interface CapturedMail extends CapturedMailSummary {
  readonly messageId: string;
  readonly from: string;
  readonly text: string;
  readonly html: string;
  /** Content-Language; empty when the message had none. */
  readonly language: string;
}
