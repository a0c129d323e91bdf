/** The transport the settings name: SMTP when `AMS_SMTP_URL` is set, else the pickup folder. */
import fs from 'node:fs';
import { ConfigError } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { MailTransport } from '../mail/message.js';
import { pickupFolderTransport } from '../mail/pickup-transport.js';
import { smtpTransport } from '../mail/smtp-transport.js';

/** The mail settings of the service's Config (structurally). */
export interface MailTransportSettings {
  readonly smtpUrl: string | null;
  readonly smtpRequireTls: boolean | null;
  readonly smtpCaFile: string | null;
  readonly smtpTlsRejectUnauthorized: boolean;
  readonly mailLeaseSeconds: number;
  readonly pickupDir: string;
}

export function configuredMailTransport(settings: MailTransportSettings, logger: Logger): MailTransport {
  if (settings.smtpUrl === null) return pickupFolderTransport(settings.pickupDir);
  let ca: string | null = null;
  if (settings.smtpCaFile !== null) {
    try {
      ca = fs.readFileSync(settings.smtpCaFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`AMS_SMTP_CA_FILE: cannot read ${settings.smtpCaFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(`AMS_SMTP_CA_FILE: ${settings.smtpCaFile} holds no PEM certificate`);
  }
  if (!settings.smtpTlsRejectUnauthorized) {
    logger.warn('AMS_SMTP_TLS_REJECT_UNAUTHORIZED=false: the SMTP server certificate is not verified; set AMS_SMTP_CA_FILE instead');
  }
  return smtpTransport({
    url: settings.smtpUrl,
    requireTls: settings.smtpRequireTls,
    ca,
    rejectUnauthorized: settings.smtpTlsRejectUnauthorized,
    // Each wait (connect, greeting, silence) is a third of the send deadline (80 % of the lease).
    timeoutMs: Math.max(1000, Math.floor((settings.mailLeaseSeconds * 800) / 3)),
  });
}
