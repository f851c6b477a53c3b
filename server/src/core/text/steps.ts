// Long computations that can pause. A computation over the whole project (the segments of an
// analysis, the framework matrix, the co-occurrence) is written once, as a generator that
// pauses (`yield`) every STEP items of its loops and returns its result. The CLI, the exports
// and core's own callers run it to its end at once (runSteps); the language server runs it in
// slices and lets the event loop read a cancellation and the next keystroke between them
// (server/src/cancellation.ts). A pause costs a counter and a comparison per item when nobody
// pauses, so one implementation serves both.

/** A computation that pauses now and then and returns a T. */
export type Steps<T> = Generator<void, T, void>;

/**
 * Items a loop handles between two pauses: a fraction of a millisecond of work on the bench
 * corpus, so that whoever drives the computation can stop it soon after it is asked to.
 */
export const STEP = 2048;

/** The computation was stopped before its end (runSteps' `stop` said so). */
export class Stopped extends Error {
  constructor() {
    super('The computation was stopped.');
  }
}

/**
 * Runs a computation to its end and returns its result. `stop`, when given, is asked at every
 * pause; when it says true the computation ends there with Stopped.
 */
export function runSteps<T>(steps: Steps<T>, stop?: () => boolean): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (stop?.()) {
      steps.return(undefined as never);
      throw new Stopped();
    }
  }
}

/**
 * Runs `part(from, to)` over [0, n) in parts of STEP items, pausing between them. The loop over
 * the items belongs in `part`, a plain function: V8 optimizes a long loop of a plain function
 * while it runs, not one in a generator's own body (measured 1.5–3 times slower on the bench
 * corpus), so a computation keeps its loops out of its generator.
 */
export function* inParts(n: number, part: (from: number, to: number) => void): Steps<void> {
  for (let from = 0; from < n; from += STEP) {
    if (from > 0) yield;
    part(from, Math.min(n, from + STEP));
  }
}
