/** `ams audit list --account NAME`: the listing the operator facade reads (app/operator.ts), as a table. */
import type { AuditListing } from '../app/operator.js';

/** `{"notified":true,"tokensRevoked":0}` → `notified=true tokensRevoked=0`. */
function formatDetail(detail: string): string {
  try {
    const parsed = JSON.parse(detail) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.entries(parsed as Record<string, unknown>)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
    }
  } catch {
    // not JSON: shown as stored
  }
  return detail.replace(/\s+/g, ' ').trim();
}

export function formatAuditList(account: string, listing: AuditListing): string {
  if (listing.entries.length === 0) return `no audit records for ${account}\n`;
  const header = ['AT', 'OPERATION', 'OUTCOME', 'BY', 'ENTITY', 'FROM', 'REQUEST ID', 'DETAIL'];
  const rows = listing.entries.map((e) => [
    new Date(e.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    e.operation,
    e.outcome,
    e.actorUsername,
    e.actorEntityId === null ? '-' : String(e.actorEntityId),
    e.sourceAddress === '' ? '-' : e.sourceAddress,
    e.requestId,
    formatDetail(e.detail),
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const lines = all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
  const shown = listing.entries.length < listing.total ? [`(${listing.entries.length} of ${listing.total}, newest first; --limit N shows more)`] : [];
  return `${[...lines, ...shown].join('\n')}\n`;
}
