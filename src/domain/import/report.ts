/** The result set of an import: per file, what happened to its rows, and the first problems by line. */

export interface LineMessage {
  readonly line: number;
  readonly message: string;
}

export interface FileReport {
  readonly file: string;
  new: number;
  unchanged: number;
  updated: number;
  /** Changed in the file and through AMS: AMS's version kept (also listed among the warnings). */
  kept: number;
  rejected: number;
  warnings: number;
  /** The first MAX_LISTED of each: a report stays readable (and bounded) with a million bad rows. */
  readonly rejections: LineMessage[];
  readonly warningLines: LineMessage[];
}

export interface ImportReport {
  readonly dryRun: boolean;
  readonly files: readonly FileReport[];
}

export const MAX_LISTED = 20;

export const emptyFileReport = (file: string): FileReport => ({
  file,
  new: 0,
  unchanged: 0,
  updated: 0,
  kept: 0,
  rejected: 0,
  warnings: 0,
  rejections: [],
  warningLines: [],
});

export function noteRejection(report: FileReport, line: number, message: string): void {
  report.rejected++;
  if (report.rejections.length < MAX_LISTED) report.rejections.push({ line, message });
}

export function noteWarning(report: FileReport, line: number, message: string): void {
  report.warnings++;
  if (report.warningLines.length < MAX_LISTED) report.warningLines.push({ line, message });
}

export const totalRejected = (report: ImportReport): number => report.files.reduce((n, f) => n + f.rejected, 0);

/** The report as the operator reads it. */
export function formatImportReport(report: ImportReport): string {
  const out: string[] = [];
  if (report.dryRun) out.push('dry run: nothing was changed; this is what an import would do');
  for (const f of report.files) {
    out.push(`${f.file}: ${f.new} new, ${f.unchanged} unchanged, ${f.updated} updated, ${f.kept} kept (changed in AMS), ${f.rejected} rejected, ${f.warnings} warnings`);
    for (const r of f.rejections) out.push(`  ${f.file}:${r.line}: ${r.message}`);
    if (f.rejected > f.rejections.length) out.push(`  … and ${f.rejected - f.rejections.length} more rejected rows`);
    for (const w of f.warningLines) out.push(`  ${f.file}:${w.line}: warning: ${w.message}`);
    if (f.warnings > f.warningLines.length) out.push(`  … and ${f.warnings - f.warningLines.length} more warnings`);
  }
  const rejected = totalRejected(report);
  out.push(rejected === 0 ? 'no row rejected' : `${rejected} row${rejected === 1 ? '' : 's'} rejected`);
  return `${out.join('\n')}\n`;
}
