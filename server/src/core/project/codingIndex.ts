// The derived index over the file store: every coding by code, by document and by id (each
// with where it is now, its informants and whether it still matches its text: indexEntries.ts),
// and the codebook's codes and categories and the notes by name (nameIndex.ts). Built lazily at the first query after
// a change, so a burst of file events costs one rebuild; a change of one transcript or of a few
// codings lines patches it in place instead (50,000 codings in the benchmark).
import type { Coding } from '../model/model';
import type { CodingsFile } from '../parse/codings';
import { speakersOf } from '../parse/transcript';
import { normalizeName } from '../text/text';
import type { LiveAnchors } from '../anchoring';
import type { FileStore } from './fileStore';
import { NameIndex } from './nameIndex';
import { countedAs, push, removeAll, sameCounted, sameList, sortByPosition, type CodeCounts, type CodingInfo } from './indexEntries';
import { anchorKey, type AnchorState } from './anchorState';

interface Derived {
  byCode: Map<string, CodingInfo[]>;
  byDoc: Map<string, CodingInfo[]>;
  byId: Map<string, CodingInfo>;
  /** Codes, categories and notes by normalised name. */
  names: NameIndex;
  /** The codings-file coding each info was made from (info.coding may be shifted or re-anchored). */
  source: Map<CodingInfo, Coding>;
  /** countsOfCode results, by normalised name; cleared whenever an info changes. */
  counts: Map<string, CodeCounts>;
}

export class CodingIndex {
  private derived: Derived | undefined;
  /** Transcripts whose text changed since `derived` was built: only their infos are refreshed. */
  private readonly dirtyDocs = new Set<string>();
  /** Codings (by doc) a keystroke touched: their infos are refreshed at the next query. */
  private readonly dirtyIds = new Map<string, Set<string>>();
  /** Full builds so far: after one, every document's analysis counts are stale (docVersion). */
  private generation = 0;
  /** Per document, bumped on each change of its text, turns, codings or their placement. */
  private readonly docVersions = new Map<string, number>();

  constructor(private readonly store: FileStore, private readonly anchors: AnchorState) {}

  /** Everything may have changed: rebuilt at the next query. */
  invalidate(): void {
    this.derived = undefined;
    this.dirtyDocs.clear();
    this.dirtyIds.clear();
  }

  /**
   * One transcript's text changed (a keystroke, an outside edit): its codings are refreshed in
   * place at the next query instead of rebuilding the index of every coding (50,000 in the
   * benchmark) — the sets of codings, codes and notes are unchanged.
   */
  invalidateDoc(path: string): void {
    this.bump(path);
    if (this.derived) this.dirtyDocs.add(path);
  }

  /** The store read a transcript anew or removed it (FileStore's `replaced`): its key moves. */
  transcriptReplaced(doc: string): void {
    this.bump(doc);
  }

  private bump(doc: string): void {
    this.docVersions.set(doc, (this.docVersions.get(doc) ?? 0) + 1);
  }

  /**
   * A key that changes whenever what the index says about one document may have changed (its
   * codings, where they are, whether they match, its text and turns): core/analysis/recount.ts
   * keeps each document's counts under it, so an edit recounts one document, not all of them.
   * A full build (after qda.yaml, the codebook, a note or an unpatched codings file changed)
   * changes every document's key.
   */
  docVersion(doc: string): string {
    void this.d;
    return `${this.generation}.${this.docVersions.get(doc) ?? 0}`;
  }

  /** A keystroke shifted, orphaned or restored these codings of an open transcript. */
  invalidateIds(path: string, summary: { changed: Iterable<string>; orphaned: Iterable<string>; restored: Iterable<string> }): void {
    // Even when no coding moved: the keystroke shifted the turns.
    this.bump(path);
    if (!this.derived) return;
    const ids = this.dirtyIds.get(path) ?? new Set<string>();
    for (const id of summary.changed) ids.add(id);
    for (const id of summary.orphaned) ids.add(id);
    for (const id of summary.restored) ids.add(id);
    this.dirtyIds.set(path, ids);
  }

  /**
   * Opened with the text on disk: the doc's codings stay where they were, so their infos keep
   * their informants and anchoring and only need to hold the live codings (which keystrokes
   * shift in place) and lose the re-anchoring status (not shown while live) — instead of
   * recomputing all of them (10,000 in the benchmark's 1 MB transcript) at the next query.
   * False, changing nothing, when a coding is not where its info says (the full refresh).
   */
  pointInfosAtLive(path: string, anchors: LiveAnchors): boolean {
    const d = this.derived;
    if (!d || this.dirtyDocs.has(path) || this.dirtyIds.has(path)) return false;
    const infos = d.byDoc.get(path) ?? [];
    const lives: Coding[] = [];
    for (const info of infos) {
      const c = anchors.get(info.coding.id);
      if (!c || c.start !== info.coding.start || c.end !== info.coding.end || c.exact !== info.coding.exact || anchors.isOrphan(c.id)) return false;
      lives.push(c);
    }
    this.bump(path);
    infos.forEach((info, i) => {
      info.coding = lives[i];
      if (info.status !== undefined) delete info.status;
      if (info.score !== undefined) delete info.score;
    });
    return true;
  }

  /**
   * The codings files' codings of one doc. From the index's per-document list when it is
   * built (its membership is kept current: codings files that change either patch it or
   * drop it), so opening a transcript costs its own codings, not a pass over every coding of
   * the project (50,000 in the benchmark). By position then, in file order without the index.
   */
  fileCodingsOfDoc(doc: string): Coding[] {
    const d = this.derived;
    if (d) return (d.byDoc.get(doc) ?? []).map((info) => d.source.get(info)!);
    const out: Coding[] = [];
    for (const f of this.store.codingsFiles.values()) for (const l of f.lines) if (l.coding.doc === doc) out.push(l.coding);
    return out;
  }

  /** Places a transcript's codings again after its text changed outside the editor. */
  reanchorDoc(doc: string, oldText: string | undefined, newText: string): void {
    this.bump(doc);
    this.anchors.reanchorDoc(doc, this.fileCodingsOfDoc(doc), oldText, newText);
  }

  /** The index entry of one coding of a codings file: where it is now, its speakers, its status. */
  private codingInfo(source: Coding, file: string): CodingInfo {
    const coding = this.anchors.effective(source);
    const transcript = this.store.transcripts.get(coding.doc);
    // Slices only: an open transcript's text is not built whole for this.
    const text = this.store.texts.source(coding.doc);
    const anchored = text !== undefined && coding.start < coding.end && coding.end <= text.length && text.slice(coding.start, coding.end) === coding.exact;
    const informants = transcript ? speakersOf(transcript, coding.start, coding.end).filter((l) => transcript.informants.includes(l)) : [];
    const placed = this.anchors.anchored.get(coding.doc)?.get(coding.id);
    const info: CodingInfo = { coding, file, informants, anchored };
    if (placed && placed.from === anchorKey(source) && !this.anchors.live.has(coding.doc)) {
      info.status = placed.result.status;
      if (placed.result.score !== undefined) info.score = placed.result.score;
    }
    return info;
  }

  /**
   * A codings file changed by a few lines (a coding made or removed): patches the index with
   * the removed and added codings instead of rebuilding it. Unchanged lines keep their Coding
   * objects (parseCodingsFile reuses them). False, when a full rebuild is needed.
   */
  patchCodings(before: CodingsFile | undefined, after: CodingsFile | undefined, known?: { removed: Coding[]; added: Coding[] }): boolean {
    const d = this.derived;
    if (!d || !before || !after || before.path !== after.path) return false;
    // `known`: the patch already says what came and went (no sets over the whole file).
    let removed: Coding[];
    let added: Coding[];
    if (known) ({ removed, added } = known);
    else {
      const kept = new Set(after.lines.map((l) => l.coding));
      removed = before.lines.filter((l) => !kept.has(l.coding)).map((l) => l.coding);
      const had = new Set(before.lines.map((l) => l.coding));
      added = after.lines.filter((l) => !had.has(l.coding)).map((l) => l.coding);
    }
    // Patching costs in proportion to the lists it touches; past half of all codings a
    // rebuild is as cheap. (Re-anchored offsets written back after an outside edit of a big
    // transcript replace thousands of lines of one file: a rebuild then also recounted every
    // code, ~250 ms on the benchmark, for codings that only moved.)
    if (removed.length + added.length > Math.max(500, d.byId.size / 2)) return false;
    const removedInfos: CodingInfo[] = [];
    for (const c of removed) {
      const info = d.byId.get(c.id);
      if (!info || d.source.get(info) !== c) return false; // duplicate ids: rebuild
      removedInfos.push(info);
    }
    const removedIds = new Set(removed.map((c) => c.id));
    for (const c of added) if (d.byId.has(c.id) && !removedIds.has(c.id)) return false;
    const gone = new Set(removedInfos);
    // What each removed coding counted as, taken now: an open transcript's info holds the
    // live Coding object, which the codingInfo calls below update in place (a rename).
    const goneById = new Map(removedInfos.map((info) => [info.coding.id, countedAs(info)]));
    const codes = new Set<string>();
    const docs = new Set<string>();
    for (const info of removedInfos) {
      codes.add(normalizeName(info.coding.code));
      docs.add(info.coding.doc);
      d.byId.delete(info.coding.id);
      d.source.delete(info);
    }
    // One pass over each touched list, not one indexOf per removed coding.
    for (const key of codes) removeAll(d.byCode.get(key), gone);
    for (const doc of docs) removeAll(d.byDoc.get(doc), gone);
    const addedDocs = new Set<string>();
    const recount = new Set<string>();
    for (const c of added) {
      const info = this.codingInfo(c, after.path);
      d.source.set(info, c);
      push(d.byCode, normalizeName(info.coding.code), info);
      push(d.byDoc, info.coding.doc, info);
      d.byId.set(info.coding.id, info);
      addedDocs.add(info.coding.doc);
      // As in the full build: a coding that does not match its text gets placed.
      if (!info.anchored && this.store.texts.has(c.doc) && !this.anchors.live.has(c.doc)) this.dirtyDocs.add(c.doc);
      // Only codes whose counts can differ are counted again (500 codes × 50,000 codings
      // otherwise, on every coding made): a coding that only moved, with the same code,
      // document, coder and informants, changes no count.
      const was = goneById.get(c.id);
      if (!was || !sameCounted(was, countedAs(info))) {
        recount.add(normalizeName(info.coding.code));
        if (was) recount.add(was.code);
      }
      goneById.delete(c.id);
    }
    for (const was of goneById.values()) recount.add(was.code);
    for (const doc of addedDocs) d.byDoc.get(doc)!.sort((a, b) => a.coding.start - b.coding.start || a.coding.end - b.coding.end);
    for (const key of recount) d.counts.delete(key);
    for (const doc of docs) this.bump(doc);
    for (const doc of addedDocs) this.bump(doc);
    return true;
  }

  /** Refreshes the infos of the codings in dirtyIds, in place (byCode and byId share them). */
  private refreshDirtyIds(d: Derived): void {
    for (const [doc, ids] of this.dirtyIds) {
      if (ids.size === 0) continue;
      for (const id of ids) {
        const info = d.byId.get(id);
        if (!info || info.coding.doc !== doc) continue;
        const fresh = this.codingInfo(d.source.get(info)!, info.file);
        info.coding = fresh.coding;
        if (!sameList(info.informants, fresh.informants)) d.counts.delete(normalizeName(info.coding.code));
        info.informants = fresh.informants;
        info.anchored = fresh.anchored;
      }
      sortByPosition(d.byDoc.get(doc));
    }
    this.dirtyIds.clear();
  }

  private refreshDirtyDocs(d: Derived): void {
    const docs = [...this.dirtyDocs];
    this.dirtyDocs.clear();
    for (const doc of docs) {
      const infos = d.byDoc.get(doc);
      if (!infos) continue;
      const text = this.anchors.live.has(doc) ? undefined : this.store.texts.get(doc);
      if (text !== undefined) {
        // As in the full build: codings that no longer match and were not placed yet.
        const misplaced = infos.some((info) => {
          const c = d.source.get(info)!;
          const a = this.anchors.anchored.get(doc)?.get(c.id);
          return !(a && a.from === anchorKey(c)) && text.slice(c.start, c.end) !== c.exact;
        });
        if (misplaced) this.reanchorDoc(doc, undefined, text);
      }
      for (const info of infos) {
        const fresh = this.codingInfo(d.source.get(info)!, info.file);
        info.coding = fresh.coding;
        // Counts (codings, informants, coders, documents of a code) change only with the
        // informants here: dropping them for every code of a 10,000-coding transcript made
        // the next diagnostics pass recount all 50,000 codings after each open and close.
        if (!sameList(info.informants, fresh.informants)) d.counts.delete(normalizeName(info.coding.code));
        info.informants = fresh.informants;
        info.anchored = fresh.anchored;
        if (fresh.status !== undefined) info.status = fresh.status;
        else delete info.status;
        if (fresh.score !== undefined) info.score = fresh.score;
        else delete info.score;
      }
      sortByPosition(infos);
    }
  }

  /** The index, brought up to date (patched or built) first. */
  private get d(): Derived {
    if (this.derived) {
      if (this.dirtyDocs.size > 0) this.refreshDirtyDocs(this.derived);
      if (this.dirtyIds.size > 0) this.refreshDirtyIds(this.derived);
      return this.derived;
    }
    const { store, anchors } = this;
    const byCode = new Map<string, CodingInfo[]>();
    const byDoc = new Map<string, CodingInfo[]>();
    const byId = new Map<string, CodingInfo>();
    // Codings that do not match their text at the stored offsets, in documents not yet
    // re-anchored (the transcript changed while nothing was watching): place them first.
    const needsPlacing = new Set<string>();
    for (const file of store.codingsFiles.values()) {
      for (const { coding } of file.lines) {
        const text = store.texts.get(coding.doc);
        if (text === undefined || anchors.live.has(coding.doc)) continue;
        const a = anchors.anchored.get(coding.doc)?.get(coding.id);
        if (a && a.from === anchorKey(coding)) continue;
        if (text.slice(coding.start, coding.end) !== coding.exact) needsPlacing.add(coding.doc);
      }
    }
    for (const doc of needsPlacing) this.reanchorDoc(doc, undefined, store.texts.get(doc)!);
    const source = new Map<CodingInfo, Coding>();
    for (const file of store.codingsFiles.values()) {
      for (const line of file.lines) {
        const info = this.codingInfo(line.coding, file.path);
        const coding = info.coding;
        source.set(info, line.coding);
        push(byCode, normalizeName(coding.code), info);
        push(byDoc, coding.doc, info);
        byId.set(coding.id, info);
      }
    }
    for (const list of byDoc.values()) list.sort((a, b) => a.coding.start - b.coding.start || a.coding.end - b.coding.end);
    this.generation++;
    this.derived = { byCode, byDoc, byId, names: new NameIndex(store.codebook, store.notes), source, counts: new Map() };
    return this.derived;
  }

  /** Brings the index up to date (placing codings that no longer match their text). */
  refresh(): void {
    void this.d;
  }

  // ---- queries -------------------------------------------------------------------------

  codingsOfCode(name: string): CodingInfo[] {
    return this.d.byCode.get(normalizeName(name)) ?? [];
  }

  codingsOfDoc(path: string): CodingInfo[] {
    return this.d.byDoc.get(path) ?? [];
  }

  codingById(id: string): CodingInfo | undefined {
    return this.d.byId.get(id);
  }

  allCodings(): CodingInfo[] {
    return [...this.d.byId.values()];
  }

  /** Codes, categories and notes by normalised name (with the rest of the index). */
  names(): NameIndex {
    return this.d.names;
  }

  countsOfCode(name: string): CodeCounts {
    const d = this.d;
    const key = normalizeName(name);
    const cached = d.counts.get(key);
    if (cached) return cached;
    const infos = d.byCode.get(key) ?? [];
    const informants = new Set<string>();
    const coders = new Set<string>();
    const docs = new Set<string>();
    for (const i of infos) {
      for (const inf of i.informants) informants.add(inf);
      coders.add(i.coding.coder);
      docs.add(i.coding.doc);
    }
    const counts = { codings: infos.length, informants: [...informants].sort(), coders: [...coders].sort(), documents: docs.size };
    d.counts.set(key, counts);
    return counts;
  }
}
