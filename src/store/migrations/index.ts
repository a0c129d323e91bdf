/**
 * Versioned migrations, in order. A new one is a new file here; a shipped one never changes.
 *
 * A release's migrations keep the previous release working on the migrated database, because
 * instances are upgraded one at a time and the older ones run on it meanwhile (docs/scale-out.md,
 * create-db.ts `migrate`): add tables, columns with defaults, indexes; drop or rename only what
 * no release still running reads (the release after the one that stopped reading it).
 */
import type { Kysely } from 'kysely';
import type { EngineTraits } from '../dialect.js';
import * as m001 from './001-initial.js';
import * as m002 from './002-catalogue.js';
import * as m003 from './003-credential-generation.js';
import * as m004 from './004-shared-limits.js';
import * as m005 from './005-partner-lifecycle.js';
import * as m006 from './006-import-ledger.js';
import * as m007 from './007-api-access.js';
import * as m008 from './008-sandbox.js';

interface VersionedMigration {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's documented type for migrations
  up(db: Kysely<any>, traits: EngineTraits): Promise<void>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  down?(db: Kysely<any>, traits: EngineTraits): Promise<void>;
}

export const MIGRATIONS: Readonly<Record<string, VersionedMigration>> = {
  '001-initial': m001,
  '002-catalogue': m002,
  '003-credential-generation': m003,
  '004-shared-limits': m004,
  '005-partner-lifecycle': m005,
  '006-import-ledger': m006,
  '007-api-access': m007,
  '008-sandbox': m008,
};
