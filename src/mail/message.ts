import type { MailToCapture } from '../domain/sandbox/ports.js';

/**
 * A fully rendered e-mail, ready for any transport. Its fields are those the sandbox captures
 * (declared with MailToCapture in domain/sandbox/ports.ts, which cannot import this), so a field
 * added to the message cannot be left out of the captured copy; only Content-Language may be
 * absent here.
 */
export interface MailMessage extends Omit<MailToCapture, 'language'> {
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
