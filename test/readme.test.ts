/** The README's settings and operation tables are the ones derived from src/config (SETTINGS) and src/contract (OPERATIONS). */
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { operationsTable } from '../scripts/operations-table.js';
import { settingsTable } from '../scripts/settings-table.js';

it('documents every setting exactly as declared', () => {
  const readme = fs.readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
  assert.ok(readme.includes(settingsTable()), 'README settings table is stale: regenerate with node --import tsx scripts/settings-table.ts');
});

it('lists every operation exactly as the contract declares it', () => {
  const readme = fs.readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
  assert.ok(readme.includes(operationsTable()), 'README operation table is stale: regenerate with node --import tsx scripts/operations-table.ts');
});
