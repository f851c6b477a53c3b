// The workspace index: every project file parsed once, then kept current file by file.
// Derived views (codings by code, counts, diagnostics) are rebuilt lazily after a change,
// so a burst of file events costs one rebuild, at the first query.
import type { FileSystem } from '../model/fs';
import type { Codebook, CodebookCategory, CodebookCode, Coding, QdaDiagnostic, Transcript } from '../model/model';
import { CONFIG_FILE, FileClassifier, coderOfCodingsFile, codingsFileOf, parseConfig, type FileRole, type ProjectConfig } from '../parse/config';
import { parseCodebook } from '../parse/codebook';
import { parseCodingsFile, patchCodingsFile, replaceCodingEdits, type CodingsFile } from '../parse/codings';
import { scanTranscript } from '../parse/transcript';
import { findLinks, type WikiLink } from '../parse/links';
import { basename, normalizeName, stripExtension } from '../text/text';
import { colorOf } from '../model/colors';
import { quoteDiagnostics } from '../checks/quotes';
import { methodologicalChecks } from '../checks/checks';
import { shiftTurns, splitFrontmatter, speakersOf } from '../parse/transcript';
import { LiveAnchors, reanchor, type AnchorStatus, type ReanchorResult, type TextChange } from '../anchoring';
import type { FileEdit } from '../ops/operations';
import { PrivacyChecker } from '../checks/privacy';
import { TextMap, type TextSource } from '../text/pieceText';

export interface NoteFile {
  path: string;
  role: 'memo' | 'chapter' | 'codebook';
  title?: string;
  links: WikiLink[];
}

export interface CodingInfo {
  coding: Coding;
  /** Path of the codings file it lives in. */
  file: string;
  /** Informant labels of the turns it overlaps (interviewers excluded). */
  informants: string[];
  /** false when the transcript's text at start..end is not `exact` (or the file is gone). */
  anchored: boolean;
  /** How the coding was placed after its transcript changed outside the editor. */
  status?: AnchorStatus;
  score?: number;
}

export type LinkTarget =
  | { kind: 'code'; code: CodebookCode }
  | { kind: 'category'; category: CodebookCategory }
  | { kind: 'note'; path: string; title?: string };

export interface CodeCounts {
  codings: number;
  informants: string[];
  coders: string[];
  documents: number;
}

interface Derived {
  byCode: Map<string, CodingInfo[]>;
  byDoc: Map<string, CodingInfo[]>;
  byId: Map<string, CodingInfo>;
  codeIndex: Map<string, CodebookCode>;
  categoryIndex: Map<string, CodebookCategory>;
  noteIndex: Map<string, NoteFile>;
  /** The codings-file coding each info was made from (info.coding may be shifted or re-anchored). */
  source: Map<CodingInfo, Coding>;
  /** countsOfCode results, by normalised name; cleared whenever an info changes. */
  counts: Map<string, CodeCounts>;
}

export class Project {
  config: ProjectConfig;
  private configDiagnostics: QdaDiagnostic[] = [];
  private classifier: FileClassifier;
  readonly texts = new TextMap();
  readonly roles = new Map<string, FileRole>();
  readonly transcripts = new Map<string, Transcript>();
  private readonly transcriptDiagnostics = new Map<string, QdaDiagnostic[]>();
  codebook: Codebook;
  private codebookDiagnostics: QdaDiagnostic[] = [];
  readonly notes = new Map<string, NoteFile>();
  readonly codingsFiles = new Map<string, CodingsFile>();
  /** Bumped on every change; features and the client use it to know when to refresh. */
  version = 0;
  private derived: Derived | undefined;
  /** Transcripts whose text changed since `derived` was built: only their infos are refreshed. */
  private readonly dirtyDocs = new Set<string>();
  /** Codings (by doc) a keystroke touched: their infos are refreshed at the next query. */
  private readonly dirtyIds = new Map<string, Set<string>>();
  private diagnosticsCache: Map<string, QdaDiagnostic[]> | undefined;
  /** Transcripts open in the editor: their codings shift with every keystroke (not yet on disk). */
  private readonly live = new Map<string, LiveAnchors>();
  /**
   * Codings placed again after their transcript changed outside the editor (git pull, another
   * editor), by doc then id. `from` is the file coding the result was computed from.
   */
  private readonly anchored = new Map<string, Map<string, { from: string; result: ReanchorResult }>>();
  /** Real names from the identifiers file and the qda.realName check (core/checks/privacy.ts). */
  readonly privacy = new PrivacyChecker();
  /** Text of the identifiers file (qda.yaml `identifiers`), never part of any diagnostic. */
  identifiersText: string | undefined;

  constructor(readonly fs: FileSystem, private readonly fallbackCoder = 'coder') {
    this.config = parseConfig(undefined).config;
    this.classifier = new FileClassifier(this.config);
    this.codebook = { path: this.config.codebook, categories: [], codes: [] };
  }

  /** The coder whose file new codings go to: qda.yaml, else the editor's setting / git user. */
  get coder(): string {
    return sanitizeCoder(this.config.coder ?? this.fallbackCoder);
  }

  /** The file the coder's new codings of `doc` go to (codings stay where they are when changed). */
  codingsFileFor(doc: string): string {
    return codingsFileOf(this.coder, doc);
  }

  /** Reads the whole project; `configText` is qda.yaml as an editor holds it, when it does. */
  async load(configText?: string): Promise<void> {
    this.applyConfig(configText ?? (await this.fs.readText(CONFIG_FILE)));
    this.identifiersText = await this.fs.readText(this.config.identifiers);
    let files = (await this.fs.listFiles()).filter((path) => {
      const role = this.classifier.roleOf(path);
      return role !== 'other' && role !== 'config';
    });
    // The codings files first (the largest: 34 MB each at 20M words), while the heap is small
    // and collected often, so their read buffers and parse garbage are gone before the rest
    // arrives; registered in file order, so that the index lists codings in the same order
    // on every start.
    const codings = files.filter((path) => this.classifier.roleOf(path) === 'codings');
    // A few reads ahead at a time (one file per coder and transcript: hundreds of files), each
    // parsed once every file before it is: reading them all at once held every file's bytes
    // at the same time (+50 MB of peak RSS at 20M words).
    const codingsTexts: Array<Promise<string | undefined> | undefined> = [];
    const readAhead = (i: number): void => {
      if (i >= codings.length) return;
      const read = this.fs.readText(codings[i]);
      read.catch(() => undefined); // a failed read is thrown where it is awaited, in order
      codingsTexts[i] = read;
    };
    for (let i = 0; i < LOAD_CONCURRENCY; i++) readAhead(i);
    for (let i = 0; i < codings.length; i++) {
      const text = await codingsTexts[i];
      codingsTexts[i] = undefined;
      readAhead(i + LOAD_CONCURRENCY);
      if (text !== undefined) this.setText(codings[i], text, 'codings');
    }
    files = files.filter((path) => this.classifier.roleOf(path) !== 'codings');
    // Then a few reads at a time, each file parsed as it arrives: reading all of them at once
    // held every file's bytes in memory together (135 MB of buffers at 20M words) before any
    // was parsed and let go.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const path = files[next++];
        const text = await this.fs.readText(path);
        if (text !== undefined) this.setText(path, text, this.classifier.roleOf(path));
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, files.length) }, worker));
    this.invalidate();
  }

  private applyConfig(text: string | undefined): void {
    const parsed = parseConfig(text);
    this.config = parsed.config;
    this.configDiagnostics = parsed.diagnostics;
    this.classifier = new FileClassifier(this.config);
    if (text !== undefined) this.texts.set(CONFIG_FILE, text);
    else this.texts.delete(CONFIG_FILE);
  }

  roleOf(path: string): FileRole {
    return this.classifier.roleOf(path);
  }

  /**
   * A file's text changed (editor change, save, or on disk), or it was deleted (undefined).
   * Returns false when the file is not part of the project.
   */
  async update(path: string, text: string | undefined): Promise<boolean> {
    if (path === CONFIG_FILE) {
      // Globs, interviewers and the codebook path may change: re-read everything — except
      // what the editor holds: an open transcript keeps its text (unsaved edits too) and its
      // live, shifted codings, instead of the disk's older text.
      const editorTexts = new Map([...this.live.keys()].map((p) => [p, this.texts.get(p)] as const));
      this.texts.clear();
      this.roles.clear();
      this.transcripts.clear();
      this.transcriptDiagnostics.clear();
      this.notes.clear();
      this.codingsFiles.clear();
      this.codebook = { path: this.config.codebook, categories: [], codes: [] };
      // The files are classified by the new settings (the editor's text when it has one).
      await this.load(text);
      for (const [p, editorText] of editorTexts) {
        if (editorText !== undefined && this.classifier.roleOf(p) === 'transcript') this.setText(p, editorText, 'transcript');
        else this.live.delete(p); // no longer a transcript by the new globs
      }
      this.invalidate();
      return true;
    }
    if (path === this.config.identifiers) {
      this.identifiersText = text;
      this.invalidate();
      return true;
    }
    const role = this.classifier.roleOf(path);
    if (role === 'other') return false;
    const before = this.texts.get(path);
    const beforeCodings = role === 'codings' ? this.codingsFiles.get(path) : undefined;
    if (text === undefined) this.remove(path, role);
    else this.setText(path, text, role);
    if (role === 'transcript' && text !== undefined && before !== undefined && before !== text && !this.live.has(path)) {
      this.reanchorDoc(path, before, text);
    }
    if (role === 'transcript') this.invalidateDoc(path);
    else if (!(role === 'codings' && this.patchCodings(beforeCodings, this.codingsFiles.get(path)))) this.invalidate();
    return true;
  }

  /**
   * An open codings file changed in the editor (a coding operation's edit being applied): a
   * change of whole lines patches the parsed file instead of parsing 25,000 lines again.
   */
  async editCodingsFile(path: string, changes: readonly TextChange[], textAfter: string): Promise<void> {
    const file = this.codingsFiles.get(path);
    const before = this.texts.get(path);
    const patch = file && before !== undefined && changes.length === 1 ? patchCodingsFile(file, before, changes[0]) : undefined;
    if (!patch) {
      await this.update(path, textAfter);
      return;
    }
    this.texts.set(path, textAfter);
    this.codingsFiles.set(path, patch.file);
    if (!this.patchCodings(file, patch.file, patch)) this.invalidate();
  }

  /** Places a transcript's codings again after its text changed outside the editor. */
  private reanchorDoc(doc: string, oldText: string | undefined, newText: string): void {
    const fileCodings = this.fileCodingsOfDoc(doc);
    const previous = this.anchored.get(doc);
    // Start from where each coding was last known to be (an earlier re-anchoring), so a
    // second outside edit maps from the right old text.
    const current = fileCodings.map((c) => {
      const prev = previous?.get(c.id);
      return prev && prev.from === anchorKey(c) ? prev.result.coding : c;
    });
    const results = reanchor(current, newText, oldText);
    const map = new Map<string, { from: string; result: ReanchorResult }>();
    results.forEach((r, i) => {
      const prev = previous?.get(fileCodings[i].id);
      // A coding that only moved because of this edit keeps the strongest earlier status.
      const status = prev && prev.result.status !== 'kept' && r.status === 'kept' ? prev.result.status : r.status;
      map.set(fileCodings[i].id, { from: anchorKey(fileCodings[i]), result: { ...r, status } });
    });
    this.anchored.set(doc, map);
  }

  // ---- live editing of an open transcript ----------------------------------------------

  /** A transcript was opened in the editor with this text. */
  openTranscript(path: string, text: string): void {
    if (this.roleOf(path) !== 'transcript') return;
    const disk = this.texts.get(path);
    const files = this.fileCodingsOfDoc(path);
    const codings = files.map((c) => this.effective(c));
    const same = disk === text;
    const placed = disk === undefined || same ? codings : reanchor(codings, text, disk).map((r) => r.coding);
    // Each live coding follows its file line from now on (see LiveAnchors.synced).
    const anchors = new LiveAnchors(text, placed, files);
    this.live.set(path, anchors);
    if (!same) this.setText(path, text, 'transcript');
    if (same && this.pointInfosAtLive(path, anchors)) return;
    this.invalidateDoc(path);
  }

  /**
   * Opened with the text on disk: the doc's codings stay where they were, so their infos keep
   * their informants and anchoring and only need to hold the live codings (which keystrokes
   * shift in place) and lose the re-anchoring status (not shown while live) — instead of
   * recomputing all of them (10,000 in the benchmark's 1 MB transcript) at the next query.
   * False, changing nothing, when a coding is not where its info says (the full refresh).
   */
  private pointInfosAtLive(path: string, anchors: LiveAnchors): boolean {
    const d = this.derived;
    if (!d || this.dirtyDocs.has(path) || this.dirtyIds.has(path)) return false;
    const infos = d.byDoc.get(path) ?? [];
    const lives: Coding[] = [];
    for (const info of infos) {
      const c = anchors.get(info.coding.id);
      if (!c || c.start !== info.coding.start || c.end !== info.coding.end || c.exact !== info.coding.exact || anchors.isOrphan(c.id)) return false;
      lives.push(c);
    }
    infos.forEach((info, i) => {
      info.coding = lives[i];
      if (info.status !== undefined) delete info.status;
      if (info.score !== undefined) delete info.score;
    });
    this.version++;
    this.diagnosticsCache = undefined;
    return true;
  }

  isLive(path: string): boolean {
    return this.live.has(path);
  }

  /** LSP incremental changes, in order; shifts the document's codings. */
  editTranscript(path: string, changes: readonly TextChange[], textAfter: TextSource): void {
    const anchors = this.live.get(path);
    if (!anchors) {
      void this.update(path, textAfter.toString());
      return;
    }
    const before = anchors.source;
    const wholesale = changes.some((c) => c.end - c.start > before.length / 2);
    if (wholesale) {
      // Revert, "replace all" or a paste over most of the file: shifting would orphan every
      // coding in the replaced span, so place them again as after an outside change.
      const after = textAfter.toString();
      const current = anchors.codings;
      const placed = reanchor(current, after, before.toString()).map((r) => r.coding);
      this.live.set(path, new LiveAnchors(textAfter, placed, current.map((c) => anchors.sourceOf(c.id)!)));
      this.setText(path, after, 'transcript');
      this.invalidateDoc(path);
      return;
    }
    const summary = anchors.applyChanges(changes, textAfter);
    const transcript = this.transcripts.get(path);
    if (transcript && shiftTurns(transcript, before, changes, textAfter)) {
      // The keystroke path: turns shifted in place, and only the codings the change touched
      // get fresh infos; the others are the live Coding objects, already shifted. The text
      // is held as it came (an editor's PieceText): its string is built when a reader asks.
      this.texts.setSource(path, textAfter);
      this.version++;
      this.diagnosticsCache = undefined;
      if (this.derived) {
        const ids = this.dirtyIds.get(path) ?? new Set<string>();
        for (const id of summary.changed) ids.add(id);
        for (const id of summary.orphaned) ids.add(id);
        for (const id of summary.restored) ids.add(id);
        this.dirtyIds.set(path, ids);
      }
      return;
    }
    this.setText(path, textAfter.toString(), 'transcript');
    this.invalidateDoc(path);
  }

  /**
   * The transcript was saved: the edits that make the codings files match it (shifted offsets
   * and selectors). Files that must not be rewritten (malformed, conflicts) are left out.
   */
  codingEditsForSavedTranscript(path: string): FileEdit[] {
    const anchors = this.live.get(path);
    return anchors ? this.codingsFileEdits(path, (id) => anchors.get(id)) : this.reanchoredCodingEdits(path);
  }

  /**
   * After an outside change: the edits that write re-anchored offsets to the codings files.
   * A fuzzy match is written with `"review": "fuzzy"` so the flag survives until the analyst
   * accepts it.
   */
  reanchoredCodingEdits(doc: string): FileEdit[] {
    // Building the index places codings that do not match their text yet (the transcript may
    // have changed on disk before this file event, e.g. while its editor was closing).
    void this.d;
    const results = this.anchored.get(doc);
    if (!results) return [];
    return this.codingsFileEdits(doc, (id) => {
      const r = results.get(id)?.result;
      if (!r || r.status === 'orphaned') return undefined;
      return r.status === 'fuzzy' ? { ...r.coding, extra: { ...r.coding.extra, review: 'fuzzy' } } : r.coding;
    });
  }

  private codingsFileEdits(doc: string, placed: (id: string) => Coding | undefined): FileEdit[] {
    const out: FileEdit[] = [];
    for (const file of this.codingsFiles.values()) {
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

  /** The editor closed the transcript: unsaved edits are gone, so are their shifted offsets. */
  closeTranscript(path: string, diskText: string | undefined): void {
    if (!this.live.delete(path)) return;
    if (diskText !== undefined) this.setText(path, diskText, 'transcript');
    this.invalidateDoc(path);
  }

  /**
   * The codings files' codings of one doc. From the index's per-document list when it is
   * built (its membership is kept current: codings files that change either patch it or
   * drop it), so opening a transcript costs its own codings, not a pass over every coding of
   * the project (50,000 in the benchmark). By position then, in file order without the index.
   */
  private fileCodingsOfDoc(doc: string): Coding[] {
    const d = this.derived;
    if (d) return (d.byDoc.get(doc) ?? []).map((info) => d.source.get(info)!);
    const out: Coding[] = [];
    for (const f of this.codingsFiles.values()) for (const l of f.lines) if (l.coding.doc === doc) out.push(l.coding);
    return out;
  }

  private effective(c: Coding): Coding {
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

  private remove(path: string, role: FileRole): void {
    this.texts.delete(path);
    this.roles.delete(path);
    if (role === 'transcript') {
      this.transcripts.delete(path);
      this.transcriptDiagnostics.delete(path);
    } else if (role === 'codings') this.codingsFiles.delete(path);
    else if (role === 'codebook') {
      this.codebook = { path, categories: [], codes: [] };
      this.codebookDiagnostics = [];
      this.notes.delete(path);
    } else this.notes.delete(path);
  }

  private setText(path: string, text: string, role: FileRole): void {
    this.texts.set(path, text);
    this.roles.set(path, role);
    switch (role) {
      case 'transcript': {
        const scanned = scanTranscript(path, text, this.config.interviewers);
        this.transcripts.set(path, scanned.transcript);
        this.transcriptDiagnostics.set(path, scanned.diagnostics);
        break;
      }
      case 'codebook': {
        const parsed = parseCodebook(path, text);
        this.codebook = parsed.codebook;
        this.codebookDiagnostics = parsed.diagnostics;
        this.notes.set(path, { path, role: 'codebook', title: parsed.codebook.title, links: findLinks(text) });
        break;
      }
      case 'memo':
      case 'chapter':
        this.notes.set(path, { path, role, title: noteTitle(text), links: findLinks(text) });
        break;
      case 'codings':
        this.codingsFiles.set(path, parseCodingsFile(path, coderOfCodingsFile(path), text, this.codingsFiles.get(path)));
        break;
      default:
        break;
    }
  }

  private invalidate(): void {
    this.version++;
    this.derived = undefined;
    this.dirtyDocs.clear();
    this.dirtyIds.clear();
    this.diagnosticsCache = undefined;
  }

  /**
   * One transcript's text changed (a keystroke, an outside edit): its codings are refreshed in
   * place at the next query instead of rebuilding the index of every coding (50,000 in the
   * benchmark) — the sets of codings, codes and notes are unchanged.
   */
  private invalidateDoc(path: string): void {
    this.version++;
    this.diagnosticsCache = undefined;
    if (this.derived) this.dirtyDocs.add(path);
  }

  /** The index entry of one coding of a codings file: where it is now, its speakers, its status. */
  private codingInfo(source: Coding, file: string): CodingInfo {
    const coding = this.effective(source);
    const transcript = this.transcripts.get(coding.doc);
    // Slices only: an open transcript's text is not built whole for this.
    const text = this.texts.source(coding.doc);
    const anchored = text !== undefined && coding.start < coding.end && coding.end <= text.length && text.slice(coding.start, coding.end) === coding.exact;
    const informants = transcript ? speakersOf(transcript, coding.start, coding.end).filter((l) => transcript.informants.includes(l)) : [];
    const placed = this.anchored.get(coding.doc)?.get(coding.id);
    const info: CodingInfo = { coding, file, informants, anchored };
    if (placed && placed.from === anchorKey(source) && !this.live.has(coding.doc)) {
      info.status = placed.result.status;
      if (placed.result.score !== undefined) info.score = placed.result.score;
    }
    return info;
  }

  /**
   * A codings file changed by a few lines (a coding made or removed): patches the index with
   * the removed and added codings instead of rebuilding it. Unchanged lines keep their Coding
   * objects (parseCodingsFile reuses them). False when a full rebuild is needed.
   */
  private patchCodings(before: CodingsFile | undefined, after: CodingsFile | undefined, known?: { removed: Coding[]; added: Coding[] }): boolean {
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
      if (!info.anchored && this.texts.has(c.doc) && !this.live.has(c.doc)) this.dirtyDocs.add(c.doc);
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
    this.version++;
    this.diagnosticsCache = undefined;
    return true;
  }

  /** Refreshes the infos of the transcripts in dirtyDocs, in place (byCode and byId share them). */
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
      const text = this.live.has(doc) ? undefined : this.texts.get(doc);
      if (text !== undefined) {
        // As in the full build: codings that no longer match and were not placed yet.
        const misplaced = infos.some((info) => {
          const c = d.source.get(info)!;
          const a = this.anchored.get(doc)?.get(c.id);
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

  private get d(): Derived {
    if (this.derived) {
      if (this.dirtyDocs.size > 0) this.refreshDirtyDocs(this.derived);
      if (this.dirtyIds.size > 0) this.refreshDirtyIds(this.derived);
      return this.derived;
    }
    const byCode = new Map<string, CodingInfo[]>();
    const byDoc = new Map<string, CodingInfo[]>();
    const byId = new Map<string, CodingInfo>();
    // Codings that do not match their text at the stored offsets, in documents not yet
    // re-anchored (the transcript changed while nothing was watching): place them first.
    const needsPlacing = new Set<string>();
    for (const file of this.codingsFiles.values()) {
      for (const { coding } of file.lines) {
        const text = this.texts.get(coding.doc);
        if (text === undefined || this.live.has(coding.doc)) continue;
        const a = this.anchored.get(coding.doc)?.get(coding.id);
        if (a && a.from === anchorKey(coding)) continue;
        if (text.slice(coding.start, coding.end) !== coding.exact) needsPlacing.add(coding.doc);
      }
    }
    for (const doc of needsPlacing) this.reanchorDoc(doc, undefined, this.texts.get(doc)!);
    const source = new Map<CodingInfo, Coding>();
    for (const file of this.codingsFiles.values()) {
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
    const codeIndex = new Map<string, CodebookCode>();
    for (const c of this.codebook.codes) if (!codeIndex.has(normalizeName(c.name))) codeIndex.set(normalizeName(c.name), c);
    const categoryIndex = new Map<string, CodebookCategory>();
    for (const c of this.codebook.categories) if (!categoryIndex.has(normalizeName(c.name))) categoryIndex.set(normalizeName(c.name), c);
    const noteIndex = new Map<string, NoteFile>();
    for (const note of this.notes.values()) {
      if (note.role === 'codebook') continue;
      const fileName = normalizeName(stripExtension(basename(note.path)));
      if (!noteIndex.has(fileName)) noteIndex.set(fileName, note);
      if (note.title && !noteIndex.has(normalizeName(note.title))) noteIndex.set(normalizeName(note.title), note);
    }
    this.derived = { byCode, byDoc, byId, codeIndex, categoryIndex, noteIndex, source, counts: new Map() };
    return this.derived;
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

  findCode(name: string): CodebookCode | undefined {
    return this.d.codeIndex.get(normalizeName(name));
  }

  findCategory(name: string): CodebookCategory | undefined {
    return this.d.categoryIndex.get(normalizeName(name));
  }

  /** Codes first, then categories, then notes by file name or title. */
  resolveLink(target: string): LinkTarget | undefined {
    const key = normalizeName(target);
    const code = this.d.codeIndex.get(key);
    if (code) return { kind: 'code', code };
    const category = this.d.categoryIndex.get(key);
    if (category) return { kind: 'category', category };
    const note = this.d.noteIndex.get(key) ?? this.d.noteIndex.get(normalizeName(stripExtension(basename(target))));
    if (note) return { kind: 'note', path: note.path, title: note.title };
    return undefined;
  }

  /** Every [[link]] in memos, chapters and the codebook whose target resolves to the name. */
  linksTo(name: string): Array<{ path: string; link: WikiLink }> {
    const target = this.resolveLink(name);
    const out: Array<{ path: string; link: WikiLink }> = [];
    for (const note of this.notes.values()) {
      for (const link of note.links) {
        const t = this.resolveLink(link.target);
        if (t && target && sameTarget(t, target)) out.push({ path: note.path, link });
        else if (!t && !target && normalizeName(link.target) === normalizeName(name)) out.push({ path: note.path, link });
      }
    }
    return out;
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

  /** Codes under a category (and its sub-categories). */
  codesInCategory(category: CodebookCategory): CodebookCode[] {
    return this.codebook.codes.filter((c) => c.range.start >= category.range.start && c.range.end <= category.range.end);
  }

  colorOf(code: string): string {
    return colorOf(code, this.config.colors);
  }

  informantLabels(): string[] {
    const set = new Set<string>(Object.keys(this.config.informants));
    for (const t of this.transcripts.values()) for (const i of t.informants) set.add(i);
    return [...set].sort();
  }

  /** Every diagnostic the editor shows and `qda check` prints, by file. */
  diagnostics(): Map<string, QdaDiagnostic[]> {
    if (this.diagnosticsCache) return this.diagnosticsCache;
    const out = new Map<string, QdaDiagnostic[]>();
    const add = (d: QdaDiagnostic): void => {
      if (this.config.disabledChecks.includes(d.code)) return;
      push(out, d.path, d);
    };
    this.configDiagnostics.forEach(add);
    this.codebookDiagnostics.forEach(add);
    for (const list of this.transcriptDiagnostics.values()) list.forEach(add);

    // Duplicate code names: the second and later definitions are errors.
    const firstByName = new Map<string, CodebookCode>();
    for (const code of this.codebook.codes) {
      const key = normalizeName(code.name);
      const first = firstByName.get(key);
      if (first) {
        add({
          path: this.codebook.path,
          range: code.nameRange,
          severity: 'error',
          code: 'qda.duplicateCode',
          message: `Duplicate code name '${code.name}': already defined on line ${first.line + 1}. Code names must be unique (case and Unicode form are ignored).`,
          data: { name: code.name, firstLine: first.line },
        });
      } else firstByName.set(key, code);
    }

    // 50,000 codings in the benchmark, checked after every change: look things up once.
    const d = this.d;
    const knownCode = new Map<string, boolean>();
    for (const file of this.codingsFiles.values()) {
      file.diagnostics.forEach(add);
      for (const line of file.lines) {
        const c = line.coding;
        let known = knownCode.get(c.code);
        if (known === undefined) knownCode.set(c.code, (known = d.codeIndex.has(normalizeName(c.code))));
        const info = d.byId.get(c.id);
        const fine = known && info !== undefined && info.anchored && info.status !== 'fuzzy' && c.extra?.review !== 'fuzzy';
        if (fine) continue;
        const range = { start: line.start, end: line.end };
        if (!known) {
          add({
            path: file.path,
            range,
            severity: 'warning',
            code: 'qda.unknownCode',
            message: `Coding ${c.id} uses code '${c.code}', which ${this.codebook.path} does not define (line ${line.line + 1}).`,
            data: { id: c.id, code: c.code },
          });
        }
        if (!this.transcripts.has(c.doc)) {
          add({ path: file.path, range, severity: 'warning', code: 'qda.orphanCoding', message: `Coding ${c.id} (${c.code}) points to ${c.doc}, which is not a transcript of this project (line ${line.line + 1}). It is kept.`, data: { id: c.id } });
        } else {
          if (info && !info.anchored) {
            add({ path: file.path, range, severity: 'warning', code: 'qda.orphanCoding', message: `Coding ${c.id} (${c.code}) no longer matches its text in ${c.doc} (line ${line.line + 1}): "${truncate(c.exact, 60)}". It is kept as an orphan; re-attach or delete it.`, data: { id: c.id } });
            const text = this.texts.get(c.doc) ?? '';
            const at = Math.min(info.coding.start, text.length);
            add({ path: c.doc, range: { start: at, end: Math.min(Math.max(info.coding.end, at), text.length) }, severity: 'warning', code: 'qda.orphanCoding', message: `Orphaned coding '${c.code}' (${c.coder}) was here: "${truncate(c.exact, 60)}".`, data: { id: c.id } });
          } else if (info && (info.status === 'fuzzy' || c.extra?.review === 'fuzzy')) {
            const score = info.score !== undefined ? ` (${Math.round(info.score * 100)}% similar)` : '';
            add({ path: file.path, range, severity: 'information', code: 'qda.fuzzyCoding', message: `Coding ${c.id} (${c.code}) was re-attached by approximate match${score} after ${c.doc} changed (line ${line.line + 1}); review it.`, data: { id: c.id } });
            add({ path: c.doc, range: { start: info.coding.start, end: info.coding.end }, severity: 'information', code: 'qda.fuzzyCoding', message: `Coding '${c.code}' (${c.coder}) was re-attached here by approximate match${score}; it was "${truncate(c.exact, 60)}". Review it.`, data: { id: c.id } });
          }
        }
      }
    }

    for (const note of this.notes.values()) {
      for (const link of note.links) {
        if (link.target === '' || this.resolveLink(link.target)) continue;
        add({
          path: note.path,
          range: link.range,
          severity: 'warning',
          code: 'qda.unresolvedLink',
          message: `[[${link.target}]] resolves to no code, category or note.`,
          data: { target: link.target },
        });
      }
    }
    quoteDiagnostics(this).forEach(add);
    methodologicalChecks(this).forEach(add);
    this.privacyDiagnostics().forEach(add);
    for (const list of out.values()) list.sort((a, b) => a.range.start - b.range.start);
    this.diagnosticsCache = out;
    return out;
  }

  /** qda.realName in transcripts, memos, chapters and the codebook; never in the identifiers file. */
  private privacyDiagnostics(): QdaDiagnostic[] {
    const path = this.config.identifiers;
    this.privacy.configure(path, this.identifiersText, [...Object.keys(this.config.informants), ...this.config.interviewers]);
    if (this.privacy.error) {
      const text = this.texts.get(CONFIG_FILE) ?? '';
      const at = /^identifiers\s*:/m.exec(text);
      return [{ path: CONFIG_FILE, range: { start: at?.index ?? 0, end: at ? at.index + at[0].length - 1 : 0 }, severity: 'warning', code: 'qda.identifiersParse', message: `${this.privacy.error.message}. The privacy check (real names in the text) is off until it is fixed.` }];
    }
    const out: QdaDiagnostic[] = [];
    for (const [file, role] of this.roles) {
      if (file === path || (role !== 'transcript' && role !== 'memo' && role !== 'chapter' && role !== 'codebook')) continue;
      out.push(...this.privacy.check(file, this.texts.get(file) ?? ''));
    }
    return out;
  }

  stats(): ProjectStats {
    const codingsPerCoder: Record<string, number> = {};
    for (const f of this.codingsFiles.values()) codingsPerCoder[f.coder] = (codingsPerCoder[f.coder] ?? 0) + f.lines.length;
    let words = 0;
    for (const t of this.transcripts.values()) words += t.words;
    return {
      documents: this.transcripts.size,
      words,
      informants: this.informantLabels().length,
      codes: this.codebook.codes.length,
      categories: this.codebook.categories.length,
      codings: Object.values(codingsPerCoder).reduce((a, b) => a + b, 0),
      codingsPerCoder,
      memos: [...this.notes.values()].filter((n) => n.role === 'memo').length,
      chapters: [...this.notes.values()].filter((n) => n.role === 'chapter').length,
    };
  }
}

/** Files read at once while loading a project. */
const LOAD_CONCURRENCY = 8;

export interface ProjectStats {
  documents: number;
  words: number;
  informants: number;
  codes: number;
  categories: number;
  codings: number;
  codingsPerCoder: Record<string, number>;
  memos: number;
  chapters: number;
}

/** Sorts a doc's infos by position, unless they already are (a shift keeps their order). */
function sortByPosition(infos: CodingInfo[] | undefined): void {
  if (!infos) return;
  for (let i = 1; i < infos.length; i++) {
    const a = infos[i - 1].coding;
    const b = infos[i].coding;
    if (a.start > b.start || (a.start === b.start && a.end > b.end)) {
      infos.sort((x, y) => x.coding.start - y.coding.start || x.coding.end - y.coding.end);
      return;
    }
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function anchorKey(c: Coding): string {
  return `${c.start}:${c.end}:${c.exact}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function sameTarget(a: LinkTarget, b: LinkTarget): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'code' && b.kind === 'code') return a.code === b.code;
  if (a.kind === 'category' && b.kind === 'category') return a.category === b.category;
  if (a.kind === 'note' && b.kind === 'note') return a.path === b.path;
  return false;
}

/** A note's title: frontmatter `title:`, else its first H1. */
export function noteTitle(text: string): string | undefined {
  const { yaml } = splitFrontmatter(text);
  const fm = yaml && /^title:\s*["']?(.+?)["']?\s*$/m.exec(yaml);
  if (fm) return fm[1];
  const h1 = /^#[ \t]+(.+?)[ \t#]*$/m.exec(text);
  return h1?.[1];
}

export function truncate(s: string, n: number): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length <= n ? flat : flat.slice(0, n - 1) + '…';
}

/** Coder names become file names: keep them to safe characters. */
export function sanitizeCoder(name: string): string {
  const s = name.normalize('NFC').trim().toLowerCase().replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^[-.]+|-+$/g, '');
  return s || 'coder';
}

/** Removes the members of `gone` from `list` in place, in one pass. */
function removeAll<T>(list: T[] | undefined, gone: ReadonlySet<T>): void {
  if (!list) return;
  let j = 0;
  for (const x of list) if (!gone.has(x)) list[j++] = x;
  list.length = j;
}

/** What an index entry adds to countsOfCode (code normalised). */
interface Counted {
  code: string;
  doc: string;
  coder: string;
  informants: readonly string[];
}

function countedAs(info: CodingInfo): Counted {
  return { code: normalizeName(info.coding.code), doc: info.coding.doc, coder: info.coding.coder, informants: info.informants };
}

/** Whether two index entries of one coding count the same in countsOfCode. */
function sameCounted(a: Counted, b: Counted): boolean {
  return a.code === b.code && a.doc === b.doc && a.coder === b.coder && sameList(a.informants, b.informants);
}
