/** The README's settings table is the one derived from src/config (SETTINGS). */
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { settingsTable } from '../scripts/settings-table.js';

it('documents every setting exactly as declared', () => {
  const readme = fs.readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
  assert.ok(readme.includes(settingsTable()), 'README settings table is stale: regenerate with node --import tsx scripts/settings-table.ts');
});
