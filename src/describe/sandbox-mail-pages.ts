/**
 * Issue 21: /sandbox/mail, the pages where a partner reads the notifications its sandbox calls
 * caused: a list, and each message as the customer would see it. The message's HTML part is
 * the one thing here not written by us (its words come from partner input: names, user names),
 * so it is shown only inside an iframe with an empty `sandbox` attribute (no scripts, no forms,
 * an opaque origin) from an escaped `srcdoc`; the answer's Content-Security-Policy forbids
 * scripts and every outside load as well.
 */
import type { CapturedMail, CapturedMailSummary } from '../contract/captured-mail.js';
import { escapeAttribute, escapeText } from '../xml/writer.js';
import { htmlPage } from './html.js';

/** Sent with every /sandbox/mail page: nothing runs, nothing loads from elsewhere, nothing frames it. */
export const SANDBOX_MAIL_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const TITLE = 'Sandbox mail';
const BANNER = 'SANDBOX — these e-mails were captured, not sent. You see the mail of the accounts in your own tree only.';
export const MAIL_PATH = '/sandbox/mail';

const when = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

export function renderMailList(partner: string, items: readonly CapturedMailSummary[]): string {
  const rows = items
    .map(
      (m) =>
        `<tr><td>${escapeText(when(m.capturedAt))}</td><td>${escapeText(m.accountUsername)}</td><td>${escapeText(m.to)}</td>` +
        `<td><a class="message" href="${escapeAttribute(`${MAIL_PATH}/${m.id}`)}">${escapeText(m.subject)}</a></td><td>${escapeText(m.event)}</td></tr>\n`,
    )
    .join('');
  const body =
    `<p class="intro">Signed in as <b>${escapeText(partner)}</b>. ${items.length === 0 ? 'No mail captured yet.' : `${items.length} message${items.length === 1 ? '' : 's'}, newest first.`}</p>\n` +
    (items.length === 0 ? '' : `<table class="codes" id="mail">\n<tr><th>Captured</th><th>Account</th><th>To</th><th>Subject</th><th>Event</th></tr>\n${rows}</table>\n`);
  return htmlPage(TITLE, TITLE, '', body, '', BANNER);
}

export function renderMailMessage(m: CapturedMail): string {
  const header = (name: string, value: string): string => `<tr><th>${escapeText(name)}</th><td>${escapeText(value)}</td></tr>\n`;
  const body =
    `<p class="intro"><a href="${escapeAttribute(MAIL_PATH)}">All captured mail</a></p>\n` +
    '<h2>Headers</h2>\n<table class="codes" id="headers">\n' +
    header('From', m.from) +
    header('To', m.to) +
    header('Subject', m.subject) +
    header('Date', when(m.capturedAt)) +
    header('Message-ID', m.messageId) +
    header('Content-Language', m.language) +
    header('Account', m.accountUsername) +
    header('Event', m.event) +
    '</table>\n' +
    '<h2>HTML part</h2>\n' +
    `<iframe id="html-part" sandbox="" referrerpolicy="no-referrer" style="width: 100%; height: 24em; border: 1px solid #999999; background: white;" srcdoc="${escapeAttribute(m.html)}"></iframe>\n` +
    '<h2>Text part</h2>\n' +
    `<pre id="text-part">${escapeText(m.text)}</pre>\n`;
  return htmlPage(`${TITLE}: ${m.subject}`, TITLE, '', body, '', BANNER);
}

export function renderMailNotFound(): string {
  return htmlPage(TITLE, TITLE, '', '<p class="intro">No such message.</p>\n', '', BANNER);
}
