/**
 * What the readiness probe (observability/readiness.ts) asks of the database: does it answer,
 * and which migrations has it applied.
 */
import { DEFAULT_MIGRATION_TABLE, sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface DatabaseHealth {
  readonly pingDatabase: () => Promise<void>;
  readonly appliedMigrations: () => Promise<readonly string[]>;
}

export function databaseHealth(db: Kysely<Database>): DatabaseHealth {
  return {
    pingDatabase: async () => {
      await sql`SELECT 1`.execute(db);
    },
    appliedMigrations: async () => {
      const applied = await sql<{ name: string }>`SELECT name FROM ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
      return applied.rows.map((r) => r.name);
    },
  };
}
