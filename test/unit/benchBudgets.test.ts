// Issue 13, point 7: `npm run bench` checks each budget in ms against the budget scaled by the
// run's read+split baseline, so that a slow moment of the VM does not turn rows red.
import { strict as assert } from 'node:assert';
import { REFERENCE_BASELINE_MS, budgetScale, checkScaled } from '../../bench/budgets.mjs';

describe('bench budgets scaled by the run\'s baseline', () => {
  it('on a slow moment (baseline 1,046 ms) a figure within 3.3 times its budget passes, and beyond it fails', () => {
    assert.equal(REFERENCE_BASELINE_MS, 314);
    const { measured, factor } = budgetScale([1200, 1046, 900]);
    assert.equal(measured, 1046);
    assert.ok(Math.abs(factor - 1046 / 314) < 1e-9);
    // The slow moment: cold start 2,900 ms, keystroke 2.9 ms p95, tree 120 ms.
    assert.deepEqual(checkScaled(2900, 2000, factor).pass, true);
    assert.deepEqual(checkScaled(2.9, 1, factor).pass, true);
    assert.deepEqual(checkScaled(120, 50, factor).pass, true);
    // Slower than the machine explains: red.
    assert.deepEqual(checkScaled(3.5, 1, factor).pass, false);
    assert.ok(Math.abs(checkScaled(3.5, 1, factor).limit - 3.331) < 0.001);
  });

  it('never scales below the stated budget, and not at all without a reference baseline', () => {
    assert.equal(budgetScale([250, 260, 270]).factor, 1);
    assert.equal(checkScaled(1.2, 1, budgetScale([250]).factor).pass, false);
    assert.equal(budgetScale([1046], { defaultCorpus: false }).factor, 1);
    assert.equal(budgetScale([]).factor, 1);
  });
});
