/**
 * Operator actions that partners cannot do through SOAP (entities and partner API users), wired
 * to the database: the rules are in domain/partners/administration.ts, the rows in
 * store/repositories/administration.ts. Used by the CLI and by the first-start bootstrap.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { PasswordHasher } from '../domain/ports.js';
import * as administration from '../domain/partners/administration.js';
import { administrationStore } from '../store/repositories/administration.js';

export { AdminError } from '../domain/partners/administration.js';

/** A random secret that satisfies any sane policy: 24 URL-safe characters (144 bits). */
export function generateSecret(): string {
  return randomBytes(18).toString('base64url');
}

export function createEntity(
  db: Kysely<Database>,
  input: { readonly name: string; readonly parentId: number | null; readonly customerTypeCode?: string },
  now: Date,
): Promise<number> {
  return administration.createEntity(administrationStore(db), input, now);
}

export function createPartnerUser(
  db: Kysely<Database>,
  hasher: PasswordHasher,
  input: { readonly entityId: number; readonly username: string; readonly secret?: string },
  now: Date,
): Promise<{ readonly id: number; readonly secret: string }> {
  return administration.createPartnerUser({ store: administrationStore(db), hasher, generateSecret }, input, now);
}

export function bootstrapFirstPartner(
  db: Kysely<Database>,
  hasher: PasswordHasher,
  credentials: { readonly username: string | null; readonly password: string | null },
  now: Date,
): ReturnType<typeof administration.bootstrapFirstPartner> {
  return administration.bootstrapFirstPartner({ store: administrationStore(db), hasher, generateSecret }, credentials, now);
}
