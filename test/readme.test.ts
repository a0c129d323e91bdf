/**
 * The documents stay true and readable: the operation table in the README and the settings
 * table in docs/configuration.md are the ones derived from src/contract (OPERATIONS) and
 * src/config (SETTINGS), the README stays a front door (≤ 200 lines), and every relative link
 * in the README, docs/ and bench/README.md names a file that exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { operationsTable } from '../scripts/operations-table.js';
import { settingsTable } from '../scripts/settings-table.js';

const root = path.join(import.meta.dirname, '..');
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');
const documents = ['README.md', 'bench/README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

it('documents every setting exactly as declared', () => {
  assert.ok(read('docs/configuration.md').includes(settingsTable()), 'docs/configuration.md settings table is stale: regenerate with node --import tsx scripts/settings-table.ts');
});

it('keeps the README a front door of at most 200 lines', () => {
  const lines = read('README.md').split('\n').length;
  assert.ok(lines <= 200, `README.md has ${lines} lines; move detail into docs/`);
});

it('links only to files that exist', () => {
  const broken: string[] = [];
  for (const doc of documents) {
    for (const match of read(doc).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1]!;
      if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
      const file = target.split('#')[0]!;
      if (!fs.existsSync(path.join(root, path.dirname(doc), file))) broken.push(`${doc}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});

it('lists every operation exactly as the contract declares it', () => {
  assert.ok(read('README.md').includes(operationsTable()), 'README operation table is stale: regenerate with node --import tsx scripts/operations-table.ts');
});
