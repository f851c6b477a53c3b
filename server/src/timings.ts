// QDA_TIMINGS=1: the server reports, on stderr, how long a transcript keystroke takes from
// the moment its didChange reaches the handler until the codings are shifted in the index
// (waiting in the inOrder queue included) — the figure the keystroke budget names, without
// the client's round trip — and the heap alive after start-up (after its full collection).
// `npm run bench` reads these lines. Off: one boolean test per change.
export const TIMINGS = process.env.QDA_TIMINGS === '1';

let timingLines: string[] = [];

/** Queues a timing line; written in batches (a pipe write per keystroke cost ~0.1 ms of it). */
export function reportTiming(event: string, ms: number): void {
  if (timingLines.length === 0) {
    setTimeout(() => {
      process.stderr.write(timingLines.join(''));
      timingLines = [];
    }, 50);
  }
  timingLines.push(`qda-timing ${event} ${ms.toFixed(4)}\n`);
}
