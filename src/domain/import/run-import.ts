/**
 * `ams import` (issue 18) as a use case: rows stream in file by file, are checked, compared with
 * what an earlier run imported (the ledger) and with what AMS holds now, and are written a
 * batch at a time, each batch one transaction. The result is a report, never an exception
 * halfway: a bad row is a line in the report, not the end of the run.
 *
 * Each row is:
 * - new: AMS has no such record → inserted;
 * - unchanged: the same row as last imported → nothing written (a re-run is a no-op);
 * - updated: the row differs from the last import and AMS has not changed the record since → written;
 * - kept: the row differs, but the record was changed through AMS since it was imported (a
 *   password reset, a new e-mail…) → AMS's version stays, and the report says so;
 * - rejected: invalid, a conflict (two user names differing only by case, a record AMS created
 *   itself), or referring to an entity that does not exist → nothing written, `file:line: reason`.
 */
import type { PasswordHasher } from '../ports.js';
import type { ImportKind, ImportStates, ImportStore, RecordWrite } from './ports.js';
import { normaliseAnswer, stateDigest, storedForm } from './record-states.js';
import {
  IMPORT_FILES, IMPORT_ORDER, parseAccount, parseEntity, parseLicenseKey, parsePartnerUser,
  secretPartOf, type AccountRecord, type ImportRecords, type KeyDigester, type ParsedRow, type PartnerUserRecord, type Row,
} from './records.js';
import { orderEntities } from './entity-order.js';
import { RowProblem } from './row-checks.js';
import { SeenKeys } from './seen-keys.js';
import { emptyFileReport, noteRejection, noteWarning, type FileReport, type ImportReport } from './report.js';

/** A CSV record with the line it starts on, or a line the CSV reader could not read. */
export type SourceRow = { readonly line: number; readonly values: Row } | { readonly line: number; readonly problem: string };

export type ImportSources = Partial<Record<ImportKind, () => AsyncIterable<SourceRow>>>;

export interface ImportDeps {
  readonly store: ImportStore;
  readonly hasher: PasswordHasher;
  readonly digestLicenseKey: KeyDigester;
  readonly now: () => Date;
}

export interface ImportOptions {
  readonly dryRun: boolean;
  /** Rows per transaction. */
  readonly batchSize?: number;
  readonly onProgress?: (kind: ImportKind, rowsDone: number) => void;
}

interface Parsed<K extends ImportKind> extends ParsedRow<ImportRecords[K]> {
  readonly line: number;
}

const DEFAULT_BATCH = 500;

class KindRun<K extends ImportKind> {
  /** Keys seen in this run (case-folded): the line of the first row with each. */
  private readonly seen = new SeenKeys();
  readonly report: FileReport;
  private done = 0;

  constructor(
    private readonly kind: K,
    private readonly deps: ImportDeps,
    private readonly options: ImportOptions,
    /** Entity ids known to exist (in AMS, or accepted earlier in this run). */
    private readonly knownEntities: Set<number>,
  ) {
    this.report = emptyFileReport(IMPORT_FILES[kind].file);
  }

  parse(row: SourceRow): Parsed<K> | undefined {
    if ('problem' in row) {
      noteRejection(this.report, row.line, row.problem);
      return undefined;
    }
    try {
      const parsed = this.parseRow(row.values);
      for (const warning of parsed.warnings) noteWarning(this.report, row.line, warning);
      return { ...parsed, line: row.line };
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      noteRejection(this.report, row.line, err.message);
      return undefined;
    }
  }

  private parseRow(values: Row): ParsedRow<ImportRecords[K]> {
    switch (this.kind) {
      case 'entity':
        return parseEntity(values) as ParsedRow<ImportRecords[K]>;
      case 'partner-user':
        return parsePartnerUser(values) as ParsedRow<ImportRecords[K]>;
      case 'license-key':
        return parseLicenseKey(values, this.deps.digestLicenseKey) as ParsedRow<ImportRecords[K]>;
      default:
        return parseAccount(values) as ParsedRow<ImportRecords[K]>;
    }
  }

  private entityOf(record: ImportRecords[K]): number | null {
    if (this.kind === 'entity') return (record as ImportRecords['entity']).parentId;
    return (record as { entityId: number }).entityId;
  }

  /** Checks, compares and (unless a dry run) writes one batch of rows. */
  async batch(rows: readonly SourceRow[]): Promise<void> {
    const candidates: Parsed<K>[] = [];
    for (const row of rows) {
      const parsed = this.parse(row);
      if (!parsed) continue;
      const first = this.seen.firstLine(parsed.key, parsed.line);
      if (first !== undefined) {
        noteRejection(this.report, parsed.line, `the same ${this.kind === 'entity' ? 'id' : this.kind === 'license-key' ? 'key' : 'user name (compared regardless of case)'} as line ${first}`);
        continue;
      }
      candidates.push(parsed);
    }
    const accepted = await this.withExistingEntities(candidates);
    const keys = accepted.map((p) => p.key);
    const [ledger, current] = await Promise.all([this.deps.store.ledger(this.kind, keys), this.deps.store.current(this.kind, keys)]);
    const now = this.deps.now();
    // Filled by position: entities must be written parents first, in the order given.
    const slots: (RecordWrite<ImportStates[K]> | undefined)[] = new Array(accepted.length);
    await Promise.all(
      accepted.map(async (p, index) => {
        const had = ledger.get(p.key);
        const now_ = current.get(p.key);
        if (now_ && !had) {
          noteRejection(this.report, p.line, `${this.describe(p)} already exists in AMS and was not imported: a conflict, nothing changed`);
          return;
        }
        // The password stays as AMS holds it (perhaps upgraded to Argon2id) unless the file changed it.
        let keepSecret: string | undefined;
        if (now_ && had) {
          const changedInAms = stateDigest(this.kind, now_.state) !== had.stateDigest || now_.secretHash !== had.secretHash; // not timing-sensitive: two stored hashes, no caller's secret
          const clearSame = await this.clearSecretsMatch(p.record, now_);
          if (had.sourceDigest === p.sourceDigest && clearSame) { // not timing-sensitive: digests of the operator's own files
            this.report.unchanged++;
            return;
          }
          if (changedInAms) {
            this.report.kept++;
            noteWarning(this.report, p.line, `${this.describe(p)} was changed through AMS since it was imported: AMS's version kept`);
            return;
          }
          if (secretPartOf(had.sourceDigest) === secretPartOf(p.sourceDigest) && clearSame) keepSecret = now_.secretHash;
        }
        const formed = await storedForm(this.kind, p.record, this.deps.hasher, now, now_);
        const stored = keepSecret === undefined ? formed : { ...formed, secretHash: keepSecret };
        const digest = stateDigest(this.kind, stored.state);
        slots[index] = {
          key: p.key,
          exists: now_ !== undefined,
          ...stored,
          ledger: { key: p.key, sourceDigest: p.sourceDigest, stateDigest: digest, secretHash: stored.secretHash },
        };
        if (now_) this.report.updated++;
        else this.report.new++;
      }),
    );
    const writes = slots.filter((w): w is RecordWrite<ImportStates[K]> => w !== undefined);
    if (!this.options.dryRun && writes.length > 0) await this.deps.store.write(this.kind, writes, now);
    this.done += rows.length;
    this.options.onProgress?.(this.kind, this.done);
  }

  private describe(p: Parsed<K>): string {
    switch (this.kind) {
      case 'entity':
        return `entity ${p.key}`;
      case 'license-key':
        return 'the licence key';
      case 'partner-user':
        return `partner user ${JSON.stringify((p.record as PartnerUserRecord).username)}`;
      default:
        return `account ${JSON.stringify((p.record as AccountRecord).username)}`;
    }
  }

  /** A clear password is not in the source digest: the same row means the stored hash still verifies it. */
  private async clearSecretsMatch(record: ImportRecords[K], current: { state: ImportStates[K]; secretHash: string }): Promise<boolean> {
    const secret = this.kind === 'partner-user' ? (record as PartnerUserRecord).secret : this.kind === 'account' ? (record as AccountRecord).password : undefined;
    if (secret?.format === 'clear' && !(await this.deps.hasher.verify(current.secretHash, secret.hash))) return false;
    const answer = this.kind === 'account' ? (record as AccountRecord).answer : null;
    const storedAnswer = (current.state as { secretAnswerHash?: string }).secretAnswerHash ?? '';
    if (answer?.format === 'clear' && !(await this.deps.hasher.verify(storedAnswer, normaliseAnswer(answer.hash)))) return false;
    return true;
  }

  /** Drops (and reports) rows that refer to an entity that neither AMS nor this run has. */
  private async withExistingEntities(rows: Parsed<K>[]): Promise<Parsed<K>[]> {
    const unknown = [...new Set(rows.map((p) => this.entityOf(p.record)).filter((id): id is number => id !== null && !this.knownEntities.has(id)))];
    if (unknown.length > 0) for (const id of await this.deps.store.existingEntities(unknown)) this.knownEntities.add(id);
    return rows.filter((p) => {
      const id = this.entityOf(p.record);
      if (id === null || this.knownEntities.has(id)) {
        // An entity that got this far will exist (written now, or there already): its children may follow.
        if (this.kind === 'entity') this.knownEntities.add((p.record as ImportRecords['entity']).id);
        return true;
      }
      noteRejection(this.report, p.line, `${this.kind === 'entity' ? 'parent_id' : 'entity_id'} ${id} does not exist (neither in AMS nor accepted from entities.csv)`);
      return false;
    });
  }
}

async function* batches(rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, size: number): AsyncGenerator<SourceRow[]> {
  let batch: SourceRow[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export async function runImport(deps: ImportDeps, sources: ImportSources, options: ImportOptions): Promise<ImportReport> {
  const knownEntities = new Set<number>();
  const files: FileReport[] = [];
  const size = options.batchSize ?? DEFAULT_BATCH;
  for (const kind of IMPORT_ORDER) {
    const source = sources[kind];
    if (!source) continue;
    const run = new KindRun(kind, deps, options, knownEntities);
    // Entities arrive in any order; parents are written before their children.
    const rows = kind === 'entity' ? await orderEntities(source(), run.report) : source();
    for await (const batch of batches(rows, size)) await run.batch(batch);
    if (kind === 'entity' && !options.dryRun) await deps.store.entitiesWritten();
    files.push(run.report);
  }
  return { dryRun: options.dryRun, files };
}
