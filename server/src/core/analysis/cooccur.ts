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

/** Codes by their normalised name as small integers, so that a pair of codes is a number. */
export class CodeNumbers {
  private readonly numbers = new Map<string, number>();

  of(code: string): number {
    const key = normalizeName(code);
    let i = this.numbers.get(key);
    if (i === undefined) this.numbers.set(key, (i = this.numbers.size));
    return i;
  }
}

/** Pair counts by pairKey, for text overlaps and for shared turns. */
export interface PairCounts {
  overlapping: Map<number, number>;
  sameTurn: Map<number, number>;
}

// Code numbers stay below 2^21, so a pair fits in a double exactly.
const PAIR = 2 ** 21;
const pairKey = (x: number, y: number): number => (x < y ? x * PAIR + y : y * PAIR + x);

/**
 * Adds the pairs among one document's segments. One sweep over the segments sorted by start,
 * keeping those still open: each meets only the ones it can overlap (by text, or by turn span),
 * not every other segment.
 */
export function countPairs(list: readonly AnalysisSegment[], numberOf: (s: AnalysisSegment) => number, into: PairCounts = { overlapping: new Map(), sameTurn: new Map() }): PairCounts {
  const bump = (counts: Map<number, number>, x: number, y: number, times: number): void => {
    if (x === y) return;
    const key = pairKey(x, y);
    counts.set(key, (counts.get(key) ?? 0) + times);
  };
  // Text overlaps: [start, end) intervals; shared turns: [firstTurn, lastTurn + 1).
  sweepPairs(list, (x) => x.start, (x) => x.end, numberOf, (x, y, times) => bump(into.overlapping, x, y, times));
  const inTurns = list.filter((x) => x.firstTurn >= 0);
  sweepPairs(inTurns, (x) => x.firstTurn, (x) => x.lastTurn + 1, numberOf, (x, y, times) => bump(into.sameTurn, x, y, times));
  return into;
}

/** Adds a document's pair counts to a total (sign 1), or takes them away again (-1). */
export function addPairs(total: PairCounts, part: PairCounts, sign: 1 | -1): void {
  for (const measure of ['overlapping', 'sameTurn'] as const) {
    const into = total[measure];
    for (const [key, n] of part[measure]) {
      const v = (into.get(key) ?? 0) + sign * n;
      if (v === 0) into.delete(key);
      else into.set(key, v);
    }
  }
}

/**
 * Pairs of codes whose codings overlap or share a turn, in the same transcript. Codes are
 * named as the first segment of each spells it.
 */
export function cooccurrence(segments: readonly AnalysisSegment[]): Cooccurrence {
  return runSteps(cooccurrenceSteps(segments));
}

/**
 * cooccurrence, pausing every STEP segments and between transcripts once STEP segments were
 * swept (core/text/steps.ts). One transcript's sweep is one piece (cut in parts it was ~20%
 * slower), and so is the final ordering of the pairs.
 */
export function* cooccurrenceSteps(segments: readonly AnalysisSegment[]): Steps<Cooccurrence> {
  const numbers = new CodeNumbers();
  const names = new Map<number, string>();
  const numberOf = new Map<AnalysisSegment, number>();
  const byDoc = new Map<string, AnalysisSegment[]>();
  yield* inParts(segments.length, (from, to) => {
    for (let k = from; k < to; k++) {
      const s = segments[k];
      const i = numbers.of(s.code);
      if (!names.has(i)) names.set(i, s.code);
      numberOf.set(s, i);
      let list = byDoc.get(s.doc);
      if (!list) byDoc.set(s.doc, (list = []));
      list.push(s);
    }
  });
  const counts: PairCounts = { overlapping: new Map(), sameTurn: new Map() };
  let swept = 0;
  for (const list of byDoc.values()) {
    if (swept >= STEP) {
      swept = 0;
      yield;
    }
    countPairs(list, (s) => numberOf.get(s)!, counts);
    swept += list.length;
  }
  return cooccurrenceOf(names, counts);
}

/** The result from the codes present (number → name) and the pair counts. */
export function cooccurrenceOf(names: ReadonlyMap<number, string>, counts: PairCounts): Cooccurrence {
  const { overlapping, sameTurn } = counts;
  // Order codes once (500 names), then pairs by rank: collating 40,000 pairs' names was most of
  // the time. Names the collator deems equal are ordered by code unit, so the order does not
  // depend on the order the codes were met in.
  const collator = new Intl.Collator();
  const order = [...names.keys()].sort((x, y) => {
    const [a, b] = [names.get(x)!, names.get(y)!];
    return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
  });
  const n = order.length;
  const rank = new Int32Array(Math.max(0, ...order) + 1);
  order.forEach((code, r) => (rank[code] = r));
  // Each pair as one number, rank of the first code × n + rank of the second, sorted as numbers
  // (a typed array): sorting 40,000 tuples by a comparator took most of the time after an edit.
  const sorted = new Float64Array(overlapping.size + sameTurn.size);
  let size = 0;
  const add = (key: number): void => {
    const rx = rank[Math.floor(key / PAIR)];
    const ry = rank[key % PAIR];
    sorted[size++] = rx < ry ? rx * n + ry : ry * n + rx;
  };
  for (const key of overlapping.keys()) add(key);
  for (const key of sameTurn.keys()) if (!overlapping.has(key)) add(key);
  const ranked = sorted.subarray(0, size).sort();
  const named = order.map((code) => names.get(code)!);
  const pairs: CooccurrencePair[] = new Array(size);
  for (let i = 0; i < size; i++) {
    const rx = Math.floor(ranked[i] / n);
    const ry = ranked[i] % n;
    const key = pairKey(order[rx], order[ry]);
    pairs[i] = { a: named[rx], b: named[ry], overlapping: overlapping.get(key) ?? 0, sameTurn: sameTurn.get(key) ?? 0 };
  }
  return { codes: named, pairs };
}

/**
 * Calls `meet(a, b, times)` for every pair of codes with `times` pairs of intervals that
 * overlap. Intervals are taken in start order; the ones still open sit in a min-heap by end, and
 * their codes are counted, so each interval meets the distinct open codes, not every open interval
 * (a long turn with thousands of codings stays linear in its codings times the codes open).
 */
function sweepPairs<T>(items: readonly T[], startOf: (t: T) => number, endOf: (t: T) => number, codeOf: (t: T) => number, meet: (a: number, b: number, times: number) => void): void {
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
      const code = codeOf(pop());
      const left = openCodes.get(code)! - 1;
      if (left) openCodes.set(code, left);
      else openCodes.delete(code);
    }
    const code = codeOf(t);
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
