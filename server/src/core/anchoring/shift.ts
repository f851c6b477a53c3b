// Anchoring (see index.ts): the live-edit rules. How one content change of an open document
// (LSP incremental didChange) moves a coded range; LiveAnchors (live.ts) applies them on every
// keystroke and adds exact Undo, shiftCodings applies them statelessly.
import type { Coding } from '../model/model';
import { CONTEXT_LENGTH, makeQuoteSelector } from './selector';

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
export function mapPoint(p: number, change: TextChange): number {
  const { start: s, end: e } = change;
  if (s >= p) return p;
  if (e <= p) return p + change.text.length - (e - s);
  return s;
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
