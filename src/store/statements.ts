/**
 * The statements a hot call makes every time, compiled once per store and shared by the store's
 * repositories and every transaction's (each transaction builds its own repositories, so
 * statements compiled per repository were compiled again in every transaction). Building and
 * compiling a Kysely query costs more than running a small indexed SQLite statement: the
 * in-tree look-up ~27 µs against ~5 µs (bench/README.md, issue 20, 12-06).
 *
 * What is here: the account look-up, a sign-in's reservation and give-back, and every write a
 * ChangeBackupAccountPassword makes (the password, the two token revocations, the audit record).
 * A statement is compiled on its first use (compileOnce, prepared-query.ts).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { accountStatements } from './repositories/accounts.js';
import { tokenStatements } from './repositories/tokens.js';
import { auditStatements } from './repositories/records.js';

export function storeStatements(db: Kysely<Database>) {
  return { accounts: accountStatements(db), tokens: tokenStatements(db), audit: auditStatements(db) };
}

export type StoreStatements = ReturnType<typeof storeStatements>;
