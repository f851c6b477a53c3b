// How `npm run bench` checks a budget in milliseconds on a machine whose speed drifts (issue 13,
// point 7). Shared by bench/run.mjs and its unit test (test/unit/benchBudgets.test.ts).

/**
 * The read+split baseline (median, spawn → exit, default corpus) of the run the budgets in
 * milliseconds were set for (docs/performance.md).
 */
export const REFERENCE_BASELINE_MS = 314;

/**
 * The factor every budget in ms is multiplied by: this run's baseline (the median of every
 * sample taken over the run) over the reference one, never below 1 — the stated budget is the
 * promise on the reference machine, and a lucky baseline sample (they vary by ±30% within
 * minutes) must not turn a figure that meets it red; catching a regression whatever the
 * machine's speed is what the ratios do. Only the default corpus has a reference baseline: 1
 * for any other.
 */
export function budgetScale(baselineSamples, { defaultCorpus = true, reference = REFERENCE_BASELINE_MS } = {}) {
  const s = [...baselineSamples].sort((a, b) => a - b);
  const measured = s.length ? s[Math.max(0, Math.ceil(0.5 * s.length) - 1)] : NaN;
  const factor = defaultCorpus && Number.isFinite(measured) ? Math.max(1, measured / reference) : 1;
  return { measured, factor };
}

/** A figure against its stated budget (`max`, for the reference baseline) at this scale. */
export function checkScaled(value, max, factor) {
  const limit = max * factor;
  return { limit, pass: value <= limit };
}
