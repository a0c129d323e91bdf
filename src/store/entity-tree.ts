/**
 * The entity tree walks, written once. Entities form a tree through parent_id; an operator
 * could still make a cycle by hand, so every walk stops at a fixed depth instead of looping.
 */
import { sql, type RawBuilder } from 'kysely';

/** Deeper than any real reseller hierarchy; a walk that reaches it has met a cycle. */
export const ENTITY_TREE_MAX_DEPTH = 64;

/**
 * `up(id, parent_id, depth)`: the entity `seed` selects (as id, parent_id, 0) and its
 * ancestors towards the root, stopping after `stopAt` when given (the caller's own entity).
 */
export function entityAncestorsCte(seed: RawBuilder<unknown>, stopAt?: unknown): RawBuilder<unknown> {
  return sql`up(id, parent_id, depth) AS (
        ${seed}
        UNION ALL
        SELECT e.id, e.parent_id, up.depth + 1 FROM entities e JOIN up ON e.id = up.parent_id
        WHERE up.depth < ${sql.lit(ENTITY_TREE_MAX_DEPTH)}${stopAt === undefined ? sql`` : sql` AND up.id <> ${stopAt}`}
      )`;
}

/** A subquery: the ids of entity `rootId` and of everything below it. */
export function entityAndDescendants(rootId: number): RawBuilder<unknown> {
  return sql`WITH RECURSIVE tree(id, depth) AS (
      SELECT id, 0 FROM entities WHERE id = ${rootId}
      UNION ALL
      SELECT e.id, tree.depth + 1 FROM entities e JOIN tree ON e.parent_id = tree.id WHERE tree.depth < ${sql.lit(ENTITY_TREE_MAX_DEPTH)}
    )
    SELECT id FROM tree`;
}
