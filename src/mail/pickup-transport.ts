/**
 * The embedded default: each message becomes an RFC 5322 `.eml` file in a folder, written to a
 * temporary name and renamed, so a reader never sees half a message. A mail server's pickup
 * service, or a person, can take them from there.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { MailDeliveryError, type MailMessage, type MailTransport } from './message.js';

export function pickupFolderTransport(folder: string): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `pickup folder ${folder}`,
    async send(m: MailMessage) {
      try {
        const info = await composer.sendMail({ messageId: m.messageId, from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html });
        const raw = info.message as unknown as Buffer;
        await fs.mkdir(folder, { recursive: true });
        // The file name is derived from the Message-ID: a resend after a crash overwrites, not duplicates.
        const name = m.messageId.replace(/[^A-Za-z0-9@.-]/g, '');
        const final = path.join(folder, `${name}.eml`);
        const temp = path.join(folder, `.${name}.${process.pid}.tmp`);
        await fs.writeFile(temp, raw);
        await fs.rename(temp, final);
      } catch (err) {
        throw new MailDeliveryError(err instanceof Error ? err.message : String(err), false);
      }
    },
  };
}
