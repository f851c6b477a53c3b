// REFI-QDA counts positions in Unicode code points (spec §10.2); the project's files store
// UTF-16 offsets as VS Code does. Conversion happens only here, at the exchange boundary.

/** Offsets (sorted, ascending) of the second unit of every surrogate pair in `text`. */
function lowSurrogates(text: string): number[] {
  const out: number[] = [];
  // Most transcripts have no character outside the BMP: one regex scan settles it.
  if (!/[\uD800-\uDBFF]/.test(text)) return out;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push(i + 1);
        i++;
      }
    }
  }
  return out;
}

function countBelow(sorted: readonly number[], x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class PositionMap {
  private readonly lows: number[];
  /** Code-point index of each low surrogate, for the inverse mapping. */
  private readonly lowCps: number[];
  readonly codePoints: number;

  constructor(readonly text: string) {
    this.lows = lowSurrogates(text);
    this.lowCps = this.lows.map((u, i) => u - 1 - i);
    this.codePoints = text.length - this.lows.length;
  }

  /** UTF-16 offset → code points; undefined inside a surrogate pair or outside the text. */
  toCodePoints(offset: number): number | undefined {
    if (!Number.isInteger(offset) || offset < 0 || offset > this.text.length) return undefined;
    const n = countBelow(this.lows, offset);
    if (this.lows[n] === offset) return undefined;
    return offset - n;
  }

  /** Code points → UTF-16 offset; undefined outside the text. */
  toUtf16(cp: number): number | undefined {
    if (!Number.isInteger(cp) || cp < 0 || cp > this.codePoints) return undefined;
    // Every pair whose code point lies before cp adds one unit.
    return cp + countBelow(this.lowCps, cp);
  }
}
