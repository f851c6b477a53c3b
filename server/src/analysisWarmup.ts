// The analysis views' counts made in idle time after start-up, so that the first Framework
// Matrix (or Coded Segments, or chart) a student opens finds them counted instead of counting
// 50,000 codings while its page loads (issue 17.8: that first count was the p95 of the matrix's
// first paint).
//
// What it makes is what the matrix view asks for first (codes × informants, codings, every
// coder): the kept segments of every transcript and the codings tally (core/analysis/recount.ts),
// then that answer. It starts once the project has not changed for QUIET_MS after qda/ready (so
// it never delays ready, nor the burst of opens and requests the editor sends right after it),
// runs in slices like every long analysis (cancellation.ts) so a keystroke, a hover or a request
// is handled between them, and, when an edit changes the project during a pause, stops there and
// starts again once the project is quiet again: the transcripts it already counted stay counted
// (the kept counts are consistent at every pause), so a start after an edit counts only the rest.
// A request that comes meanwhile uses the same cache and finds part of the work done; while one
// runs, the warm-up waits at its pause rather than take every other slice from it.
import type { CancellationToken } from 'vscode-languageserver';
import type { ServerWorkspace } from './workspace';
import type { MatrixParams } from './protocol';
import { requestRunning, sliceOnce } from './cancellation';
import { matrix } from './features/matrix';

/** The Framework Matrix view's first question (client/src/matrixView.ts, MatrixPanel.params). */
export const FIRST_MATRIX: MatrixParams = { rows: 'codes', cols: 'informants', count: 'codings', coder: '' };
/** How long the project must stay unchanged before the warm-up starts (again). */
export const QUIET_MS = 200;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref?.());
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The wait between two slices: a turn of the event loop, and as long as a request computes. */
async function pause(): Promise<void> {
  await turn();
  while (requestRunning()) await sleep(10);
}

export interface WarmupReport {
  /** Whether it ran to its end (false: stopped by the token). */
  done: boolean;
  /** Starts: 1 when no edit came during it, one more per edit that stopped it at a pause. */
  starts: number;
  /** Milliseconds of work (slices), not counting the quiet waits and the other work between slices. */
  workMs: number;
}

/** Makes the first matrix's counts in idle time; resolves when they are made, or when `stop` is cancelled. */
export async function warmAnalysis(ws: ServerWorkspace, stop?: CancellationToken, quietMs = QUIET_MS): Promise<WarmupReport> {
  let starts = 0;
  let workMs = 0;
  for (;;) {
    // Quiet: no change of the project for quietMs, and every event before now handled.
    for (let before = -1; before !== ws.project.version; ) {
      before = ws.project.version;
      await sleep(quietMs);
      await ws.settled();
      if (stop?.isCancellationRequested) return { done: false, starts, workMs };
    }
    starts++;
    const r = await sliceOnce(matrix(ws, FIRST_MATRIX), stop, () => ws.project.version, (ms) => (workMs += ms), pause);
    if (r) return { done: true, starts, workMs };
    if (stop?.isCancellationRequested) return { done: false, starts, workMs };
  }
}
