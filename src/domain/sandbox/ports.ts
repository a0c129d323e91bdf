/**
 * Issue 21: what sandbox mode needs from the database; implemented in store/repositories/sandbox.ts.
 * Every read and every reset is scoped to a tree: an entity and everything below it.
 */
export type DatabaseMode = 'production' | 'sandbox';

export const DATABASE_MODES: readonly DatabaseMode[] = ['production', 'sandbox'];

/*
 * The captured mail's shape is contract/captured-mail.ts's, declared again here only because the
 * domain may import nothing; handlers/agreement.ts fails the build when the two differ.
 */

/** A captured notification as the list shows it. */
export interface CapturedMailSummary {
  /** 128 random bits in hex: the id in URLs. */
  readonly id: string;
  readonly event: string;
  readonly accountUsername: string;
  readonly to: string;
  readonly subject: string;
  /** Epoch ms. */
  readonly capturedAt: number;
}

/** The whole message, as the customer would have received it. */
export interface CapturedMail extends CapturedMailSummary {
  /** `<uuid@ams.invalid>`, fixed when the message is queued: a resend is the same message. */
  readonly messageId: string;
  readonly from: string;
  readonly text: string;
  readonly html: string;
  /** Content-Language, e.g. `de`; empty when the message had none. */
  readonly language: string;
}

/**
 * A rendered message the sandbox's transport keeps instead of sending: the captured mail but for
 * what the store adds, the id and time it is given and the event and account of the outbox row.
 */
export type MailToCapture = Omit<CapturedMail, 'id' | 'event' | 'accountUsername' | 'capturedAt'>;

export interface MailCaptureStore {
  /**
   * Keeps the message with the entity its outbox row names; a second capture of the same
   * Message-ID (a retried delivery) keeps the first. False when no outbox row has that id.
   */
  capture(message: MailToCapture, id: string, at: number): Promise<boolean>;
}

/** What a reset deleted, table by table. */
export interface ResetCounts {
  readonly accounts: number;
  readonly tokens: number;
  readonly usage: number;
  readonly payments: number;
  readonly auditRows: number;
  readonly capturedMail: number;
  /** The tree's notifications in the outbox, sent or waiting (waiting ones would be captured after the reset). */
  readonly outboxRows: number;
  /**
   * The import's ledger rows (issue 18) of the accounts deleted: left behind, they would make a
   * later import take an account the partner makes again under the same name for one it imported.
   */
  readonly importLedgerRows: number;
}

/** One sample account with its usage per system and its payments. */
export interface SampleAccount {
  readonly username: string;
  readonly fullName: string;
  readonly email: string;
  readonly quotaMb: number;
  readonly usage: readonly { readonly systemName: string; readonly deviceType: string; readonly usedKb: number }[];
  readonly payments: readonly { readonly paidAt: number; readonly amount: string; readonly currency: string; readonly description: string }[];
}

export interface SandboxStore {
  /** The mode recorded in the database; null when none is yet (a new database). */
  recordedMode(): Promise<DatabaseMode | null>;
  /** The entity exists (active or not). */
  entityExists(entityId: number): Promise<boolean>;
  /** Newest first, at most `limit`, of the accounts of `rootEntityId`'s tree. */
  listMail(rootEntityId: number, limit: number): Promise<CapturedMailSummary[]>;
  /** undefined when there is no such message in the tree: another tree's message is not found either. */
  readMail(rootEntityId: number, id: string): Promise<CapturedMail | undefined>;
  /** Deletes the tree's accounts and everything about them, in one transaction; entities and partner users stay. */
  resetTree(rootEntityId: number): Promise<ResetCounts>;
  /**
   * Inserts the sample accounts into `entityId` with one password hash (no one signs in with
   * it), in one transaction; a user name already taken is skipped. Returns how many were made.
   */
  insertSamples(entityId: number, passwordHash: string, samples: readonly SampleAccount[], at: number): Promise<number>;
}
