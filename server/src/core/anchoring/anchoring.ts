// Anchoring: keeps every coding attached to its passage while the transcript changes.
//
// Two situations, two tools:
// - Live edits in the editor (LSP incremental didChange): `LiveAnchors` shifts the codings of
//   one document on every change, remembers what a destructive change removed so that the
//   Undo of it puts codings back exactly, and refreshes the W3C TextQuoteSelectors.
// - Outside changes (git, another editor, a script): `reanchor` places each coding again:
//   by its offsets, then (when the old text is known) through a line mapping of old to new,
//   then by its exact text with context nearest the expected position, then fuzzily
//   (approx-string-match, bounded error), else it is kept as an orphan. Never dropped.
//
// Pure TypeScript: no vscode, no LSP. Offsets are UTF-16 code units, end exclusive.

import approxSearch from 'approx-string-match';
import type { Coding } from '../model/model';
import { spliceText, type TextSource } from '../text/pieceText';

/** Context kept each side of a coded passage (UTF-16 code units), as in the codings file. */
export const CONTEXT_LENGTH = 32;

export interface QuoteSelector {
  exact: string;
  prefix: string;
  suffix: string;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
/** True when offset `i` falls between the two halves of a surrogate pair. */
function splitsPair(text: TextSource, i: number): boolean {
  return i > 0 && i < text.length && isLowSurrogate(text.charCodeAt(i)) && isHighSurrogate(text.charCodeAt(i - 1));
}

/**
 * The W3C TextQuoteSelector of text[start, end): the passage and up to `context` UTF-16 units
 * each side, never cutting a surrogate pair in two (the context is shortened by one instead).
 */
export function makeQuoteSelector(text: TextSource, start: number, end: number, context = CONTEXT_LENGTH): QuoteSelector {
  start = clamp(start, 0, text.length);
  end = clamp(end, start, text.length);
  let prefixStart = Math.max(0, start - context);
  if (splitsPair(text, prefixStart)) prefixStart++;
  let suffixEnd = Math.min(text.length, end + context);
  if (splitsPair(text, suffixEnd)) suffixEnd--;
  return { exact: text.slice(start, end), prefix: text.slice(prefixStart, start), suffix: text.slice(end, suffixEnd) };
}

/** A flat copy of a (possibly sliced) string, so that it does not keep its parent alive. */
function detach(s: string): string {
  return s.length > 12 ? (' ' + s).slice(1) : s;
}

function clamp(n: number, lo: number, hi: number): number {
  return n < lo ? lo : n > hi ? hi : n;
}

// ---------------------------------------------------------------------------------------
// Live edits
// ---------------------------------------------------------------------------------------

/**
 * One content change, with offsets into the document as it is just before this change.
 * A list of changes is applied in order, as LSP incremental didChange events are.
 */
export interface TextChange {
  start: number;
  end: number;
  text: string;
}

/** Where a coding goes under one change, by the live-edit rules (see `mapCodingRange`). */
export interface MappedRange {
  start: number;
  end: number;
  /** The change removed all of the passage: the coding collapses to `start` (= `end`). */
  orphaned: boolean;
  /** The change removed the passage's first or last character, so its plain inverse would
   * not restore the range by these rules (LiveAnchors remembers it to make Undo exact). */
  lossy: boolean;
}

/**
 * Maps a coded range [start, end) through one change:
 * - insertion inside grows it; at the start boundary it shifts (no growth); at the end
 *   boundary it does not grow;
 * - deleting part shrinks it; a change starting inside (or exactly at its start) and ending
 *   inside keeps its replacement text in the passage (a corrected word stays coded);
 * - a change straddling a boundary clips the passage (the replacement stays outside);
 * - a change covering all of it orphans it: collapsed at the change's start.
 */
export function mapCodingRange(start: number, end: number, change: TextChange): MappedRange {
  const s = change.start;
  const e = change.end;
  const len = change.text.length;
  if (s === e) {
    if (s <= start) return { start: start + len, end: end + len, orphaned: false, lossy: false };
    if (s < end) return { start, end: end + len, orphaned: false, lossy: false };
    return { start, end, orphaned: false, lossy: false };
  }
  const delta = len - (e - s);
  if (e <= start) return { start: start + delta, end: end + delta, orphaned: false, lossy: false };
  if (s >= end) return { start, end, orphaned: false, lossy: false };
  if (s <= start && e >= end) return { start: s, end: s, orphaned: true, lossy: true };
  const newStart = s < start ? s + len : start;
  const newEnd = e > end ? s : end + delta;
  return { start: newStart, end: newEnd, orphaned: false, lossy: s <= start || e >= end };
}

/** Maps a single position (an orphan's collapsed point): it stays before text inserted at it. */
function mapPoint(p: number, change: TextChange): number {
  const { start: s, end: e } = change;
  if (s >= p) return p;
  if (e <= p) return p + change.text.length - (e - s);
  return s;
}

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

/**
 * Stateless form of the live rules: maps each coding through the changes in order and, when
 * `docTextAfter` is given, refreshes exact/prefix/suffix of the codings that are not orphaned.
 * Codings collapsed by a deletion keep their old exact text. (Undo needs the removed text:
 * use LiveAnchors for that.)
 */
export function shiftCodings(codings: readonly Coding[], changes: readonly TextChange[], docTextAfter?: string): Coding[] {
  return codings.map((coding) => {
    const c = { ...coding };
    let orphan = c.start === c.end && c.exact !== '';
    let touched = false;
    for (const ch of changes) {
      if (orphan) {
        c.start = c.end = mapPoint(c.start, ch);
        continue;
      }
      const r = mapCodingRange(c.start, c.end, ch);
      if (ch.end >= c.start - CONTEXT_LENGTH - 1 && ch.start <= c.end + CONTEXT_LENGTH + 1) touched = true;
      c.start = r.start;
      c.end = r.end;
      orphan = r.orphaned;
    }
    if (docTextAfter !== undefined && touched && !orphan) Object.assign(c, makeQuoteSelector(docTextAfter, c.start, c.end));
    return c;
  });
}

// ---------------------------------------------------------------------------------------
// Outside changes
// ---------------------------------------------------------------------------------------

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
    for (const match of approxSearch(text.slice(ws, we), c.exact, maxErrors)) {
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

/** Edit distance of two short strings (context sides, at most a few dozen units). */
function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Binary search: index of the last element <= x in a sorted array (-1 when none). */
function lastAtOrBefore(arr: Int32Array | number[], x: number, length = arr.length): number {
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

function lineStarts(text: string): Int32Array {
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
class LineMap {
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
class RegionDiff {
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
function myersRuns(a: string, a0: number, n: number, b: string, b0: number, m: number, maxD: number): number[] | undefined {
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

/**
 * Positions of every q-gram of a text, bucketed by hash: finds where a string (of q or more
 * units) occurs without scanning the text, and where an approximate match may lie.
 * Built in O(n) the first time a coding has to be searched for beyond its neighbourhood.
 */
class QGramIndex {
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
