/**
 * The database as Kysely sees it. Times are epoch milliseconds (integers), booleans are 0/1
 * integers: the same representation on SQLite and PostgreSQL, so no value differs by engine.
 */
import type { Generated } from 'kysely';

export interface EntitiesTable {
  id: Generated<number>;
  parent_id: number | null;
  name: string;
  /** Effective: `enabled` here and on every ancestor (kept current by the operator's commands). */
  active: number;
  /** The operator's own switch on this entity (migration 005). */
  enabled: Generated<number>;
  customer_type_code: string;
  created_at: number;
}

export interface PartnerUsersTable {
  id: Generated<number>;
  entity_id: number;
  username: string;
  /** Lower-cased user name: uniqueness and look-up are case-insensitive. */
  username_key: string;
  secret_hash: string;
  active: number;
  created_at: number;
  updated_at: number;
  /** The secret a rotation replaced, still accepted until `previous_secret_expires_at` (migration 005). */
  previous_secret_hash: Generated<string | null>;
  previous_secret_expires_at: Generated<number | null>;
}

export interface AccountsTable {
  id: Generated<number>;
  username: string;
  username_key: string;
  password_hash: string;
  full_name: string;
  first_name: string;
  email: string;
  entity_id: number;
  quota_mb: number;
  used_space_kb: number;
  is_ultrasafe: number;
  status: string;
  backup_server: string;
  license_key: string;
  locale_code: string;
  secret_question: string;
  secret_answer_hash: string;
  email_notifications_disabled: number;
  customer_type_code: string;
  payment_plan_id: number;
  signup_at: number;
  cancelled_at: number | null;
  last_sign_in_at: number | null;
  failed_sign_ins: number;
  failed_window_started_at: number | null;
  locked_until: number | null;
  updated_at: number;
  /** Bumped by every password change; tokens record the generation they were bought with. */
  credential_generation: Generated<number>;
  /** Password checks reserved in the hour that began at hour_started_at (the hard cap). */
  hour_checks: Generated<number>;
  hour_started_at: number | null;
}

export interface AccountTokensTable {
  id: Generated<number>;
  token_hash: string;
  account_id: number;
  kind: string;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
  created_at: number;
  credential_generation: Generated<number>;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  request_id: string;
  actor_user_id: number | null;
  actor_username: string;
  actor_entity_id: number | null;
  source_address: string;
  operation: string;
  account_id: number | null;
  account_username: string;
  outcome: string;
  detail: string;
}

export interface OutboxTable {
  id: Generated<number>;
  message_id: string;
  event: string;
  recipient: string;
  /** JSON of the template data; never a secret. */
  payload: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface AuthorizationTokensTable {
  id: Generated<number>;
  token_hash: string;
  /** Exactly one of account_id / partner_user_id is set. */
  account_id: number | null;
  partner_user_id: number | null;
  entity_id: number;
  issued_by_user_id: number;
  expires_at: number;
  used_at: number | null;
  created_at: number;
  /** The account's credential generation when issued (0 for a partner user). */
  credential_generation: Generated<number>;
}

export interface CreatingAccountTokensTable {
  id: Generated<number>;
  token_hash: string;
  entity_id: number;
  quota_mb: number;
  is_ultrasafe: number;
  issued_by_user_id: number;
  expires_at: number;
  used_at: number | null;
  account_id: number | null;
  created_at: number;
}

export interface PartnerLicenseKeysTable {
  id: Generated<number>;
  key_hash: string;
  entity_id: number;
  revoked_at: number | null;
  created_at: number;
}

export interface AccountUsageTable {
  account_id: number;
  system_name: string;
  device_type: string;
  used_kb: number;
  updated_at: number;
}

export interface AccountPaymentsTable {
  id: Generated<number>;
  account_id: number;
  paid_at: number;
  amount: string;
  currency: string;
  description: string;
  created_at: number;
}

/** Issue 14: shared limits (migration 004). */
export interface AuthFailureWindowsTable {
  /** `s:` + source key, or `u:` + keyed digest of the lower-cased user name. */
  throttle_key: string;
  window_start: number;
  /** Failures in the window, attempts still being checked included. */
  failures: number;
}

export interface AuthKnownSourcesTable {
  /** Keyed digest of lower-cased user name + source key. */
  pair_digest: string;
  seen_at: number;
}

export interface PartnerRateBucketsTable {
  partner_user_id: number;
  tokens: number;
  refilled_at: number;
  last_grant: number;
}

export interface ServiceKeysTable {
  name: string;
  value: string;
}

/** Issue 18: one row per record an import wrote (see migration 006). */
export interface ImportLedgerTable {
  kind: string;
  record_key: string;
  source_digest: string;
  state_digest: string;
  secret_hash: string;
  imported_at: number;
}

/** Issue 19: API keys, kept as SHA-256 digests (migration 007). */
export interface ApiKeysTable {
  id: Generated<number>;
  partner_user_id: number;
  digest: string;
  prefix: string;
  read_only: number;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** Issue 19: Idempotency-Key claims and the answers they replay (migration 007). */
export interface IdempotencyKeysTable {
  partner_user_id: number;
  key: string;
  request_digest: string;
  state: 'claimed' | 'done';
  status: number | null;
  /** JSON object of header name to value. */
  headers: string | null;
  body: string | null;
  created_at: number;
  expires_at: number;
}

export interface Database {
  entities: EntitiesTable;
  partner_users: PartnerUsersTable;
  accounts: AccountsTable;
  account_tokens: AccountTokensTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  authorization_tokens: AuthorizationTokensTable;
  creating_account_tokens: CreatingAccountTokensTable;
  partner_license_keys: PartnerLicenseKeysTable;
  account_usage: AccountUsageTable;
  account_payments: AccountPaymentsTable;
  auth_failure_windows: AuthFailureWindowsTable;
  auth_known_sources: AuthKnownSourcesTable;
  partner_rate_buckets: PartnerRateBucketsTable;
  service_keys: ServiceKeysTable;
  import_ledger: ImportLedgerTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
}
