// Text search (see index.ts): the q-gram index. Offsets are UTF-16 code units.

/**
 * Positions of every q-gram of a text, bucketed by hash: finds where a string (of q or more
 * units) occurs without scanning the text, and where an approximate match may lie.
 * Built in O(n) the first time a coding has to be searched for beyond its neighbourhood.
 */
export class QGramIndex {
  static readonly Q = 8;
  private hashes: Uint32Array;
  private bucketStart: Int32Array;
  private positions: Int32Array;
  private mask: number;

  constructor(private text: string) {
    const q = QGramIndex.Q;
    const count = Math.max(0, text.length - q + 1);
    let size = 1024;
    while (size < count && size < 1 << 22) size <<= 1;
    this.mask = size - 1;
    this.hashes = new Uint32Array(count);
    if (count > 0) this.hashes[0] = hashAt(text, 0, q);
    // Rolling hash: h(i+1) = (h(i) - c(i) * B^(q-1)) * B + c(i+q)
    const B = 0x01000193;
    let pow = 1;
    for (let k = 0; k < q - 1; k++) pow = Math.imul(pow, B);
    for (let i = 1; i < count; i++) {
      const h = Math.imul((this.hashes[i - 1] - Math.imul(text.charCodeAt(i - 1), pow)) | 0, B) + text.charCodeAt(i + q - 1);
      this.hashes[i] = h >>> 0;
    }
    const counts = new Int32Array(size + 1);
    for (let i = 0; i < count; i++) counts[(this.hashes[i] & this.mask) + 1]++;
    for (let b = 0; b < size; b++) counts[b + 1] += counts[b];
    this.bucketStart = counts.slice();
    const fill = counts;
    this.positions = new Int32Array(count);
    for (let i = 0; i < count; i++) this.positions[fill[this.hashes[i] & this.mask]++] = i;
  }

  /** Positions where the q-gram gram (length Q) occurs, at most `limit` + 1 of them. */
  private gram(gram: string, limit: number): number[] {
    const h = hashAt(gram, 0, QGramIndex.Q);
    const b = h & this.mask;
    const out: number[] = [];
    for (let k = this.bucketStart[b]; k < this.bucketStart[b + 1]; k++) {
      const p = this.positions[k];
      if (this.hashes[p] === h && this.text.startsWith(gram, p)) {
        out.push(p);
        if (out.length > limit) break;
      }
    }
    return out;
  }

  private bucketSize(gram: string): number {
    const b = hashAt(gram, 0, QGramIndex.Q) & this.mask;
    return this.bucketStart[b + 1] - this.bucketStart[b];
  }

  /** Every position of `needle` (up to `limit`). */
  find(needle: string, limit: number): number[] {
    const q = QGramIndex.Q;
    const out: number[] = [];
    if (needle.length < q) {
      for (let k = this.text.indexOf(needle); k >= 0 && out.length < limit; k = this.text.indexOf(needle, k + 1)) out.push(k);
      return out;
    }
    // Look up the rarest of a few of its q-grams, verify each hit.
    let bestOff = 0;
    let bestSize = Infinity;
    for (const off of [0, needle.length - q, (needle.length - q) >> 1, (needle.length - q) >> 2, (3 * (needle.length - q)) >> 2]) {
      const size = this.bucketSize(needle.slice(off, off + q));
      if (size < bestSize) {
        bestSize = size;
        bestOff = off;
      }
    }
    for (const p of this.gram(needle.slice(bestOff, bestOff + q), Infinity)) {
      const start = p - bestOff;
      if (start >= 0 && this.text.startsWith(needle, start)) {
        out.push(start);
        if (out.length >= limit) break;
      }
    }
    return out.sort((x, y) => x - y);
  }

  /**
   * Regions [lo, hi] of likely starts of an approximate match of `pattern`: its q-grams vote
   * for diagonals (text position - pattern offset); the best-voted clusters are returned.
   */
  candidateRegions(pattern: string, maxErrors: number, maxRegions: number): [number, number][] {
    const q = QGramIndex.Q;
    if (pattern.length < q) return [];
    const diags: number[] = [];
    const pieces = Math.min(64, Math.floor(pattern.length / q));
    const step = (pattern.length - q) / Math.max(1, pieces - 1);
    for (let k = 0; k < pieces; k++) {
      const off = Math.round(k * step);
      const hits = this.gram(pattern.slice(off, off + q), 64);
      if (hits.length > 64) continue; // too common to tell anything
      for (const p of hits) diags.push(p - off);
    }
    diags.sort((x, y) => x - y);
    const clusters: { lo: number; hi: number; votes: number }[] = [];
    for (const d of diags) {
      const last = clusters[clusters.length - 1];
      if (last && d - last.hi <= maxErrors + q) {
        last.hi = d;
        last.votes++;
      } else clusters.push({ lo: d, hi: d, votes: 1 });
    }
    clusters.sort((x, y) => y.votes - x.votes);
    return clusters.slice(0, maxRegions).map((cl) => [cl.lo, cl.hi]);
  }
}

function hashAt(text: string, start: number, q: number): number {
  const B = 0x01000193;
  let h = 0;
  for (let k = 0; k < q; k++) h = (Math.imul(h, B) + text.charCodeAt(start + k)) | 0;
  return h >>> 0;
}
