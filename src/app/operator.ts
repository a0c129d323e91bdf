/**
 * The operator facade: everything an `ams` command does to an installation, composed here, so
 * that src/cli/ imports app/, config/, contract/, describe/, observability/ and itself only —
 * never store/, feeds/, mail/, security/ or the domain's use cases (eslint.config.js ALLOWED).
 * The CLI parses arguments and prints; what a command does, and over which store, is wired here.
 *
 * The pattern, for a new command family (`ams api-key …`, `ams sandbox …`):
 *   1. Add a method to `OperatorConsole` for each thing the command needs, implemented in
 *      `consoleOver` by composing the store's repositories, the domain's use cases and the
 *      service's hasher — exactly as `ams serve` composes them in compose.ts.
 *   2. Re-export below (`export type …`) the domain types the command prints, and any pure
 *      helper it needs (a parser, a limit), so the command names them through this module.
 *   3. In src/cli/commands/<family>.ts: `withOperatorConsole(loadConfig(), (ops) => ops.method(…))`
 *      — one store opened and migrated for the command, closed after it.
 * A refusal comes back as a value (`Done<T>`, `{ ok: false, … }`) for the command to word; a
 * thrown error is a failure the CLI's boundary (cli/failure.ts) explains and maps to an exit status.
 */
import type { Config } from '../config/config.js';
import { migrate, MigrationFailedError, openConfiguredStore, type Store } from '../store/create-db.js';
import { partnerLifecycleStore } from '../store/repositories/partner-lifecycle.js';
import { administrationStore } from '../store/repositories/administration.js';
import { loadAccountDetails, type AccountDetails } from '../store/repositories/account-details.js';
import { listAudit, type AuditListing } from '../store/repositories/audit-log.js';
import { outboxQueue } from '../store/repositories/outbox-queue.js';
import { feedStore } from '../store/repositories/feeds.js';
import * as administration from '../domain/partners/administration.js';
import * as lifecycle from '../domain/partners/lifecycle.js';
import type { AccountFound, EntityChange, EntityRecord, Operator, OperatorAuditRecord, PartnerUserRecord } from '../domain/partners/lifecycle-ports.js';
import type { OutboxAdmin } from '../domain/outbox.js';
import type { ImportReport } from '../domain/import/report.js';
import { argon2Hasher } from '../security/argon2-hasher.js';
import { withLegacyHashes } from '../security/legacy-hashes.js';
import { importUsage, type UsageImportResult } from '../feeds/usage-import.js';
import { importPayments, type PaymentsImportResult } from '../feeds/payments-import.js';
import { generateSecret } from './admin.js';
import { createPartnerLicenseKey, type LicenseKeyResult } from './license-keys.js';
import { importFolder, type FolderProgress } from './legacy-import.js';
import { exportFolder, type ExportCounts } from './legacy-export.js';

// What the commands print and parse, named through the facade (step 2 of the pattern above).
export type { AccountDetails } from '../store/repositories/account-details.js';
export type { AuditListing } from '../store/repositories/audit-log.js';
export type { Done, EntityChangeReport, AccountQuery, Rotation } from '../domain/partners/lifecycle.js';
export type { AccountFound, EntityChange, EntityRecord, Operator, OperatorAuditRecord, PartnerUserRecord } from '../domain/partners/lifecycle-ports.js';
export type { OutboxEntry, OutboxState, RetryOutcome } from '../domain/outbox.js';
export type { ImportFailure } from '../feeds/table.js';
export type { UsageImportResult } from '../feeds/usage-import.js';
export type { PaymentsImportResult } from '../feeds/payments-import.js';
export type { ImportReport } from '../domain/import/report.js';
export type { LicenseKeyResult } from './license-keys.js';
export type { FolderProgress } from './legacy-import.js';
export type { ExportCounts } from './legacy-export.js';
export { MAX_ACCOUNT_FIND_LIMIT } from '../domain/partners/lifecycle.js';
export { parseOverlap } from '../domain/partners/secret-rotation.js';
export { checkOptionalEmail } from '../domain/validation.js';
export { OUTBOX_STATES } from '../domain/outbox.js';
export { formatImportReport, totalRejected } from '../domain/import/report.js';
export { MAX_FILE_BYTES } from '../feeds/csv.js';
export { importFilesIn } from './legacy-import.js';
export { AdminError } from '../domain/partners/administration.js';
// The failures cli/failure.ts explains to the operator.
export { DatabaseFolderMissingError, MigrationFailedError, parseDatabaseUrl, redactUrl } from '../store/create-db.js';

/** What the operator can do to one opened, migrated installation. */
export interface OperatorConsole {
  // Entities and partner API users (domain/partners/administration.ts and lifecycle.ts).
  createEntity(input: { readonly name: string; readonly parentId: number | null; readonly customerTypeCode?: string }, now: Date): Promise<number>;
  /** The secret is generated when not given, and returned once. */
  createPartnerUser(input: { readonly entityId: number; readonly username: string }, now: Date): Promise<{ readonly id: number; readonly secret: string }>;
  listEntities(query: { readonly parentId?: number; readonly tree: boolean }): Promise<lifecycle.Done<readonly EntityRecord[]>>;
  setEntityEnabled(operator: Operator, id: number, enabled: boolean, now: Date): Promise<lifecycle.Done<lifecycle.EntityChangeReport>>;
  updateEntity(operator: Operator, id: number, change: EntityChange, now: Date): Promise<lifecycle.Done<lifecycle.EntityChangeReport>>;
  listPartnerUsers(entityId?: number): Promise<lifecycle.Done<readonly PartnerUserRecord[]>>;
  setPartnerUserActive(operator: Operator, username: string, active: boolean, now: Date): Promise<lifecycle.Done<PartnerUserRecord>>;
  /** A new Argon2id-hashed secret, returned once. */
  rotatePartnerSecret(operator: Operator, input: { readonly username: string; readonly overlapMs: number }, now: Date): Promise<lifecycle.Done<lifecycle.Rotation>>;
  listOperatorChanges(limit?: number): Promise<lifecycle.Done<readonly OperatorAuditRecord[]>>;
  createLicenseKey(entityId: number, now: Date): Promise<LicenseKeyResult>;

  // Accounts: look-up and their audit trail.
  findAccounts(query: lifecycle.AccountQuery): Promise<lifecycle.Done<readonly AccountFound[]>>;
  accountDetails(username: string): Promise<AccountDetails | undefined>;
  auditList(account: string, limit: number): Promise<AuditListing>;

  /** The notification outbox: list, and send again. */
  readonly outbox: OutboxAdmin;

  // Data in and out: the CSV feeds (all lines or none), and a whole installation.
  importUsage(bytes: Uint8Array, now: Date): Promise<UsageImportResult>;
  importPayments(bytes: Uint8Array, now: Date): Promise<PaymentsImportResult>;
  /** Legacy `clear` and hashed secrets are accepted (the legacy formats are verified at sign-in). */
  importFolder(dir: string, options: { readonly dryRun: boolean; readonly batchSize?: number; readonly progress?: FolderProgress }): Promise<ImportReport>;
  exportFolder(dir: string, onFile?: (file: string, rows: number) => void): Promise<ExportCounts>;
}

function consoleOver(store: Store): OperatorConsole {
  const lifecycleStore = partnerLifecycleStore(store.db, store.traits);
  const administrationDeps = { store: administrationStore(store.db), hasher: argon2Hasher, generateSecret };
  return {
    createEntity: (input, now) => administration.createEntity(administrationDeps.store, input, now),
    createPartnerUser: (input, now) => administration.createPartnerUser(administrationDeps, input, now),
    listEntities: (query) => lifecycle.listEntities(lifecycleStore, query),
    setEntityEnabled: (operator, id, enabled, now) => lifecycle.setEntityEnabled(lifecycleStore, operator, id, enabled, now),
    updateEntity: (operator, id, change, now) => lifecycle.updateEntity(lifecycleStore, operator, id, change, now),
    listPartnerUsers: (entityId) => lifecycle.listPartnerUsers(lifecycleStore, entityId),
    setPartnerUserActive: (operator, username, active, now) => lifecycle.setPartnerUserActive(lifecycleStore, operator, username, active, now),
    rotatePartnerSecret: (operator, input, now) => lifecycle.rotatePartnerSecret(lifecycleStore, { hasher: argon2Hasher, newSecret: generateSecret }, operator, input, now),
    listOperatorChanges: (limit) => lifecycle.listOperatorChanges(lifecycleStore, limit),
    createLicenseKey: (entityId, now) => createPartnerLicenseKey(store.db, entityId, now),
    findAccounts: (query) => lifecycle.findAccounts(lifecycleStore, query),
    accountDetails: (username) => loadAccountDetails(store.db, username),
    auditList: (account, limit) => listAudit(store.db, account, limit),
    outbox: outboxQueue(store.db, store.traits),
    importUsage: (bytes, now) => importUsage(feedStore(store.db), bytes, now),
    importPayments: (bytes, now) => importPayments(feedStore(store.db), bytes, now),
    importFolder: (dir, options) => importFolder(store, withLegacyHashes(argon2Hasher), dir, options),
    exportFolder: (dir, onFile) => exportFolder(store, dir, onFile),
  };
}

/** Opens the configured database, applies pending migrations, runs `work`, and closes it. */
export async function withOperatorConsole<T>(config: Config, work: (ops: OperatorConsole) => Promise<T>): Promise<T> {
  const store = openConfiguredStore(config);
  try {
    const result = await migrate(store);
    if (result.error !== undefined) throw new MigrationFailedError(result.error);
    return await work(consoleOver(store));
  } finally {
    await store.close();
  }
}

/**
 * `ams migrate`: applies pending migrations, reporting each step (even when a later one fails).
 * Returns how many were applied and those a newer AMS applied (store/create-db.ts `migrate`).
 */
export async function migrateDatabase(config: Config, onStep: (migration: string, status: string) => void): Promise<{ applied: number; newer: readonly string[] }> {
  const store = openConfiguredStore(config);
  try {
    const { error, results, newerMigrations } = await migrate(store);
    for (const r of results ?? []) onStep(r.migrationName, r.status);
    if (error !== undefined) throw new MigrationFailedError(error);
    return { applied: (results ?? []).length, newer: newerMigrations };
  } finally {
    await store.close();
  }
}
