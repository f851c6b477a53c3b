// Small text utilities shared by the parsers: line index, name normalisation, word counts.
import { spliceText, type TextSource } from './pieceText';

/** Maps UTF-16 offsets to 0-based line/character and back, for one text. */
export class LineIndex {
  private readonly starts: number[];
  private _text: TextSource;

  /** `text` may be an open document's PieceText: only its length is read once `starts` are known. */
  constructor(text: TextSource, starts?: number[]) {
    this._text = text;
    if (starts) {
      this.starts = starts;
      return;
    }
    const flat = text.toString();
    const found = [0];
    for (let i = flat.indexOf('\n'); i !== -1; i = flat.indexOf('\n', i + 1)) found.push(i + 1);
    this.starts = found;
  }

  get text(): TextSource {
    return this._text;
  }

  /**
   * `text` is equal to this index's text (the caller compared them): hold that string object
   * from now on. Two equal strings that are different objects are compared character by
   * character, so a cache keyed by text that keeps an older copy pays a full comparison on
   * every lookup; after this, the next comparison with `text` is a pointer comparison.
   */
  adopt(text: TextSource): void {
    this._text = text;
  }

  /**
   * The index of `textAfter`, made from this one when the changes (each in the text just
   * before it) add and remove no line breaks: the line starts after a change only move, so a
   * keystroke costs O(lines), not a scan of the whole text. Undefined otherwise.
   */
  shifted(changes: ReadonlyArray<{ start: number; end: number; text: string }>, textAfter: TextSource): LineIndex | undefined {
    let text = this.text;
    const starts = this.starts.slice();
    for (const c of changes) {
      if (c.text.includes('\n') || text.slice(c.start, c.end).includes('\n')) return undefined;
      const delta = c.text.length - (c.end - c.start);
      for (let i = starts.length - 1; i > 0 && starts[i] > c.start; i--) starts[i] += delta;
      if (changes.length > 1) text = spliceText(text, c.start, c.end, c.text);
    }
    return new LineIndex(textAfter, starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  positionAt(offset: number): { line: number; character: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offsetAt(pos: { line: number; character: number }): number {
    if (pos.line >= this.starts.length) return this.text.length;
    if (pos.line < 0) return 0;
    const start = this.starts[pos.line];
    const next = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1] : this.text.length + 1;
    return Math.max(start, Math.min(start + pos.character, next - 1, this.text.length));
  }
}

// The name rule lives in names.ts (the extension imports it too); its importers here keep this path.
export { normalizeName } from './names';

/**
 * One shared copy of a string that recurs across the index: a coding's doc, code and coder,
 * a turn's speaker label and timestamp. JSON.parse and regex matches make a fresh string each
 * time (50,000 codings carried 50,000 copies of a few hundred names, 95,000 turns as many
 * labels); shared copies also hash once for every Map keyed by them.
 */
export function intern(s: string): string {
  let shared = interned.get(s);
  if (shared === undefined) {
    if (interned.size >= 50000) interned.clear();
    // A copy, not `s`: a match or slice of a large text would keep that whole text alive.
    shared = s.length > 12 ? (' ' + s).slice(1) : s;
    interned.set(shared, shared);
  }
  return shared;
}
const interned = new Map<string, string>();

const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}'’\-]*/gu;

/** Whitespace-separated words, as the corpus facts count them. */
export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 13 || c === 9 || c === 0xa0;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/** Lexical words (letters/digits), for matching quotes against sources. */
export function lexicalWords(text: string): string[] {
  return text.normalize('NFC').match(WORD) ?? [];
}

export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? path : path.slice(i + 1);
}

export function stripExtension(name: string): string {
  const i = name.lastIndexOf('.');
  return i <= 0 ? name : name.slice(0, i);
}
