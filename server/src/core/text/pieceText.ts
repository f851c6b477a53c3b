// An open document's text kept in chunks (issue 13, point 6). A keystroke replaces one chunk of
// a few KB instead of building the whole document anew: V8 makes `t.slice(0, s) + x +
// t.slice(e)` a rope and copies it into one new flat string the first time anything reads a
// character of it — for a 1 MB transcript a 1 MB large-object allocation and copy on every
// keystroke (~0.7 ms, several ms with the garbage collections it causes). Here a keystroke
// costs O(chunks); the whole string is built only when a reader asks for it (toString,
// memoised per version), so a burst of keystrokes between two readers costs one copy at most.

/**
 * What the readers of a text that may be chunked use; a string is one. Readers that only
 * slice, measure or look at single characters take a TextSource and never build the whole
 * string; `toString()` gives the whole string (memoised for a PieceText).
 */
export interface TextSource {
  readonly length: number;
  slice(start: number, end?: number): string;
  charCodeAt(index: number): number;
  toString(): string;
}

/** Target size of a chunk in UTF-16 units: a keystroke copies about this much. */
const CHUNK = 8192;

/** An immutable text in chunks; `edit` returns a new version sharing the untouched chunks. */
export class PieceText implements TextSource {
  private flat: string | undefined;

  private constructor(
    private readonly chunks: readonly string[],
    /** Offset of each chunk's first unit. */
    private readonly starts: readonly number[],
    readonly length: number,
  ) {}

  static from(text: string): PieceText {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += CHUNK) chunks.push(text.slice(i, i + CHUNK));
    if (chunks.length === 0) chunks.push('');
    const t = new PieceText(chunks, offsetsOf(chunks), text.length);
    t.flat = text;
    return t;
  }

  /** The text with [start, end) replaced by `text` (offsets clamped as String.slice's). */
  edit(start: number, end: number, text: string): PieceText {
    const s = clamp(start, 0, this.length);
    const e = clamp(end, s, this.length);
    const i = this.chunkAt(s);
    // The chunk where the replaced span ends (at a chunk boundary: the earlier chunk).
    let j = i;
    while (j + 1 < this.chunks.length && this.starts[j] + this.chunks[j].length < e) j++;
    const merged = this.chunks[i].slice(0, s - this.starts[i]) + text + this.chunks[j].slice(e - this.starts[j]);
    const pieces: string[] = [];
    if (merged.length > 2 * CHUNK) for (let k = 0; k < merged.length; k += CHUNK) pieces.push(merged.slice(k, k + CHUNK));
    else if (merged.length > 0) pieces.push(merged);
    const chunks = [...this.chunks.slice(0, i), ...pieces, ...this.chunks.slice(j + 1)];
    if (chunks.length === 0) chunks.push('');
    return new PieceText(chunks, offsetsOf(chunks), this.length - (e - s) + text.length);
  }

  slice(start: number, end: number = this.length): string {
    if (this.flat !== undefined) return this.flat.slice(start, end);
    const s = clamp(start < 0 ? this.length + start : start, 0, this.length);
    const e = clamp(end < 0 ? this.length + end : end, 0, this.length);
    if (e <= s) return '';
    let i = this.chunkAt(s);
    const first = this.chunks[i];
    const from = s - this.starts[i];
    if (e - this.starts[i] <= first.length) return first.slice(from, e - this.starts[i]);
    const parts = [first.slice(from)];
    for (i++; i < this.chunks.length && this.starts[i] < e; i++) parts.push(this.chunks[i].slice(0, e - this.starts[i]));
    return parts.join('');
  }

  charCodeAt(index: number): number {
    if (this.flat !== undefined) return this.flat.charCodeAt(index);
    if (!(index >= 0 && index < this.length)) return NaN;
    const i = this.chunkAt(index);
    return this.chunks[i].charCodeAt(index - this.starts[i]);
  }

  /** The whole text as one string, built once per version. */
  toString(): string {
    return (this.flat ??= this.chunks.join(''));
  }

  /** True when `text` is this text's whole string as already built (a pointer comparison). */
  builtAs(text: TextSource): boolean {
    return this.flat !== undefined && this.flat === text;
  }

  /** The chunk holding `offset` (the last one for offset = length). */
  private chunkAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** `text` with [start, end) replaced, without building a whole PieceText anew. */
export function spliceText(text: TextSource, start: number, end: number, insert: string): TextSource {
  return text instanceof PieceText ? text.edit(start, end, insert) : text.slice(0, start) + insert + text.slice(end);
}

function offsetsOf(chunks: readonly string[]): number[] {
  const out = new Array<number>(chunks.length);
  let at = 0;
  for (let i = 0; i < chunks.length; i++) {
    out[i] = at;
    at += chunks[i].length;
  }
  return out;
}

function clamp(n: number, lo: number, hi: number): number {
  return n < lo ? lo : n > hi ? hi : n;
}

/**
 * The project's texts by path. A text can be held as a TextSource (an open transcript's
 * PieceText after a keystroke): `get` then builds its string on first use (memoised), while
 * `source` hands the TextSource to readers that only slice it. Everything else is a Map.
 */
export class TextMap extends Map<string, string> {
  private readonly sources = new Map<string, TextSource>();

  /** Holds `text` for `key` without building its string. */
  setSource(key: string, text: TextSource): this {
    if (typeof text === 'string') return this.set(key, text);
    this.sources.set(key, text);
    // The key is present for has/keys/size; the value is never read from here (get is
    // overridden, and so is every way to iterate values).
    super.set(key, '');
    return this;
  }

  /** The text of `key` as held: a string or a TextSource whose string may not be built yet. */
  source(key: string): TextSource | undefined {
    return this.sources.get(key) ?? super.get(key);
  }

  override get(key: string): string | undefined {
    const source = this.sources.get(key);
    return source !== undefined ? source.toString() : super.get(key);
  }

  override set(key: string, value: string): this {
    // Map's constructor may call set before the field above exists.
    this.sources?.delete(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.sources.delete(key);
    return super.delete(key);
  }

  override clear(): void {
    this.sources.clear();
    super.clear();
  }

  override forEach(fn: (value: string, key: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  override *entries(): MapIterator<[string, string]> {
    for (const k of super.keys()) yield [k, this.get(k)!];
  }

  override *values(): MapIterator<string> {
    for (const k of super.keys()) yield this.get(k)!;
  }

  override [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}
