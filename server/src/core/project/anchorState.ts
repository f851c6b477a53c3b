// Where codings are now, when that is not where their codings file says: live anchoring of the
// transcripts open in the editor (their codings shift with every keystroke, not yet on disk)
// and the results of re-anchoring after a transcript changed outside the editor (git pull,
// another editor). The index (codingIndex.ts) asks `effective` for each coding it lists;
// Project (project.ts) keeps this state current as files open, change and close.
import type { Coding } from '../model/model';
import type { FileEdit } from '../model/edits';
import { replaceCodingEdits, type CodingsFile } from '../parse/codings';
import { LiveAnchors, reanchor, type ReanchorResult } from '../anchoring';

/** A re-anchoring result and the file coding (its anchorKey) it was computed from. */
export interface Placed {
  from: string;
  result: ReanchorResult;
}

export class AnchorState {
  /** Transcripts open in the editor: their codings shift with every keystroke (not yet on disk). */
  readonly live = new Map<string, LiveAnchors>();
  /**
   * Codings placed again after their transcript changed outside the editor (git pull, another
   * editor), by doc then id. `from` is the file coding the result was computed from.
   */
  readonly anchored = new Map<string, Map<string, Placed>>();
  /**
   * The text each document's `anchored` placements were made in. They hold only while the
   * transcript has that text: its codings-file lines alone (what `from` matches) cannot tell —
   * a line the editor's save left as it was may be the same line in a text that has changed.
   */
  private readonly placedIn = new Map<string, string>();

  /**
   * Places a transcript's codings (`fileCodings`, as their codings files have them) again after
   * its text changed outside the editor.
   */
  reanchorDoc(doc: string, fileCodings: Coding[], oldText: string | undefined, newText: string): void {
    const previous = this.anchored.get(doc);
    // Start from where each coding was last known to be (an earlier re-anchoring), so a
    // second outside edit maps from the right old text.
    const current = fileCodings.map((c) => {
      const prev = previous?.get(c.id);
      return prev && prev.from === anchorKey(c) ? prev.result.coding : c;
    });
    const results = reanchor(current, newText, oldText);
    const map = new Map<string, Placed>();
    results.forEach((r, i) => {
      const prev = previous?.get(fileCodings[i].id);
      // A coding that only moved because of this edit keeps the strongest earlier status.
      const status = prev && prev.result.status !== 'kept' && r.status === 'kept' ? prev.result.status : r.status;
      map.set(fileCodings[i].id, { from: anchorKey(fileCodings[i]), result: { ...r, status } });
    });
    this.anchored.set(doc, map);
    this.placedIn.set(doc, newText);
  }

  /**
   * A transcript has this text now (undefined: it is gone) without its codings having been
   * placed in it: closed in the editor (the disk's text again), read again from disk with the
   * project. Its placements made in another text are dropped; the index places the codings
   * that do not fit again, in this text.
   */
  textIs(doc: string, text: string | undefined): void {
    if (!this.anchored.has(doc) || this.placedIn.get(doc) === text) return;
    this.anchored.delete(doc);
    this.placedIn.delete(doc);
  }

  /** Where a codings-file coding is now: the editor's offsets, a re-anchoring's, or its own. */
  effective(c: Coding): Coding {
    const live = this.live.get(c.doc);
    if (live) {
      // The live coding has the editor's offsets, but the file's line says what it is: a
      // rename or merge rewrote the code while the document was open (returning the live
      // copy as it was kept the old name, so the index counted it under a code that is gone).
      const l = live.synced(c);
      if (l) return l;
      live.add(c); // a coding made while the document is open: its offsets are the editor's
      return live.synced(c) ?? c;
    }
    const a = this.anchored.get(c.doc)?.get(c.id);
    if (a && a.from === anchorKey(c)) return a.result.coding;
    return c;
  }

  /** An open transcript's codings where the editor has them; undefined when it is not open. */
  livePlacement(doc: string): ((id: string) => Coding | undefined) | undefined {
    const anchors = this.live.get(doc);
    return anchors ? (id) => anchors.get(id) : undefined;
  }

  /**
   * The re-anchoring results of a transcript as they are written to its codings files: a fuzzy
   * match with `"review": "fuzzy"` so the flag survives until the analyst accepts it, orphans
   * not at all. Undefined when nothing was placed.
   */
  reanchoredPlacement(doc: string): ((id: string) => Coding | undefined) | undefined {
    const results = this.anchored.get(doc);
    if (!results) return undefined;
    return (id) => {
      const r = results.get(id)?.result;
      if (!r || r.status === 'orphaned') return undefined;
      return r.status === 'fuzzy' ? { ...r.coding, extra: { ...r.coding.extra, review: 'fuzzy' } } : r.coding;
    };
  }
}

/** The edits that write a doc's placed codings to the codings files that may be rewritten. */
export function codingsFileEdits(files: Iterable<CodingsFile>, doc: string, placed: (id: string) => Coding | undefined): FileEdit[] {
  const out: FileEdit[] = [];
  for (const file of files) {
    if (file.writeBlocked) continue;
    const edits = replaceCodingEdits(file, (c) => {
      if (c.doc !== doc) return undefined;
      const p = placed(c.id);
      if (!p || p.start === p.end) return undefined; // orphans stay as they were on disk
      const review = p.extra?.review ?? c.extra?.review;
      if (p.start === c.start && p.end === c.end && p.exact === c.exact && p.prefix === c.prefix && p.suffix === c.suffix && review === c.extra?.review) return undefined;
      const next: Coding = { ...c, start: p.start, end: p.end, exact: p.exact, prefix: p.prefix, suffix: p.suffix };
      if (review !== undefined) next.extra = { ...c.extra, review };
      return next;
    });
    if (edits.length > 0) out.push({ path: file.path, edits });
  }
  return out;
}

/** Identifies the file coding a placement was computed from (its offsets and text). */
export function anchorKey(c: Coding): string {
  return `${c.start}:${c.end}:${c.exact}`;
}
