// Offsets of an old version of a text mapped into a new version: lines are paired first (lines
// that occur once in each, then their equal neighbours), and each stretch of changed lines gets
// a character diff (Myers' O(ND) algorithm) whose matching runs map exactly. Generic: knows
// nothing of codings (anchoring/reanchor.ts uses it). Offsets are UTF-16 code units.

function clamp(n: number, lo: number, hi: number): number {
  return n < lo ? lo : n > hi ? hi : n;
}

/** Binary search: index of the last element <= x in a sorted array (-1 when none). */
export function lastAtOrBefore(arr: Int32Array | number[], x: number, length = arr.length): number {
  let lo = 0;
  let hi = length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] <= x) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** Offsets where each line of `text` starts (the first is 0, then after every LF). */
export function lineStarts(text: string): Int32Array {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Int32Array(count);
  let k = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
  return starts;
}

/**
 * Maps offsets of an old text to a new one through the lines they share: lines that occur
 * once in each text are paired (so moved paragraphs are followed), the pairing is extended to
 * equal neighbouring lines (so repeated lines inside unchanged stretches are paired too).
 */
export class LineMap {
  private oldStarts: Int32Array;
  private newStarts: Int32Array;
  private oldToNew: Int32Array;
  /** For each old line, the nearest paired old line at or before it (-1 when none). */
  private prevPaired: Int32Array;

  constructor(
    private oldText: string,
    private newText: string,
  ) {
    this.oldStarts = lineStarts(oldText);
    this.newStarts = lineStarts(newText);
    const no = this.oldStarts.length;
    const nn = this.newStarts.length;
    const oldToNew = new Int32Array(no).fill(-1);
    const newToOld = new Int32Array(nn).fill(-1);
    const seen = new Map<string, { o: number; oc: number; n: number; nc: number }>();
    for (let i = 0; i < no; i++) {
      const key = this.oldLine(i);
      const v = seen.get(key);
      if (v) v.oc++;
      else seen.set(key, { o: i, oc: 1, n: -1, nc: 0 });
    }
    for (let j = 0; j < nn; j++) {
      const v = seen.get(this.newLine(j));
      if (v) {
        v.nc++;
        v.n = j;
      }
    }
    for (const v of seen.values()) {
      if (v.oc === 1 && v.nc === 1) {
        oldToNew[v.o] = v.n;
        newToOld[v.n] = v.o;
      }
    }
    const pair = (i: number, j: number): boolean => {
      if (i < 0 || j < 0 || i >= no || j >= nn || oldToNew[i] >= 0 || newToOld[j] >= 0) return false;
      if (this.oldLine(i) !== this.newLine(j)) return false;
      oldToNew[i] = j;
      newToOld[j] = i;
      return true;
    };
    // The texts' common first and last lines, then neighbours of every pair.
    for (let i = 0; pair(i, i); i++);
    for (let i = no - 1, j = nn - 1; pair(i, j); i--, j--);
    for (let i = 0; i < no; i++) if (oldToNew[i] >= 0) pair(i + 1, oldToNew[i] + 1);
    for (let i = no - 1; i >= 0; i--) if (oldToNew[i] >= 0) pair(i - 1, oldToNew[i] - 1);
    this.oldToNew = oldToNew;
    this.prevPaired = new Int32Array(no);
    for (let i = 0, last = -1; i < no; i++) {
      if (oldToNew[i] >= 0) last = i;
      this.prevPaired[i] = last;
    }
  }

  private oldLine(i: number): string {
    return this.oldText.slice(this.oldStarts[i], i + 1 < this.oldStarts.length ? this.oldStarts[i + 1] : this.oldText.length);
  }
  private newLine(j: number): string {
    return this.newText.slice(this.newStarts[j], j + 1 < this.newStarts.length ? this.newStarts[j + 1] : this.newText.length);
  }

  /**
   * The new offset of an old one: exact when its line was paired or, inside a stretch of
   * changed lines, when a character diff of that stretch shows it unchanged; else estimated.
   */
  map(offset: number): { pos: number; exact: boolean } {
    offset = clamp(offset, 0, this.oldText.length);
    const i = lastAtOrBefore(this.oldStarts, offset);
    const k = i >= 0 ? this.prevPaired[i] : -1;
    if (k === i) {
      return { pos: clamp(this.newStarts[this.oldToNew[k]] + (offset - this.oldStarts[k]), 0, this.newText.length), exact: true };
    }
    const region = this.region(k + 1);
    if (region) return region.map(offset);
    if (k >= 0) {
      return { pos: clamp(this.newStarts[this.oldToNew[k]] + (offset - this.oldStarts[k]), 0, this.newText.length), exact: false };
    }
    return { pos: clamp(offset, 0, this.newText.length), exact: false };
  }

  private regions = new Map<number, RegionDiff | null>();

  /** The character diff of the stretch of unpaired old lines starting at line `first`,
   * against the new lines between the same paired neighbours (null when they cross). */
  private region(first: number): RegionDiff | null {
    let r = this.regions.get(first);
    if (r !== undefined) return r;
    r = null;
    let next = first;
    while (next < this.oldToNew.length && this.oldToNew[next] < 0) next++;
    const j0 = first > 0 ? this.oldToNew[first - 1] + 1 : 0;
    const j1 = next < this.oldToNew.length ? this.oldToNew[next] : this.newStarts.length;
    if (j1 >= j0) {
      const oS = this.oldStarts[first];
      const oE = next < this.oldStarts.length ? this.oldStarts[next] : this.oldText.length;
      const nS = j0 < this.newStarts.length ? this.newStarts[j0] : this.newText.length;
      const nE = j1 < this.newStarts.length ? this.newStarts[j1] : this.newText.length;
      r = new RegionDiff(this.oldText, oS, oE, this.newText, nS, nE);
    }
    this.regions.set(first, r);
    return r;
  }
}

/** Edit distance beyond which a changed stretch is not diffed (it is searched instead). */
const MAX_DIFF_EDITS = 256;
const MAX_DIFF_LENGTH = 1 << 18;

/**
 * Position mapping through a character diff (Myers' O(ND) algorithm) of old[oS, oE) against
 * new[nS, nE): offsets in runs both share map exactly; others are estimated.
 */
export class RegionDiff {
  /** Matching runs: old start, new start, length; sorted. */
  private runs: number[] = [];

  constructor(
    old: string,
    private oS: number,
    oE: number,
    neu: string,
    private nS: number,
    private nE: number,
  ) {
    // Common prefix and suffix first; Myers on what is left, if small enough.
    let p = 0;
    while (oS + p < oE && nS + p < nE && old.charCodeAt(oS + p) === neu.charCodeAt(nS + p)) p++;
    let q = 0;
    while (oE - q > oS + p && nE - q > nS + p && old.charCodeAt(oE - q - 1) === neu.charCodeAt(nE - q - 1)) q++;
    if (p > 0) this.runs.push(oS, nS, p);
    const a0 = oS + p;
    const b0 = nS + p;
    const n = oE - q - a0;
    const m = nE - q - b0;
    if (n > 0 && m > 0 && n + m <= MAX_DIFF_LENGTH) {
      const inner = myersRuns(old, a0, n, neu, b0, m, MAX_DIFF_EDITS);
      if (inner) this.runs.push(...inner);
    }
    if (q > 0) this.runs.push(oE - q, nE - q, q);
  }

  map(offset: number): { pos: number; exact: boolean } {
    const runs = this.runs;
    let est = this.nS + (offset - this.oS);
    for (let r = 0; r < runs.length; r += 3) {
      const [a, b, len] = [runs[r], runs[r + 1], runs[r + 2]];
      if (offset < a) break;
      if (offset < a + len) return { pos: b + (offset - a), exact: true };
      est = b + len + (offset - a - len);
    }
    return { pos: clamp(est, this.nS, this.nE), exact: false };
  }
}

/** Myers' greedy diff of a[a0, a0+n) and b[b0, b0+m); the matching runs (old start, new start,
 * length, in order), or undefined when more than maxD edits are needed. */
export function myersRuns(a: string, a0: number, n: number, b: string, b0: number, m: number, maxD: number): number[] | undefined {
  const off = maxD + 1;
  const v = new Int32Array(2 * maxD + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= maxD; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a.charCodeAt(a0 + x) === b.charCodeAt(b0 + y)) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        // Walk back through the saved frontiers, collecting the diagonals (runs).
        const runs: number[] = [];
        let cx = n;
        let cy = m;
        for (let dd = d; dd >= 0; dd--) {
          const pv = trace[dd];
          const ck = cx - cy;
          let px: number;
          let py: number;
          if (dd === 0) {
            px = 0;
            py = 0;
          } else {
            const pk = ck === -dd || (ck !== dd && pv[off + ck - 1] < pv[off + ck + 1]) ? ck + 1 : ck - 1;
            px = pv[off + pk];
            py = px - pk;
            // The snake starts after the single edit from (px, py).
            const sx = pk === ck + 1 ? px : px + 1;
            const sy = sx - ck;
            if (cx > sx) runs.push(a0 + sx, b0 + sy, cx - sx);
            cx = px;
            cy = py;
            continue;
          }
          if (cx > px) runs.push(a0 + px, b0 + py, cx - px);
        }
        const out: number[] = [];
        for (let r = runs.length - 3; r >= 0; r -= 3) out.push(runs[r], runs[r + 1], runs[r + 2]);
        return out;
      }
    }
  }
  return undefined;
}
