// Text search (see index.ts): edit distance, and approximate matching of a pattern in a text.
//
// The project's one Levenshtein distance: re-anchoring compares a coding's stored context with
// the text around a fuzzy match (UTF-16 code units, as every offset of the project), the
// codebook checks compare code names (code points, so that an accented letter written as one
// code point or an emoji counts as one edit). Before issue 16 each had its own copy.
import approxSearch from 'approx-string-match';

/** What one edit is counted on: UTF-16 code units, or Unicode code points. */
export type EditUnit = 'utf16' | 'codePoint';

/**
 * The Levenshtein distance of `a` and `b` (insertions, deletions and substitutions, each 1),
 * in `unit`s. With `max`, the computation stops as soon as every alignment costs more than
 * `max`, and returns a number above `max` (not necessarily the distance): enough for "is it
 * within max", and cheap for strings that are far apart.
 */
export function levenshtein(a: string, b: string, max = Infinity, unit: EditUnit = 'utf16'): number {
  if (a === b) return 0;
  return unit === 'codePoint' ? distance(codePoints(a), codePoints(b), max) : distance(codeUnits(a), codeUnits(b), max);
}

function codeUnits(s: string): Int32Array {
  const out = new Int32Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function codePoints(s: string): Int32Array {
  const out = new Int32Array(s.length);
  let n = 0;
  // Iterating a string goes by code points (a lone surrogate is one of its own).
  for (const ch of s) out[n++] = ch.codePointAt(0)!;
  return out.subarray(0, n);
}

/** The dynamic programme over two rows, abandoned once a whole row exceeds `max`. */
function distance(a: Int32Array, b: Int32Array, max: number): number {
  const m = b.length;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const sub = prev[j - 1] + (ai === b[j - 1] ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      const v = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return rowMin;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

/** One approximate occurrence of a pattern: text[start, end) with `errors` edits. */
export interface ApproximateMatch {
  start: number;
  end: number;
  errors: number;
}

/**
 * The best approximate occurrences of `pattern` in `text` with at most `maxErrors` edits
 * (UTF-16 code units), by Myers' bit-parallel algorithm (the approx-string-match package, as
 * the Hypothesis client uses it for the same job).
 */
export function approximateMatches(text: string, pattern: string, maxErrors: number): ApproximateMatch[] {
  return approxSearch(text, pattern, maxErrors);
}
