/** `ams account show`: the account the operator facade reads (app/operator.ts), as plain text. */
import type { AccountDetails } from '../app/operator.js';

// Names and e-mails come from partners: escape control characters (an ANSI escape sequence in
// a full name must not repaint the operator's terminal).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;
const safe = (s: string): string => s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());
const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** Plain text for a terminal; `now` decides whether a sign-in lock is still in force. */
export function formatAccountDetails(d: AccountDetails, now: Date): string {
  const locked = d.lockedUntil !== null && d.lockedUntil > now.getTime() ? ` (Locked until ${iso(d.lockedUntil)})` : '';
  const fields: [string, string][] = [
    ['User name', d.username],
    ['Full name', d.fullName],
    ['E-mail', d.email],
    ['Entity', `${d.entityId} ${d.entityName}`],
    ['Status', `${d.status}${locked}`],
    ['UltraSafe', yesNo(d.isUltraSafe)],
    ['Quota MB', String(d.quotaMb)],
    ['Used KB', String(d.usedSpaceKb)],
    ['Backup server', d.backupServer],
    ['Licence key', d.licenseKey],
    ['Locale', d.localeCode],
    ['Signed up', iso(d.signupAt)],
    ['Cancelled', iso(d.cancelledAt)],
    ['Last sign-in', iso(d.lastSignInAt)],
    ['Failed sign-ins', String(d.failedSignIns)],
    ['E-mails disabled', yesNo(d.emailNotificationsDisabled)],
    ['Customer type', d.customerTypeCode === '' ? '-' : d.customerTypeCode],
    ['Payment plan', String(d.paymentPlanId)],
    ['Payments', String(d.payments)],
  ];
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  const out = fields.map(([label, value]) => `${`${label}:`.padEnd(width)} ${safe(value)}`);
  out.push('', d.systems.length === 0 ? 'Used space by system: none reported' : 'Used space by system:');
  for (const s of d.systems) {
    out.push(`  ${safe(s.systemName)}\t${safe(s.deviceType) || '-'}\t${s.usedKb} KB\t(updated ${iso(s.updatedAt)})`);
  }
  return `${out.join('\n')}\n`;
}
