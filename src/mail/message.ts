/** A fully rendered e-mail, ready for any transport. */
export interface MailMessage {
  /** `<uuid@ams.invalid>`, fixed when the message is queued: a resend is the same message. */
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Content-Language, e.g. `de`. */
  readonly language?: string;
}

export interface MailTransport {
  /** Resolves when the message was accepted; throws MailDeliveryError otherwise. */
  send(message: MailMessage): Promise<void>;
  /**
   * Is the server there and willing (SMTP: connect, EHLO, STARTTLS and AUTH as configured, QUIT)?
   * Throws MailDeliveryError when not. Absent: the transport has no server to be down.
   */
  verify?(): Promise<void>;
  readonly description: string;
  close?(): void;
}

export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
  constructor(
    message: string,
    /** A 5xx answer: retrying the same message cannot succeed. */
    readonly permanent: boolean,
    /**
     * The failure is the server's or the connection's (refused, timed out, TLS, 421, our login),
     * not this message's: every message would fail alike, so none should spend an attempt on it.
     */
    readonly transportDown = false,
  ) {
    super(message);
  }
}

/**
 * The message as nodemailer composes it, the same for SMTP and the pickup folder.
 * `Auto-Submitted` (RFC 3834) keeps vacation responders from answering a notification.
 */
export function nodemailerFields(m: MailMessage) {
  return {
    messageId: m.messageId,
    from: m.from,
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    headers: { 'Auto-Submitted': 'auto-generated', ...(m.language ? { 'Content-Language': m.language } : {}) },
  };
}
