/**
 * Issue 21: the sandbox's only transport. It sends nothing: each message, rendered exactly as
 * the SMTP and pickup transports would send it (the outbox worker renders before any transport
 * sees it), is kept in the database with the entity of the account it concerns, for the partner
 * to read at /sandbox/mail. No setting can give a sandbox another transport (app/mail-transport.ts).
 */
import type { MailCaptureStore } from '../domain/sandbox/ports.js';
import { MailDeliveryError, type MailMessage, type MailTransport } from './message.js';

export interface CaptureTransportOptions {
  readonly store: MailCaptureStore;
  /** A fresh 128-bit random id, hex (the id in /sandbox/mail URLs). */
  readonly newId: () => string;
  readonly now: () => number;
}

export function captureTransport(options: CaptureTransportOptions): MailTransport {
  return {
    description: 'captured (sandbox: nothing is sent)',
    async send(message: MailMessage) {
      const kept = await options.store.capture(
        {
          messageId: message.messageId,
          from: message.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          language: message.language ?? '',
        },
        options.newId(),
        options.now(),
      );
      // A message with no outbox row naming its account (queued before migration 008) has no
      // partner to show it to: dead-lettered, never sent.
      if (!kept) throw new MailDeliveryError('sandbox: the message names no account entity, so no partner could read it; not captured', true);
    },
  };
}
