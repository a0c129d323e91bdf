/**
 * What the legacy import (issue 18) needs from the store, batch-shaped: look-ups for a whole
 * batch of keys at once, and one write per batch that commits atomically — records and their
 * ledger rows together, so a process killed at any moment leaves whole batches or nothing.
 */
import type { AccountStatus } from '../accounts/account.js';

/** The AMS-owned fields of each kind of record: what a change through AMS would alter. */
export interface EntityState {
  readonly parentId: number | null;
  readonly name: string;
  readonly customerTypeCode: string;
  readonly active: boolean;
}

export interface PartnerUserState {
  readonly entityId: number;
  readonly username: string;
  readonly active: boolean;
}

export interface LicenseKeyState {
  readonly entityId: number;
  readonly revoked: boolean;
}

export interface AccountState {
  readonly username: string;
  readonly fullName: string;
  readonly email: string;
  readonly entityId: number;
  readonly quotaMb: number;
  readonly isUltraSafe: boolean;
  readonly status: AccountStatus;
  readonly backupServer: string;
  readonly licenseKey: string;
  readonly localeCode: string;
  readonly secretQuestion: string;
  readonly secretAnswerHash: string;
  readonly emailNotificationsDisabled: boolean;
  readonly paymentPlanId: number;
  readonly signupAt: number;
  readonly cancelledAt: number | null;
}

export interface ImportStates {
  readonly entity: EntityState;
  readonly 'partner-user': PartnerUserState;
  readonly 'license-key': LicenseKeyState;
  readonly account: AccountState;
}
export type ImportKind = keyof ImportStates;

/** A record as AMS holds it now. */
export interface CurrentRecord<S> {
  readonly state: S;
  /** Password or secret hash ('' for kinds without one). */
  readonly secretHash: string;
  /** Accounts only: the last sign-in, which an import never moves backwards. */
  readonly lastSignInAt?: number | null;
}

export interface LedgerEntry {
  readonly key: string;
  readonly sourceDigest: string;
  readonly stateDigest: string;
  readonly secretHash: string;
}

export interface RecordWrite<S> {
  readonly key: string;
  /** Insert (false) or update the record with this key (true). */
  readonly exists: boolean;
  readonly state: S;
  readonly secretHash: string;
  readonly lastSignInAt?: number | null;
  readonly ledger: LedgerEntry;
}

export interface ImportStore {
  ledger(kind: ImportKind, keys: readonly string[]): Promise<ReadonlyMap<string, LedgerEntry>>;
  current<K extends ImportKind>(kind: K, keys: readonly string[]): Promise<ReadonlyMap<string, CurrentRecord<ImportStates[K]>>>;
  /** Which of these entity ids exist in AMS. */
  existingEntities(ids: readonly number[]): Promise<ReadonlySet<number>>;
  /** Writes the records and their ledger rows in one transaction. */
  write<K extends ImportKind>(kind: K, writes: readonly RecordWrite<ImportStates[K]>[], at: Date): Promise<void>;
  /** After entities were written with their legacy ids: new entities must number above them. */
  entitiesWritten(): Promise<void>;
}
