/**
 * What the CSV feeds (`ams usage import`, `ams payments import`, feeds/) need from the database,
 * all inside one transaction per file; implemented in store/repositories/feeds.ts.
 */
export interface StoredPayment {
  readonly accountId: number;
  readonly paidAt: number;
  readonly amount: string;
  readonly currency: string;
  readonly description: string;
}

export interface UsageFigure {
  readonly accountId: number;
  readonly systemName: string;
  readonly deviceType: string;
  readonly usedKb: number;
}

export interface FeedTransaction {
  /** Account ids by lower-cased user name, for the names that exist. */
  accountIdsByKey(keys: readonly string[]): Promise<Map<string, number>>;
  paymentsOf(accountIds: readonly number[]): Promise<StoredPayment[]>;
  insertPayments(payments: readonly StoredPayment[], createdAt: number): Promise<void>;
  /** Every stored (account, system) figure of these accounts; used_kb read exactly. */
  usageOf(accountIds: readonly number[]): Promise<{ readonly accountId: number; readonly systemName: string; readonly usedKb: bigint }[]>;
  /** Inserts or replaces each (account, system) figure. */
  upsertUsage(figures: readonly UsageFigure[], updatedAt: number): Promise<void>;
  setUsedSpace(accountId: number, totalKb: number, updatedAt: number): Promise<void>;
}

export interface FeedStore {
  transaction<T>(work: (tx: FeedTransaction) => Promise<T>): Promise<T>;
}
