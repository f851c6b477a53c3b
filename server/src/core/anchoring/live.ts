// Anchoring (see index.ts): the live anchors of an open document. LiveAnchors shifts the
// codings of one document on every change by the rules of shift.ts, remembers what a
// destructive change removed so that the Undo of it puts codings back exactly, and refreshes the
// W3C TextQuoteSelectors (selector.ts) lazily.
import type { Coding } from '../model/model';
import { spliceText, type TextSource } from '../text/pieceText';
import { CONTEXT_LENGTH, clamp, detach, makeQuoteSelector } from './selector';
import { mapCodingRange, mapPoint, type TextChange } from './shift';

/**
 * What one destructive change did to one coding, so that its inverse (the Undo: the removed
 * text put back over the region that replaced it) restores the coding exactly.
 * `s`/`e` is the region holding the replacement text, kept in current document coordinates;
 * it grows when text is typed at or inside it (VS Code merges typing into the same undo step).
 */
interface UndoMemo {
  s: number;
  e: number;
  removed: string;
  /** Offsets, relative to the change's start, of the coding's boundaries that lay inside the
   * removed range; undefined for a boundary outside it (that one is simply mapped). */
  relStart?: number;
  relEnd?: number;
  /** The coding was already an orphan (its point lay inside the removed range). */
  wasOrphan: boolean;
}

const MAX_MEMOS = 4;

/** Moves a memo's region through a change; false when the change cuts across it. */
function transformMemo(m: UndoMemo, change: TextChange): boolean {
  const { start: s, end: e } = change;
  const len = change.text.length;
  if (s === e) {
    if (s < m.s) {
      m.s += len;
      m.e += len;
    } else if (s <= m.e) m.e += len;
    return true;
  }
  const delta = len - (e - s);
  if (e <= m.s) {
    m.s += delta;
    m.e += delta;
    return true;
  }
  if (s >= m.e) return true;
  if (s >= m.s && e <= m.e) {
    m.e += delta;
    return true;
  }
  return false;
}

interface LiveEntry {
  coding: Coding;
  orphaned: boolean;
  memos?: UndoMemo[];
  /** Selectors must be recomputed from the text before they are next read. */
  dirty: boolean;
  /** The batch (applyChanges call) that last touched the passage or its context. */
  batch: number;
  /** The codings-file line this entry last followed (synced); held anyway by its file. */
  source?: Coding;
}

export interface LiveChangeSummary {
  /** Ids whose passage or context (CONTEXT_LENGTH each side) this batch edited: their
   * exact/prefix/suffix are refreshed when next read. Codings after an edit also shift: that
   * is implied and not listed. */
  changed: string[];
  /** Ids that became orphans in this batch. */
  orphaned: string[];
  /** Ids that were orphans (or clipped) and were put back by an Undo. */
  restored: string[];
}

/**
 * The codings of one open document, shifted on every edit. Holds the document text (needed to
 * remember what a deletion removed, for Undo, and to refresh exact/prefix/suffix).
 * Cost per change: one pass over the codings with a few comparisons each, plus selector
 * refresh for the codings near the change.
 */
export class LiveAnchors {
  private entries: LiveEntry[] = [];
  private byId = new Map<string, LiveEntry>();
  /** A string, or an open document's PieceText (read by slices only; never built whole here). */
  private _text: TextSource;

  /**
   * `codings` are copied; their offsets must refer to `text`. Collapsed codings whose `exact`
   * is not empty start as orphans. `sources[i]`, when given, is the codings-file line
   * `codings[i]` was placed from (see synced).
   */
  constructor(text: TextSource, codings: readonly Coding[] = [], sources?: readonly Coding[]) {
    this._text = text;
    for (let i = 0; i < codings.length; i++) this.add(codings[i], sources?.[i]);
  }

  /** The document text as one string (built if it is held in chunks: see `source`). */
  get text(): string {
    return this._text.toString();
  }

  /** The document text as held: a string or an open document's PieceText, not built. */
  get source(): TextSource {
    return this._text;
  }

  /** The current codings (orphans collapsed at the place their text was). Do not mutate. */
  get codings(): readonly Coding[] {
    this.refresh();
    return this.entries.map((e) => e.coding);
  }

  /** Offsets only, without refreshing selectors (never touches the text): for decorations. */
  ranges(): { id: string; start: number; end: number; orphaned: boolean }[] {
    return this.entries.map((e) => ({ id: e.coding.id, start: e.coding.start, end: e.coding.end, orphaned: e.orphaned }));
  }

  get size(): number {
    return this.entries.length;
  }

  get(id: string): Coding | undefined {
    const entry = this.byId.get(id);
    if (entry?.dirty) this.refreshEntry(entry);
    return entry?.coding;
  }

  isOrphan(id: string): boolean {
    return this.byId.get(id)?.orphaned ?? false;
  }

  orphans(): Coding[] {
    this.refresh();
    return this.entries.filter((e) => e.orphaned).map((e) => e.coding);
  }

  /**
   * Adds (or replaces, by id) a coding whose offsets refer to the current text; `source`: the
   * codings-file line it was placed from, when not `coding` itself.
   */
  add(coding: Coding, source: Coding = coding): void {
    const c: Coding = { ...coding };
    const orphaned = c.start === c.end && c.exact !== '';
    c.start = clamp(c.start, 0, this._text.length);
    c.end = clamp(c.end, c.start, this._text.length);
    const entry: LiveEntry = { coding: c, orphaned, dirty: false, batch: 0, source };
    const old = this.byId.get(c.id);
    if (old) this.entries[this.entries.indexOf(old)] = entry;
    else this.entries.push(entry);
    this.byId.set(c.id, entry);
  }

  /**
   * The live coding of `source.id`, kept in step with its line in the codings file: code,
   * coder, time and unknown keys always follow the file (a rename or merge while the document
   * is open). The place follows the file only when the file's line got a new place that fits
   * the editor's text (a re-attached orphan, an accepted fuzzy match); otherwise the editor's
   * offsets stand, since the file's are the disk text's until the next save. Undefined when
   * the id is not here.
   */
  synced(source: Coding): Coding | undefined {
    const entry = this.byId.get(source.id);
    if (!entry) return undefined;
    if (entry.dirty) this.refreshEntry(entry);
    const c = entry.coding;
    const was = entry.source;
    entry.source = source;
    if (was !== undefined && was !== source && (was.start !== source.start || was.end !== source.end || was.exact !== source.exact)) {
      const fits = source.start < source.end && source.end <= this._text.length && this._text.slice(source.start, source.end) === source.exact;
      if (fits && (entry.orphaned || source.start !== c.start || source.end !== c.end)) {
        c.start = source.start;
        c.end = source.end;
        entry.orphaned = false;
        entry.memos = undefined;
        this.refreshEntry(entry);
      }
    }
    if (c.code !== source.code) c.code = source.code;
    if (c.coder !== source.coder) c.coder = source.coder;
    if (c.at !== source.at) c.at = source.at;
    if (c.doc !== source.doc) c.doc = source.doc;
    if (source.extra !== undefined) c.extra = source.extra;
    else if (c.extra !== undefined) delete c.extra;
    return c;
  }

  /** The codings-file line the live coding of `id` follows (see synced). */
  sourceOf(id: string): Coding | undefined {
    return this.byId.get(id)?.source;
  }

  remove(id: string): boolean {
    const entry = this.byId.get(id);
    if (!entry) return false;
    this.byId.delete(id);
    this.entries.splice(this.entries.indexOf(entry), 1);
    return true;
  }

  /**
   * Applies LSP-style changes in order. `textAfter`, when given, is the document after the
   * last change; it must agree with applying the changes. Pass it: then a keystroke costs one
   * pass over the codings and never touches the text (V8 would copy a freshly concatenated
   * 1 MB document on first access); exact/prefix/suffix are refreshed lazily when read.
   */
  applyChanges(changes: readonly TextChange[], textAfter?: TextSource): LiveChangeSummary {
    const orphaned: string[] = [];
    const restored: string[] = [];
    // Collected as they are touched (a second pass over 10,000 codings per keystroke cost as
    // much as the shift itself); in the order first touched.
    const changed: string[] = [];
    const batch = ++this.batch;
    for (let i = 0; i < changes.length; i++) {
      const change = changes[i];
      const len0 = this._text.length;
      const s = clamp(change.start, 0, len0);
      const e = clamp(change.end, s, len0);
      const ch: TextChange = { start: s, end: e, text: change.text };
      this.applyOne(ch, batch, orphaned, restored, changed);
      this._text =
        i === changes.length - 1 && textAfter !== undefined
          ? textAfter
          : spliceText(this._text, s, e, change.text);
    }
    return { changed, orphaned, restored };
  }

  private batch = 0;

  private refresh(): void {
    for (const entry of this.entries) if (entry.dirty) this.refreshEntry(entry);
  }

  private refreshEntry(entry: LiveEntry, text = this._text): void {
    entry.dirty = false;
    if (entry.orphaned) return;
    const c = entry.coding;
    const sel = makeQuoteSelector(text, c.start, c.end);
    // Copies: a slice would keep this whole version of the text alive.
    if (sel.exact !== c.exact) c.exact = detach(sel.exact);
    if (sel.prefix !== c.prefix) c.prefix = detach(sel.prefix);
    if (sel.suffix !== c.suffix) c.suffix = detach(sel.suffix);
  }

  private applyOne(ch: TextChange, batch: number, orphaned: string[], restored: string[], changed: string[]): void {
    let removedText: string | undefined;
    // What the change removes, read (and copied) only when a coding needs it for Undo.
    const removed = (): string => (removedText ??= detach(this._text.slice(ch.start, ch.end)));
    const s = ch.start;
    const e = ch.end;
    const len = ch.text.length;
    const delta = len - (e - s);
    // Selector context reaches CONTEXT_LENGTH beyond each boundary.
    const near = CONTEXT_LENGTH + 1;
    for (const entry of this.entries) {
      const c = entry.coding;
      const a = c.start;
      const b = c.end;
      if (entry.memos === undefined && e < a - near) {
        // Entirely before, far away: a plain shift (the common case).
        c.start = a + delta;
        c.end = b + delta;
        continue;
      }
      if (entry.memos === undefined && s > b + near) continue;

      // Undo of a remembered destructive change?
      const memos = entry.memos;
      if (memos !== undefined) {
        let hit = -1;
        for (let k = memos.length - 1; k >= 0; k--) {
          const m = memos[k];
          if (m.s === s && m.e === e && m.removed === ch.text) {
            hit = k;
            break;
          }
        }
        if (hit >= 0) {
          const m = memos[hit];
          const inv = (x: number): number => (x <= m.s ? x : x >= m.e ? x + delta : m.s);
          const ns = m.relStart !== undefined ? m.s + m.relStart : inv(a);
          const ne = m.relEnd !== undefined ? m.s + m.relEnd : inv(b);
          memos.length = hit;
          this.transformMemos(entry, ch);
          c.start = ns;
          c.end = Math.max(ns, ne);
          if ((entry.orphaned && !m.wasOrphan) || ns !== a || ne !== b) restored.push(c.id);
          entry.orphaned = m.wasOrphan;
          entry.dirty = true;
          if (entry.batch !== batch) changed.push(c.id);
          entry.batch = batch;
          continue;
        }
        this.transformMemos(entry, ch);
      }

      if (entry.orphaned) {
        if (s < e && s <= a && a <= e) {
          // The orphan's point is inside the removed text: remember it for Undo too.
          const list = entry.memos ?? (entry.memos = []);
          list.push({ s, e: s + len, removed: removed(), relStart: a - s, relEnd: a - s, wasOrphan: true });
          if (list.length > MAX_MEMOS) list.shift();
        }
        const p = mapPoint(a, ch);
        c.start = c.end = p;
        continue;
      }

      const r = mapCodingRange(a, b, ch);
      if (r.lossy) {
        const memo: UndoMemo = { s, e: s + len, removed: removed(), wasOrphan: false };
        if (s <= a && a <= e) memo.relStart = a - s;
        if (s <= b && b <= e) memo.relEnd = b - s;
        const list = entry.memos ?? (entry.memos = []);
        list.push(memo);
        if (list.length > MAX_MEMOS) list.shift();
      }
      if (r.orphaned) {
        // Remember the passage as it is now (edits since the last read included).
        if (entry.dirty) this.refreshEntry(entry);
        entry.orphaned = true;
        orphaned.push(c.id);
      }
      c.start = r.start;
      c.end = r.end;
      // Passage or its context touched: refresh the selectors after the batch.
      if (e >= a - near && s <= b + near) {
        entry.dirty = true;
        if (entry.batch !== batch) changed.push(c.id);
        entry.batch = batch;
      }
    }
  }

  private transformMemos(entry: LiveEntry, ch: TextChange): void {
    const memos = entry.memos!;
    let w = 0;
    for (const m of memos) if (transformMemo(m, ch)) memos[w++] = m;
    memos.length = w;
    if (w === 0) entry.memos = undefined;
  }
}
