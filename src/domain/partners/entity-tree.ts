/**
 * Rules of the entity hierarchy that the operator changes (issue 17): which entities are in
 * force, which moves are allowed. Pure functions over a snapshot of the tree.
 */

export interface EntityNode {
  readonly id: number;
  readonly parentId: number | null;
  /** The operator's own switch on this entity. */
  readonly enabled: boolean;
}

/**
 * The entities in force: enabled themselves and every ancestor enabled. An entity that does not
 * reach a root (a cycle made by hand, a parent that is missing) is not in force: when in doubt,
 * a partner is refused rather than let in.
 */
export function effectiveActivity(nodes: readonly EntityNode[]): ReadonlyMap<number, boolean> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const result = new Map<number, boolean>();
  const resolve = (start: EntityNode): boolean => {
    const path: EntityNode[] = [];
    const seen = new Set<number>();
    let node: EntityNode | undefined = start;
    let verdict = false;
    // Climb until an entity whose answer is known, a root, or a node seen twice (a cycle).
    while (node !== undefined) {
      const known = result.get(node.id);
      if (known !== undefined) {
        verdict = known;
        break;
      }
      if (seen.has(node.id)) break;
      seen.add(node.id);
      path.push(node);
      if (node.parentId === null) {
        verdict = true;
        break;
      }
      node = byId.get(node.parentId);
    }
    // Walk back down: each entity is in force when its parent is and it is enabled itself.
    for (let i = path.length - 1; i >= 0; i--) {
      const step = path[i] as EntityNode;
      verdict = verdict && step.enabled;
      result.set(step.id, verdict);
    }
    return result.get(start.id) ?? false;
  };
  for (const node of nodes) resolve(node);
  return result;
}

/** The entity and every entity below it. */
export function subtreeOf(nodes: readonly EntityNode[], rootId: number): ReadonlySet<number> {
  const children = new Map<number, number[]>();
  for (const n of nodes) {
    if (n.parentId === null) continue;
    const list = children.get(n.parentId) ?? [];
    list.push(n.id);
    children.set(n.parentId, list);
  }
  const found = new Set<number>([rootId]);
  const queue = [rootId];
  while (queue.length > 0) {
    const id = queue.shift() as number;
    for (const child of children.get(id) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Why moving `entityId` under `newParentId` is refused, or undefined when it is allowed. */
export function refuseMove(nodes: readonly EntityNode[], entityId: number, newParentId: number | null): string | undefined {
  if (newParentId === null) return undefined;
  if (newParentId === entityId) return `entity ${entityId} cannot be its own parent`;
  if (!nodes.some((n) => n.id === newParentId)) return `parent entity ${newParentId} does not exist`;
  if (subtreeOf(nodes, entityId).has(newParentId)) {
    return `entity ${newParentId} is below entity ${entityId}: the move would make a cycle; nothing changed`;
  }
  return undefined;
}
