// Requests the client no longer wants (the user typed on in Ctrl+T, closed the matrix, asked
// again) are answered with RequestCancelled instead of being computed: the check runs before
// the work starts (server.ts, once the events before the request are handled) and between the
// awaits of the ones that await (exports, the import preview, Compare Coders).
//
// Node reads a $/cancelRequest, a keystroke or any other message only when the event loop is
// free, so a long synchronous computation cannot see them while it runs. The long analysis
// requests (framework matrix and its cells, charts and the co-occurrence, coded segments and
// queries) are therefore core computations that pause (core/text/steps.ts), and runSliced runs
// them in slices of SLICE_MS with the event loop's turn between: a cancellation ends the
// computation at the next pause, and a keystroke or a hover is handled meanwhile instead of
// after it.
// The views' counts are kept between requests (core/analysis/recount.ts): what runs in slices
// for them is bringing those up to date (AnalysisCache.ready, pausing between transcripts);
// the answer is then made from them at once, on the version they were brought to.
//
// A computation must still see one version of the project. It cannot keep a snapshot cheaply:
// a keystroke in an open transcript shifts the live Coding objects and the speaker turns in
// place (core/project/project.ts, editTranscript), so a snapshot would be a copy of every coding
// and text per request. Instead it starts over when the project's version moved while it was
// paused (what the next request would see anyway), and a result is always computed from start
// to end on one version. So that typing cannot starve a view, the RESTARTS-th start runs to its
// end without pausing, as every request did before.
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';
import { runSteps, type Steps } from './core/text/steps';

export function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
}

/** Work done before the event loop gets its turn: a keystroke behind an analysis waits about this long. */
export const SLICE_MS = 12;
/** Starts of a computation on a project that keeps changing before one runs to its end without pausing. */
export const RESTARTS = 3;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `compute()` in slices, letting the event loop run between them. Throws RequestCancelled
 * when the token is cancelled at a pause; starts `compute()` again when `version()` (the
 * project's) changed during a pause, at most RESTARTS times in all.
 */
export async function runSliced<T>(compute: () => Steps<T>, token: CancellationToken | undefined, version: () => number): Promise<T> {
  running++;
  try {
    for (let start = 1; ; start++) {
      throwIfCancelled(token);
      const steps = compute();
      if (start === RESTARTS) return runSteps(steps);
      const r = await sliceOnce(steps, token, version);
      if (r) return r.value;
    }
  } finally {
    running--;
  }
}

/** Requests' sliced computations under way. */
let running = 0;
/** Whether a request's computation is under way: idle work (analysisWarmup.ts) waits, not to halve its pace. */
export const requestRunning = (): boolean => running > 0;

/**
 * One start of a sliced computation: its result, or undefined when it was ended at a pause
 * because the token was cancelled or `version()` moved (the caller decides whether to start
 * again: runSliced for a request, analysisWarmup.ts once the project is quiet). `worked` gets
 * each slice's length.
 */
export async function sliceOnce<T>(steps: Steps<T>, token: CancellationToken | undefined, version: () => number, worked?: (ms: number) => void, pause: () => Promise<void> = turn): Promise<{ value: T } | undefined> {
  const from = version();
  let sliceStart = performance.now();
  let sliceEnd = sliceStart + SLICE_MS;
  for (;;) {
    const r = steps.next();
    if (r.done) {
      worked?.(performance.now() - sliceStart);
      return { value: r.value };
    }
    const now = performance.now();
    if (now < sliceEnd) continue;
    worked?.(now - sliceStart);
    await pause();
    if (token?.isCancellationRequested || version() !== from) break;
    sliceStart = performance.now();
    sliceEnd = sliceStart + SLICE_MS;
  }
  steps.return(undefined as never);
  return undefined;
}
