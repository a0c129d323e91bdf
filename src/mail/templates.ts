/**
 * Notification e-mails as pure functions of the event data and the provider's branding: a plain
 * text part and an HTML part with the same words, in the account's language where a
 * translation exists (TRANSLATIONS), else the configured default, else English.
 * They never receive a password or token, so they cannot leak one.
 */
import { escapeAttribute, escapeText } from '../xml/writer.js';
import {
  isLanguage,
  NOTIFICATION_EVENTS,
  TRANSLATIONS,
  type Branding,
  type Language,
  type NotificationEvent,
  type TemplateData,
} from './translations.js';

export type { Branding, Language, NotificationEvent, TemplateData } from './translations.js';
export { LANGUAGES, NOTIFICATION_EVENTS } from './translations.js';

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The language actually used, for the Content-Language header. */
  readonly language: Language;
}

/**
 * `de-DE`, `de_AT`, `DE` → `de`; a language without a translation, or no locale at all, gives
 * the fallback.
 */
export function languageFor(localeCode: string, fallback: Language): Language {
  const primary = /^([A-Za-z]{2,3})(?:[-_]|$)/.exec(localeCode.trim())?.[1]?.toLowerCase();
  return primary !== undefined && isLanguage(primary) ? primary : fallback;
}

export function renderNotification(event: NotificationEvent, data: TemplateData, branding: Branding): RenderedMail {
  const language = languageFor(data.localeCode, branding.defaultLanguage);
  const t = TRANSLATIONS[language];
  const wording = t.events[event];
  const provider = branding.providerName;
  const greeting = t.greeting(data.fullName.trim());
  const paragraphs = wording.body(data.username, provider);
  const footer = t.footer(branding.supportEmail);
  const subject = wording.subject(provider);

  const text = [greeting, '', ...paragraphs, '', footer, '', `— ${provider}`, ''].join('\n');

  // The support address becomes a mailto: link; everything else is escaped text.
  const support = escapeText(branding.supportEmail);
  const footerHtml = escapeText(footer).replace(
    support,
    `<a href="mailto:${escapeAttribute(encodeURI(branding.supportEmail))}">${support}</a>`,
  );
  const html =
    `<!DOCTYPE html><html lang="${language}"><head><meta charset="utf-8"><title>${escapeText(subject)}</title></head>` +
    '<body style="font-family:sans-serif;line-height:1.5">' +
    `<p>${escapeText(greeting)}</p>` +
    paragraphs.map((p) => `<p>${escapeText(p)}</p>`).join('') +
    `<p>${footerHtml}</p><p>— ${escapeText(provider)}</p></body></html>`;

  return { subject, text, html, language };
}

export function isNotificationEvent(value: string): value is NotificationEvent {
  return (NOTIFICATION_EVENTS as readonly string[]).includes(value);
}

/**
 * Reads a stored payload back into TemplateData, keeping only the known fields: whatever else
 * a row might hold never reaches a template.
 */
export function parseTemplateData(payload: string): TemplateData {
  const raw: unknown = JSON.parse(payload);
  const field = (name: string): string => {
    const v = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[name] : undefined;
    return typeof v === 'string' ? v : '';
  };
  return { username: field('username'), fullName: field('fullName'), localeCode: field('localeCode') };
}
