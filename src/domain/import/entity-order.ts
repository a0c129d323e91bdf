/**
 * Entities may be listed in any order, but a child can only be written after its parent.
 * All entity rows are read first (a tree of providers, not millions of rows) and handed on
 * parents first; rows on a parent cycle are rejected.
 */
import { RowProblem } from './row-checks.js';
import { noteRejection, type FileReport } from './report.js';
import type { SourceRow } from './run-import.js';

const MAX_ENTITY_ROWS = 1_000_000;

export async function orderEntities(rows: AsyncIterable<SourceRow>, report: FileReport): Promise<SourceRow[]> {
  const all: SourceRow[] = [];
  for await (const row of rows) {
    if (all.length >= MAX_ENTITY_ROWS) throw new RowProblem(`entities.csv has more than ${MAX_ENTITY_ROWS} rows`);
    all.push(row);
  }
  const idOf = (row: SourceRow): string | undefined => ('values' in row ? row.values.id : undefined);
  const parentOf = (row: SourceRow): string => ('values' in row ? (row.values.parent_id ?? '') : '');
  const inFile = new Set(all.map(idOf).filter((id): id is string => id !== undefined && id !== ''));
  const children = new Map<string, SourceRow[]>();
  const ordered: SourceRow[] = [];
  for (const row of all) {
    const parent = parentOf(row);
    if (parent !== '' && inFile.has(parent) && parent !== idOf(row)) {
      const list = children.get(parent) ?? [];
      list.push(row);
      children.set(parent, list);
    } else {
      ordered.push(row);
    }
  }
  const placed = new Set<SourceRow>(ordered);
  // Breadth-first from the rows whose parent is outside the file (or none).
  for (let i = 0; i < ordered.length; i++) {
    const id = idOf(ordered[i]!);
    for (const child of (id !== undefined ? children.get(id) : undefined) ?? []) {
      if (placed.has(child)) continue;
      placed.add(child);
      ordered.push(child);
    }
    if (id !== undefined) children.delete(id);
  }
  for (const row of all) if (!placed.has(row)) noteRejection(report, row.line, 'the entity is on a parent_id cycle');
  return ordered;
}
