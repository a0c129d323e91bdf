import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GOAL_ONE, goalOneBudget } from '../../bench/lib/goal-one.js';

test('a server spending exactly the budget meets each ratio exactly (throughput as the inverse of CPU per request)', () => {
  for (const [bare, peer] of [
    [13, 100],
    [29, 133],
    [42, 181],
  ] as const) {
    const budget = goalOneBudget({ bare, peer });
    assert.ok(Math.abs(bare / (bare + budget.aboveBareAllowedForBare) - GOAL_ONE.toBare) < 0.005, `bare ${bare}`);
    assert.ok(Math.abs(peer / (bare + budget.aboveBareAllowedForPeer) - GOAL_ONE.toPeer) < 0.01, `peer ${peer}`);
    assert.equal(budget.aboveBareAllowedForBoth, Math.min(budget.aboveBareAllowedForBare, budget.aboveBareAllowedForPeer));
  }
});

test("the sixth machine's run after aa87bab: both ratios left AMS 3 µs (it spent 20)", () => {
  // bench/README.md, "Goal 1 on every machine": H 31, P 105 beyond bare, A 20 with the line.
  assert.deepEqual(goalOneBudget({ bare: 31, peer: 31 + 105 }), {
    aboveBareAllowedForBare: 20.7,
    aboveBareAllowedForPeer: 3,
    aboveBareAllowedForBoth: 3,
  });
});

test('where the peer costs less than three bare requests beyond bare, no server meets 4 × the peer', () => {
  assert.ok(goalOneBudget({ bare: 42, peer: 42 + 100 }).aboveBareAllowedForPeer < 0);
});
