/** A fully rendered e-mail, ready for any transport. */
export interface MailMessage {
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface MailTransport {
  /** Resolves when the message was accepted; throws MailDeliveryError otherwise. */
  send(message: MailMessage): Promise<void>;
  readonly description: string;
  close?(): void;
}

export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
  constructor(
    message: string,
    /** A 5xx answer: retrying the same message cannot succeed. */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}
