// Anchoring (see index.ts): re-anchoring after outside changes (git, another editor, a script).
// `reanchor` places each coding again: by its offsets, then (when the old text is known)
// through a line mapping of old to new, then by its exact text with context nearest the
// expected position, then fuzzily (bounded error), else it is kept as an orphan. Never dropped.
// The generic string algorithms it uses live in core/text/search.
import type { Coding } from '../model/model';
import { LineMap, QGramIndex, approximateMatches, levenshtein } from '../text/search';
import { clamp, makeQuoteSelector, splitsPair } from './selector';

export type AnchorStatus = 'kept' | 'moved' | 'fuzzy' | 'orphaned';

export interface ReanchorResult {
  /** A copy with updated offsets and selectors (orphans: offsets clamped, selectors as they were). */
  coding: Coding;
  status: AnchorStatus;
  /** For fuzzy matches: similarity of the passage found to `exact`, 1 - errors / length. */
  score?: number;
}

export interface ReanchorOptions {
  /** Largest edit distance of a fuzzy match, as a share of the passage length. Default 0.2. */
  maxErrorRate?: number;
}

/** Characters of quote plus matching context a match elsewhere needs to be believed. */
const MIN_EVIDENCE = 16;
/** Shortest passage that may be matched fuzzily. */
const MIN_FUZZY_LENGTH = 8;
/** How far from the expected position the local searches look (beyond the passage). */
const LOCAL_RADIUS = 2048;

/**
 * Re-anchors codings after the text changed outside the editor. Results come in the order of
 * `codings`. Pass `oldText` (the text the codings' offsets refer to) when known: unchanged
 * lines are then mapped directly, and only codings in changed regions are searched.
 */
export function reanchor(
  codings: readonly Coding[],
  newText: string,
  oldText?: string,
  options: ReanchorOptions = {},
): ReanchorResult[] {
  const rate = options.maxErrorRate ?? 0.2;
  const n = codings.length;
  const results: (ReanchorResult | undefined)[] = new Array(n);
  /** New start of each resolved coding, for estimating where the others went. */
  const newStart = new Float64Array(n).fill(NaN);
  const expected = new Float64Array(n).fill(NaN);

  const place = (i: number, start: number, status: AnchorStatus, score?: number, end?: number): void => {
    const c = codings[i];
    const e = end ?? start + c.exact.length;
    const coding: Coding = { ...c, start, end: e, ...makeQuoteSelector(newText, start, e) };
    results[i] = score === undefined ? { coding, status } : { coding, status, score };
    newStart[i] = start;
  };

  // 1. Stored offsets.
  for (let i = 0; i < n; i++) {
    const c = codings[i];
    if (c.end - c.start === c.exact.length && c.end <= newText.length && newText.startsWith(c.exact, c.start)) {
      place(i, c.start, 'kept');
    }
  }

  // 2. Old text known: map unchanged lines.
  if (oldText !== undefined && oldText !== newText) {
    const map = new LineMap(oldText, newText);
    for (let i = 0; i < n; i++) {
      if (results[i]) continue;
      const c = codings[i];
      const est = map.map(c.start);
      if (est.exact && c.exact !== '' && newText.startsWith(c.exact, est.pos)) {
        place(i, est.pos, est.pos === c.start ? 'kept' : 'moved');
      } else expected[i] = est.pos;
    }
  }

  // 3. In text order, each coding not yet placed: first at its old offset shifted like the
  //    nearest placed coding before it (text inserted above moves everything below by one
  //    amount); else searched for near where it is expected (the line mapping's estimate, or
  //    that same shift): exact text with context, then anywhere; then fuzzy, likewise.
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => codings[x].start - codings[y].start || x - y);
  let index: QGramIndex | undefined;
  const getIndex = (): QGramIndex => (index ??= new QGramIndex(newText));
  let drift = 0;
  for (const i of order) {
    const c = codings[i];
    if (!results[i]) {
      const shifted = c.start + drift;
      if (c.exact !== '' && drift !== 0 && shifted >= 0 && newText.startsWith(c.exact, shifted) && hasEvidence(newText, shifted, c)) {
        place(i, shifted, 'moved');
      } else if (c.exact !== '') {
        const hint = clamp(Number.isNaN(expected[i]) ? shifted : expected[i], 0, newText.length);
        const exact = findExact(newText, c, hint, getIndex);
        const fuzzy =
          exact === undefined && c.exact.length >= MIN_FUZZY_LENGTH ? findFuzzy(newText, c, hint, rate, getIndex) : undefined;
        if (exact !== undefined) place(i, exact, 'moved');
        else if (fuzzy !== undefined) place(i, fuzzy.start, 'fuzzy', fuzzy.score, fuzzy.end);
      }
    }
    if (results[i]) drift = newStart[i] - c.start;
    else {
      const start = clamp(c.start, 0, newText.length);
      results[i] = { coding: { ...c, start, end: clamp(c.end, start, newText.length) }, status: 'orphaned' };
    }
  }
  return results as ReanchorResult[];
}

/** Matching context at a candidate: characters of prefix (from its end) and suffix (from its start). */
function contextAt(text: string, pos: number, len: number, c: Coding): { pre: number; suf: number } {
  let pre = 0;
  while (pre < c.prefix.length && pos - pre - 1 >= 0 && text.charCodeAt(pos - pre - 1) === c.prefix.charCodeAt(c.prefix.length - pre - 1)) pre++;
  let suf = 0;
  const end = pos + len;
  while (suf < c.suffix.length && end + suf < text.length && text.charCodeAt(end + suf) === c.suffix.charCodeAt(suf)) suf++;
  return { pre, suf };
}

/** A short passage found away from its place needs some of its context there too. */
function hasEvidence(text: string, pos: number, c: Coding, len = c.exact.length): boolean {
  const need = Math.min(MIN_EVIDENCE, c.exact.length + c.prefix.length + c.suffix.length);
  if (c.exact.length >= need) return true;
  const { pre, suf } = contextAt(text, pos, len, c);
  return c.exact.length + pre + suf >= need;
}

/** Hypothesis-style candidate score: quote 50, prefix 20, suffix 20, position 2. */
function candidateScore(text: string, pos: number, len: number, c: Coding, hint: number, quoteSimilarity: number): number {
  const { pre, suf } = contextAt(text, pos, len, c);
  const preSim = c.prefix.length ? pre / c.prefix.length : 1;
  const sufSim = c.suffix.length ? suf / c.suffix.length : 1;
  const posSim = 1 - Math.abs(pos - hint) / Math.max(1, text.length);
  return 50 * quoteSimilarity + 20 * preSim + 20 * sufSim + 2 * posSim;
}

/** Context agreement at a candidate, 0..2: shares of prefix and suffix that match. */
function contextScore(text: string, pos: number, len: number, c: Coding): number {
  const { pre, suf } = contextAt(text, pos, len, c);
  return (c.prefix.length ? pre / c.prefix.length : 1) + (c.suffix.length ? suf / c.suffix.length : 1);
}

/**
 * The exact passage near the expected position, or elsewhere. A local match wins unless one
 * elsewhere has clearly better context (at least one whole side more); among equals the
 * nearest wins. Short passages need some matching context (`hasEvidence`).
 */
function findExact(text: string, c: Coding, hint: number, getIndex: () => QGramIndex): number | undefined {
  const m = c.exact.length;
  const best = (positions: Iterable<number>): { pos: number; ctx: number } | undefined => {
    let found: { pos: number; ctx: number } | undefined;
    for (const pos of positions) {
      const ctx = contextScore(text, pos, m, c);
      if (!found || ctx > found.ctx || (ctx === found.ctx && Math.abs(pos - hint) < Math.abs(found.pos - hint))) found = { pos, ctx };
    }
    return found;
  };
  const ws = Math.max(0, hint - LOCAL_RADIUS);
  const we = Math.min(text.length, hint + m + LOCAL_RADIUS);
  const win = text.slice(ws, we);
  const local: number[] = [];
  for (let k = win.indexOf(c.exact); k >= 0; k = win.indexOf(c.exact, k + 1)) local.push(ws + k);
  const near = best(local);
  let chosen = near;
  if (!near || near.ctx < 1) {
    const far = best(getIndex().find(c.exact, 4096).filter((pos) => pos < ws || pos + m > we));
    if (far && (!near || far.ctx >= near.ctx + 1)) chosen = far;
  }
  if (chosen && hasEvidence(text, chosen.pos, c)) return chosen.pos;
  return undefined;
}

interface FuzzyMatch {
  start: number;
  end: number;
  score: number;
}

function findFuzzy(text: string, c: Coding, hint: number, rate: number, getIndex: () => QGramIndex): FuzzyMatch | undefined {
  const m = c.exact.length;
  const maxErrors = Math.floor(m * rate);
  if (maxErrors < 1) return undefined;
  let best: FuzzyMatch | undefined;
  let bestScore = -Infinity;
  const verify = (ws: number, we: number): void => {
    ws = Math.max(0, ws);
    we = Math.min(text.length, we);
    if (we - ws < m - maxErrors) return;
    for (const match of approximateMatches(text.slice(ws, we), c.exact, maxErrors)) {
      let start = ws + match.start;
      let end = ws + match.end;
      if (splitsPair(text, start)) start--;
      if (splitsPair(text, end)) end++;
      const sim = 1 - match.errors / m;
      const score = candidateScore(text, start, end - start, c, hint, sim) - Math.abs(end - start - m) * 0.01;
      if (score > bestScore) {
        bestScore = score;
        best = { start, end, score: Math.round(sim * 1000) / 1000 };
      }
    }
  };
  // Tight around the expected position first (cheap, and enough after a local edit), then wider.
  const slack = maxErrors + 16;
  verify(hint - slack, hint + m + slack);
  const wide = Math.min(LOCAL_RADIUS, 2 * m);
  if (best === undefined) verify(hint - wide - maxErrors, hint + m + wide + maxErrors);
  if (best === undefined) {
    for (const [lo, hi] of getIndex().candidateRegions(c.exact, maxErrors, 4)) verify(lo - maxErrors, hi + m + maxErrors);
  }
  if (best === undefined) return undefined;
  const found = best as FuzzyMatch;
  if (!hasEvidence(text, found.start, c, found.end - found.start)) return undefined;
  // The passage only resembles the quote: its surroundings must resemble the stored context
  // on at least one side (an interviewer echoing an informant's words is not the passage).
  const preErr = c.prefix ? levenshtein(c.prefix, text.slice(Math.max(0, found.start - c.prefix.length), found.start)) / c.prefix.length : 0;
  const sufErr = c.suffix ? levenshtein(c.suffix, text.slice(found.end, found.end + c.suffix.length)) / c.suffix.length : 0;
  if (Math.min(preErr, sufErr) > 0.5) return undefined;
  return found;
}
