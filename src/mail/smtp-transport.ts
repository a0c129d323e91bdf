import nodemailer from 'nodemailer';
import { MailDeliveryError, type MailMessage, type MailTransport } from './message.js';

interface SmtpError {
  responseCode?: number;
  message?: string;
}

export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    description: `smtp ${url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}`,
    async send(m: MailMessage) {
      try {
        await transporter.sendMail({ messageId: m.messageId, from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html });
      } catch (err) {
        const e = err as SmtpError;
        const code = typeof e.responseCode === 'number' ? e.responseCode : 0;
        throw new MailDeliveryError(String(e.message ?? err).slice(0, 500), code >= 500 && code < 600);
      }
    },
    close: () => transporter.close(),
  };
}
