/**
 * What the operator's partner-lifecycle commands need from storage (issue 17). Implemented in
 * store/repositories/partner-lifecycle.ts.
 */
import type { AccountStatus } from '../accounts/account.js';
import type { EntityNode } from './entity-tree.js';

/** Who made a change: the operator's OS user and host (the CLI has no other identity). */
export interface Operator {
  readonly user: string;
  readonly host: string;
}

export interface EntityRecord extends EntityNode {
  readonly name: string;
  /** In force: enabled here and on every ancestor. */
  readonly active: boolean;
  readonly customerTypeCode: string;
  /** Partner users and accounts of this entity itself (not of the entities below it). */
  readonly partnerUsers: number;
  readonly accounts: number;
}

export interface PartnerUserRecord {
  readonly id: number;
  readonly username: string;
  readonly entityId: number;
  readonly active: boolean;
  readonly entityActive: boolean;
  readonly secretHash: string;
  /** Until when the secret replaced by the last rotation is still accepted; null when it is not. */
  readonly previousSecretExpiresAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface AccountFilter {
  /** Accounts of this entity and every entity below it. */
  readonly entityId?: number;
  readonly email?: string;
  readonly status?: AccountStatus;
  /** User name prefix, case-insensitive. */
  readonly prefix?: string;
  readonly limit: number;
}

export interface AccountFound {
  readonly username: string;
  readonly entityId: number;
  readonly status: string;
  readonly email: string;
  readonly quotaMb: number;
  readonly usedSpaceKb: number;
  readonly signupAt: Date;
}

export interface EntityChange {
  readonly name?: string;
  readonly customerTypeCode?: string;
  readonly parentId?: number | null;
  readonly enabled?: boolean;
}

export interface OperatorAuditEntry {
  readonly at: Date;
  readonly operator: Operator;
  /** The command, e.g. `entity disable`. */
  readonly action: string;
  /** Facts about the change; never a secret. */
  readonly detail: Readonly<Record<string, string | number | boolean | null>>;
}

/** Reads and writes inside one transaction that holds the tree lock (one tree change at a time). */
export interface LifecycleTransaction {
  entities(): Promise<readonly EntityRecord[]>;
  updateEntity(id: number, change: EntityChange, at: Date): Promise<void>;
  /** Stores the in-force flag of the given entities. */
  setEntitiesActive(ids: readonly number[], active: boolean): Promise<void>;
  partnerUser(username: string): Promise<PartnerUserRecord | undefined>;
  setPartnerUserActive(id: number, active: boolean, at: Date): Promise<void>;
  replaceSecret(id: number, secret: { secretHash: string; previousSecretHash: string | null; previousSecretExpiresAt: Date | null }, at: Date): Promise<void>;
  audit(entry: OperatorAuditEntry): Promise<void>;
}

/** An operator's change as the audit log holds it. */
export interface OperatorAuditRecord {
  readonly at: Date;
  readonly operator: Operator;
  readonly action: string;
  readonly detail: string;
}

export interface LifecycleStore {
  transaction<T>(work: (tx: LifecycleTransaction) => Promise<T>): Promise<T>;
  /** The operators' changes, newest first. */
  operatorAudit(limit: number): Promise<readonly OperatorAuditRecord[]>;
  entities(): Promise<readonly EntityRecord[]>;
  partnerUsers(entityId?: number): Promise<readonly PartnerUserRecord[]>;
  findAccounts(filter: AccountFilter): Promise<readonly AccountFound[]>;
}
