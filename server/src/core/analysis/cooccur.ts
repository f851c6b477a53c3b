// Co-occurrence of codes: for each pair of different codes, how many pairs of their codings
// overlap in the text, and how many share a speaker turn (in the same transcript). Pairs of
// codings are counted once, whoever the coders are.
import { normalizeName } from '../text/text';
import { csvDocument } from '../text/csv';
import type { AnalysisSegment } from './segments';
import { inParts, runSteps, STEP, type Steps } from '../text/steps';

export interface CooccurrencePair {
  a: string;
  b: string;
  /** Pairs of codings (one of each code) whose texts overlap. */
  overlapping: number;
  /** Pairs of codings (one of each code) that overlap a common speaker turn. */
  sameTurn: number;
}

export interface Cooccurrence {
  codes: string[];
  /** Every pair with a count above zero, a before b in code order. */
  pairs: CooccurrencePair[];
}

/**
 * One sweep per transcript over the codings sorted by start, keeping those still open: each
 * coding meets only the ones it can overlap (by text, or by turn span), not every other coding.
 */
export function cooccurrence(segments: readonly AnalysisSegment[]): Cooccurrence {
  return runSteps(cooccurrenceSteps(segments));
}

/** cooccurrence, pausing every STEP segments or pairs (core/text/steps.ts). */
export function* cooccurrenceSteps(segments: readonly AnalysisSegment[]): Steps<Cooccurrence> {
  // Codes by their normalised name (one code however a coding spells it), as small integers so
  // that a pair is a number, not a string.
  const indexOf = new Map<string, number>();
  const names: string[] = [];
  const codeOf = new Map<AnalysisSegment, number>();
  yield* inParts(segments.length, (from, to) => {
    for (let k = from; k < to; k++) {
      const s = segments[k];
      const key = normalizeName(s.code);
      let i = indexOf.get(key);
      if (i === undefined) {
        indexOf.set(key, (i = names.length));
        names.push(s.code);
      }
      codeOf.set(s, i);
    }
  });
  const n = names.length;
  const overlapping = new Map<number, number>();
  const sameTurn = new Map<number, number>();
  const bump = (counts: Map<number, number>, x: number, y: number, times = 1): void => {
    if (x === y) return;
    const key = x < y ? x * n + y : y * n + x;
    counts.set(key, (counts.get(key) ?? 0) + times);
  };
  const byDoc = new Map<string, AnalysisSegment[]>();
  yield* inParts(segments.length, (from, to) => {
    for (let k = from; k < to; k++) {
      const s = segments[k];
      let list = byDoc.get(s.doc);
      if (!list) byDoc.set(s.doc, (list = []));
      list.push(s);
    }
  });
  // One transcript's sweeps at a time, pausing between transcripts every STEP codings.
  let counted = 0;
  for (const list of byDoc.values()) {
    if (counted >= STEP) {
      counted = 0;
      yield;
    }
    sweepDoc(list, codeOf, overlapping, sameTurn, bump);
    counted += list.length;
  }
  // Order codes once (500 names), then pairs by rank: collating 40,000 pairs' names was most of the time.
  const collator = new Intl.Collator();
  const order = names.map((_, i) => i).sort((x, y) => collator.compare(names[x], names[y]));
  const rank = new Array<number>(n);
  order.forEach((code, r) => (rank[code] = r));
  const keyed: Array<[number, number, number]> = [];
  const keys = [...new Set([...overlapping.keys(), ...sameTurn.keys()])];
  yield* inParts(keys.length, (from, to) => {
    for (let i = from; i < to; i++) {
      const key = keys[i];
      const x = Math.floor(key / n);
      const y = key % n;
      keyed.push(rank[x] <= rank[y] ? [x, y, key] : [y, x, key]);
    }
  });
  keyed.sort((p, q) => rank[p[0]] - rank[q[0]] || rank[p[1]] - rank[q[1]]);
  const pairs = keyed.map(([a, b, key]) => ({ a: names[a], b: names[b], overlapping: overlapping.get(key) ?? 0, sameTurn: sameTurn.get(key) ?? 0 }));
  return { codes: order.map((i) => names[i]), pairs };
}

function sweepDoc(list: readonly AnalysisSegment[], codeOf: ReadonlyMap<AnalysisSegment, number>, overlapping: Map<number, number>, sameTurn: Map<number, number>, bump: (counts: Map<number, number>, x: number, y: number, times: number) => void): void {
  // Text overlaps: [start, end) intervals; shared turns: [firstTurn, lastTurn + 1).
  sweepPairs(list, (x) => x.start, (x) => x.end, codeOf, (x, y, times) => bump(overlapping, x, y, times));
  const inTurns = list.filter((x) => x.firstTurn >= 0);
  sweepPairs(inTurns, (x) => x.firstTurn, (x) => x.lastTurn + 1, codeOf, (x, y, times) => bump(sameTurn, x, y, times));
}

/**
 * Calls `meet(a, b, times)` for every pair of codes with `times` pairs of intervals that
 * overlap. Intervals are taken in start order; the ones still open sit in a min-heap by end, and
 * their codes are counted, so each interval meets the distinct open codes, not every open interval
 * (a long turn with thousands of codings stays linear in its codings times the codes open).
 */
function sweepPairs<T>(items: readonly T[], startOf: (t: T) => number, endOf: (t: T) => number, codeOf: ReadonlyMap<T, number>, meet: (a: number, b: number, times: number) => void): void {
  const sorted = [...items].sort((x, y) => startOf(x) - startOf(y));
  const heap: T[] = [];
  const openCodes = new Map<number, number>();
  const pop = (): T => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && endOf(heap[l]) < endOf(heap[m])) m = l;
        if (r < heap.length && endOf(heap[r]) < endOf(heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };
  const push = (t: T): void => {
    heap.push(t);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (endOf(heap[p]) <= endOf(heap[i])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  for (const t of sorted) {
    while (heap.length && endOf(heap[0]) <= startOf(t)) {
      const code = codeOf.get(pop())!;
      const left = openCodes.get(code)! - 1;
      if (left) openCodes.set(code, left);
      else openCodes.delete(code);
    }
    const code = codeOf.get(t)!;
    for (const [other, times] of openCodes) meet(other, code, times);
    push(t);
    openCodes.set(code, (openCodes.get(code) ?? 0) + 1);
  }
}

/** A code × code table of overlapping codings (the upper triangle mirrored). */
export function cooccurrenceTable(c: Cooccurrence, measure: 'overlapping' | 'sameTurn' = 'overlapping'): Array<Array<string | number>> {
  const index = new Map(c.codes.map((code, i) => [code, i]));
  const grid = c.codes.map(() => c.codes.map(() => 0));
  for (const p of c.pairs) {
    const i = index.get(p.a)!;
    const j = index.get(p.b)!;
    grid[i][j] = grid[j][i] = p[measure];
  }
  return [['code', ...c.codes], ...c.codes.map((code, i) => [code, ...grid[i]])];
}

export function cooccurrenceToCsv(c: Cooccurrence, measure: 'overlapping' | 'sameTurn' = 'overlapping'): string {
  return csvDocument(cooccurrenceTable(c, measure));
}
