/**
 * Notification texts as pure functions of the event data and the provider's branding.
 * They never receive a password or token, so they cannot leak one.
 */
import { escapeText } from '../xml/writer.js';

export type NotificationEvent = 'account-created' | 'password-changed' | 'email-changed' | 'account-cancelled';

export interface TemplateData {
  readonly username: string;
  readonly fullName: string;
  readonly localeCode: string;
}

export interface Branding {
  readonly providerName: string;
  readonly supportEmail: string;
}

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

interface Wording {
  readonly subject: (b: Branding) => string;
  readonly lines: (d: TemplateData, b: Branding) => readonly string[];
}

const WORDING: Readonly<Record<NotificationEvent, Wording>> = {
  'account-created': {
    subject: (b) => `Welcome to ${b.providerName}`,
    lines: (d, b) => [
      `Your ${b.providerName} backup account "${d.username}" has been created.`,
      'Install the backup client and sign in with your user name and the password you chose.',
    ],
  },
  'password-changed': {
    subject: (b) => `Your ${b.providerName} password was changed`,
    lines: (d) => [
      `The password of your backup account "${d.username}" was changed.`,
      'If you did not expect this, contact support at once.',
    ],
  },
  'email-changed': {
    subject: (b) => `Your ${b.providerName} e-mail address was changed`,
    lines: (d) => [`This address is now the contact address of the backup account "${d.username}".`],
  },
  'account-cancelled': {
    subject: (b) => `Your ${b.providerName} account was cancelled`,
    lines: (d) => [`Your backup account "${d.username}" has been cancelled.`],
  },
};

export function renderNotification(event: NotificationEvent, data: TemplateData, branding: Branding): RenderedMail {
  const wording = WORDING[event];
  const greeting = data.fullName ? `Hello ${data.fullName},` : 'Hello,';
  const lines = wording.lines(data, branding);
  const footer = `Questions? Write to ${branding.supportEmail}.`;
  const text = [greeting, '', ...lines, '', footer, '', `— ${branding.providerName}`, ''].join('\n');
  const html =
    `<!DOCTYPE html><html><body><p>${escapeText(greeting)}</p>` +
    lines.map((l) => `<p>${escapeText(l)}</p>`).join('') +
    `<p>${escapeText(footer)}</p><p>— ${escapeText(branding.providerName)}</p></body></html>`;
  return { subject: wording.subject(branding), text, html };
}

export function isNotificationEvent(value: string): value is NotificationEvent {
  return Object.hasOwn(WORDING, value);
}
