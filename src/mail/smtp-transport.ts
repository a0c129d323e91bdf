/**
 * Delivery through an SMTP server (nodemailer). `smtps://` is TLS from the first byte (port
 * 465); `smtp://` upgrades with STARTTLS when the server offers it, and insists on it when the
 * URL carries credentials, so a password never crosses the network in clear and a man in the
 * middle cannot strip STARTTLS. Server certificates are verified against Node's CAs plus an
 * optional CA file (a private CA, or the server's self-signed certificate).
 */
import tls from 'node:tls';
import nodemailer from 'nodemailer';
import { MailDeliveryError, nodemailerFields, type MailMessage, type MailTransport } from './message.js';

export interface SmtpOptions {
  readonly url: string;
  /** STARTTLS mandatory on `smtp://`; null: mandatory exactly when the URL has a user name. */
  readonly requireTls: boolean | null;
  /** PEM text of extra CA certificates to trust. */
  readonly ca: string | null;
  /** false accepts any certificate: encrypted, but the server is not authenticated. */
  readonly rejectUnauthorized: boolean;
  /** Bound on each wait: connecting, the greeting, and any silence during the session. */
  readonly timeoutMs: number;
}

interface NodemailerError {
  readonly code?: string;
  readonly responseCode?: number;
  readonly command?: string;
  readonly message?: string;
  /** nodemailer: which wait ran out (CONNECT_TIMEOUT, GREETING_TIMEOUT, UPGRADE_TIMEOUT, SOCKET_TIMEOUT). */
  readonly timeoutType?: string;
}

/** The stages at which a 5xx answer is about this message (sender, recipient, content), not about the server or our login. */
const MESSAGE_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);

/**
 * Permanent: retrying the same message would get the same answer. A 5xx on AUTH or at the
 * greeting is our configuration or the server's state, so it is retried (and dead-lettered
 * after the last attempt like any other failure).
 */
export function isPermanentSmtpFailure(e: NodemailerError): boolean {
  if (typeof e.responseCode === 'number') {
    const fiveHundred = e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503;
    return fiveHundred && (MESSAGE_COMMANDS.has(e.command ?? '') || e.code === 'EENVELOPE' || e.code === 'EMESSAGE');
  }
  // No answer from a server: nodemailer refused the envelope or message itself, which it will do again.
  return e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
}

/**
 * nodemailer's codes for a failure to reach or use the server at all: connecting, DNS, the
 * socket dropping, TLS (STARTTLS refused or a certificate not trusted), a greeting it did not
 * understand, our login refused.
 */
const TRANSPORT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL', 'EAUTH', 'ENOAUTH']);
/** Session stages before any message is named: a refusal there is about the server or us. */
const SESSION_COMMANDS = new Set(['CONN', 'EHLO', 'HELO', 'LHLO', 'STARTTLS', 'AUTH PLAIN', 'AUTH LOGIN', 'AUTH XOAUTH2', 'AUTH CRAM-MD5']);

/**
 * The transport is down rather than this message refused: the connection failed, or the server
 * answered 421 ("service not available, closing channel") at any stage, or refused the session
 * before MAIL FROM. A 4xx or 5xx for a sender, recipient or content is the message's own.
 */
export function isTransportFailure(e: NodemailerError): boolean {
  if (e.responseCode === 421) return true;
  // Silence mid-session (nodemailer reports it as command CONN whatever the stage) may be a
  // server stuck on this very message after DATA: it spends an attempt, so that such a message
  // ends dead-lettered instead of being held, probed and resent forever.
  if (e.timeoutType === 'SOCKET_TIMEOUT') return false;
  if (e.command !== undefined && SESSION_COMMANDS.has(e.command)) return true;
  return typeof e.code === 'string' && TRANSPORT_CODES.has(e.code);
}

const CERTIFICATE_ERRORS = /certificate|self[- ]signed|CERT_|UNABLE_TO_VERIFY|ALTNAME/i;

/** The failure in one line, with the setting that changes it where it is ours to change. */
function explain(e: NodemailerError, fallback: string, requireTls: boolean): string {
  const text = (typeof e.message === 'string' ? e.message : fallback).replace(/\s+/g, ' ').slice(0, 500);
  if (CERTIFICATE_ERRORS.test(`${e.code ?? ''} ${text}`)) return `${text} (the server certificate is not trusted: see AMS_SMTP_CA_FILE)`;
  if (requireTls && /STARTTLS/i.test(text)) return `${text} (TLS is required before credentials are sent: see AMS_SMTP_REQUIRE_TLS)`;
  return text;
}

export function redactSmtpUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

function deliveryError(err: unknown, requireTls: boolean): MailDeliveryError {
  const e = (err !== null && typeof err === 'object' ? err : {}) as NodemailerError;
  const down = isTransportFailure(e);
  return new MailDeliveryError(explain(e, String(err), requireTls), !down && isPermanentSmtpFailure(e), down);
}

export function smtpTransport(options: SmtpOptions): MailTransport {
  const parsed = new URL(options.url);
  const secure = parsed.protocol === 'smtps:';
  const requireTls = !secure && (options.requireTls ?? parsed.username !== '');
  const transporter = nodemailer.createTransport({
    url: options.url,
    requireTLS: requireTls,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    dnsTimeout: options.timeoutMs,
    tls: {
      minVersion: 'TLSv1.2',
      rejectUnauthorized: options.rejectUnauthorized,
      ...(options.ca ? { ca: [...tls.rootCertificates, options.ca] } : {}),
    },
  });
  const mode = secure ? 'TLS' : requireTls ? 'STARTTLS required' : 'STARTTLS when offered';
  return {
    description: `smtp ${redactSmtpUrl(options.url)} (${mode}${options.rejectUnauthorized ? '' : ', certificate NOT verified'})`,
    async send(m: MailMessage) {
      try {
        await transporter.sendMail(nodemailerFields(m));
      } catch (err) {
        throw deliveryError(err, requireTls);
      }
    },
    async verify() {
      try {
        await transporter.verify();
      } catch (err) {
        throw deliveryError(err, requireTls);
      }
    },
    close: () => transporter.close(),
  };
}
