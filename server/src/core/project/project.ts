// The workspace index: every project file parsed once, then kept current file by file. A thin
// façade over three parts: the file store (fileStore.ts: texts, parsed transcripts, codebook,
// notes, codings files), the derived coding index with its patching (codingIndex.ts), and the
// live-anchoring / re-anchoring state of transcripts (anchorState.ts). Project decides which parts
// a change touches; derived views are rebuilt lazily after a change (one rebuild per burst of
// file events). Diagnostics over a project are gathered above it, in core/checks/diagnostics.ts.
import type { FileSystem } from '../model/fs';
import type { FileEdit } from '../model/edits';
import type { Codebook, CodebookCategory, CodebookCode, QdaDiagnostic, Transcript } from '../model/model';
import { CONFIG_FILE, codingsFileOf, type FileRole, type ProjectConfig } from '../parse/config';
import { patchCodingsFile, type CodingsFile } from '../parse/codings';
import { shiftTurns } from '../parse/transcript';
import type { WikiLink } from '../parse/links';
import { colorOf } from '../model/colors';
import { LiveAnchors, reanchor, type TextChange } from '../anchoring';
import type { TextMap, TextSource } from '../text/pieceText';
import { FileStore, type NoteFile, type ProjectStats } from './fileStore';
import { AnchorState, codingsFileEdits } from './anchorState';
import { CodingIndex } from './codingIndex';
import type { CodeCounts, CodingInfo } from './indexEntries';
import { linksTo, type LinkTarget } from './nameIndex';

export type { NoteFile, ProjectStats } from './fileStore';
export { noteTitle } from './fileStore';
export type { CodeCounts, CodingInfo } from './indexEntries';
export type { LinkTarget } from './nameIndex';

export class Project {
  private readonly store: FileStore;
  private readonly anchors = new AnchorState();
  private readonly index: CodingIndex;
  /** Bumped on every change; features and the client use it to know when to refresh. */
  version = 0;

  constructor(readonly fs: FileSystem, private readonly fallbackCoder = 'coder') {
    // A transcript read anew or removed moves its docVersion, whatever path did it (fileStore.ts).
    this.store = new FileStore(fs, (doc) => (this.index.transcriptReplaced(doc), this.version++));
    this.index = new CodingIndex(this.store, this.anchors);
  }

  get config(): ProjectConfig {
    return this.store.config;
  }

  get codebook(): Codebook {
    return this.store.codebook;
  }

  // ---- the file store's maps, for core only (elsewhere the named queries below; lint keeps it so)

  /** Every project file's text, by path (core only). */
  get texts(): TextMap {
    return this.store.texts;
  }

  /** Every project file's role, by path (core only). */
  get roles(): ReadonlyMap<string, FileRole> {
    return this.store.roles;
  }

  /** The parsed transcripts, by path (core only). */
  get transcripts(): ReadonlyMap<string, Transcript> {
    return this.store.transcripts;
  }

  /** Memos, chapters and the codebook as notes, by path (core only). */
  get notes(): ReadonlyMap<string, NoteFile> {
    return this.store.notes;
  }

  /** The parsed codings files, by path (core only). */
  get codingsFiles(): ReadonlyMap<string, CodingsFile> {
    return this.store.codingsFiles;
  }

  // ---- named queries on the files --------------------------------------------------------

  /** A file's text as held: a project file's, or the identifiers file's (qda.yaml `identifiers`, never part of a diagnostic). */
  heldText(path: string): string | undefined {
    return path === this.config.identifiers ? this.store.identifiersText : this.store.texts.get(path);
  }

  /** A project file's text (undefined when the project has no such file). */
  textOf(path: string): string | undefined {
    return this.store.texts.get(path);
  }

  /**
   * A project file's text as it is held (an open transcript's piece table): for slices and
   * lengths without building the whole string.
   */
  textSourceOf(path: string): TextSource | undefined {
    return this.store.texts.source(path);
  }

  /** Whether the project has this file (any role, qda.yaml too). */
  hasFile(path: string): boolean {
    return this.store.texts.has(path);
  }

  transcriptOf(path: string): Transcript | undefined {
    return this.store.transcripts.get(path);
  }

  isTranscript(path: string): boolean {
    return this.store.transcripts.has(path);
  }

  /** A memo, chapter or the codebook, as a note. */
  noteOf(path: string): NoteFile | undefined {
    return this.store.notes.get(path);
  }

  /** Every memo, chapter and the codebook, as notes. */
  allNotes(): NoteFile[] {
    return [...this.store.notes.values()];
  }

  /** A parsed codings file (.qda/codings/…), by path. */
  codingsFile(path: string): CodingsFile | undefined {
    return this.store.codingsFiles.get(path);
  }

  /** The diagnostics of reading the files: qda.yaml, the codebook and the transcripts. */
  parseDiagnostics(): QdaDiagnostic[] {
    const out = [...this.store.configDiagnostics, ...this.store.codebookDiagnostics];
    for (const list of this.store.transcriptDiagnostics.values()) out.push(...list);
    return out;
  }

  /** The coder whose file new codings go to: qda.yaml, else the editor's setting / git user. */
  get coder(): string {
    return sanitizeCoder(this.config.coder ?? this.fallbackCoder);
  }

  /** The file the coder's new codings of `doc` go to (codings stay where they are when changed). */
  codingsFileFor(doc: string): string {
    return codingsFileOf(this.coder, doc);
  }

  roleOf(path: string): FileRole {
    return this.store.roleOf(path);
  }

  // ---- changes -------------------------------------------------------------------------

  /** Reads the whole project; `configText` is qda.yaml as an editor holds it, when it does. */
  async load(configText?: string): Promise<void> {
    await this.store.load(configText);
    // Read again (qda.yaml changed): a closed transcript's placements hold only in the text they were made in.
    for (const doc of [...this.anchors.anchored.keys()]) if (!this.anchors.live.has(doc)) this.anchors.textIs(doc, this.store.texts.get(doc));
    this.invalidate();
  }

  /**
   * A file's text changed (editor change, save, or on disk), or it was deleted (undefined).
   * Returns false when the file is not part of the project.
   */
  async update(path: string, text: string | undefined): Promise<boolean> {
    const { store, anchors } = this;
    if (path === CONFIG_FILE) {
      // Globs, interviewers and the codebook path may change: re-read everything — except
      // what the editor holds: an open transcript keeps its text (unsaved edits too) and its
      // live, shifted codings, instead of the disk's older text.
      const editorTexts = new Map([...anchors.live.keys()].map((p) => [p, store.texts.get(p)] as const));
      store.clear();
      // The files are classified by the new settings (the editor's text when it has one).
      await this.load(text);
      for (const [p, editorText] of editorTexts) {
        if (editorText !== undefined && store.roleOf(p) === 'transcript') store.setText(p, editorText, 'transcript');
        else anchors.live.delete(p); // no longer a transcript by the new globs
      }
      this.invalidate();
      return true;
    }
    if (path === this.config.identifiers) {
      store.identifiersText = text;
      this.invalidate();
      return true;
    }
    const role = store.roleOf(path);
    if (role === 'other') return false;
    const before = store.texts.get(path);
    const beforeCodings = role === 'codings' ? store.codingsFiles.get(path) : undefined;
    if (text === undefined) store.remove(path, role);
    else store.setText(path, text, role);
    if (role === 'transcript' && !anchors.live.has(path)) {
      if (text !== undefined && before !== undefined && before !== text) this.index.reanchorDoc(path, before, text);
      else anchors.textIs(path, text); // the same text, or deleted, or new: placements in another text do not hold
    }
    // framework.md holds notes, no codes nor codings: nothing derived from the index changes.
    if (role === 'framework') this.version++;
    else if (role === 'transcript') this.invalidateDoc(path);
    else if (!(role === 'codings' && this.patched(beforeCodings, store.codingsFiles.get(path)))) this.invalidate();
    return true;
  }

  /**
   * An open codings file changed in the editor (a coding operation's edit being applied): a
   * change of whole lines patches the parsed file instead of parsing 25,000 lines again.
   */
  async editCodingsFile(path: string, changes: readonly TextChange[], textAfter: string): Promise<void> {
    const file = this.store.codingsFiles.get(path);
    const before = this.store.texts.get(path);
    const patch = file && before !== undefined && changes.length === 1 ? patchCodingsFile(file, before, changes[0]) : undefined;
    if (!patch) {
      await this.update(path, textAfter);
      return;
    }
    this.store.texts.set(path, textAfter);
    this.store.codingsFiles.set(path, patch.file);
    if (!this.patched(file, patch.file, patch)) this.invalidate();
  }

  /** Patches the index after a codings file changed by a few lines; false when it must be rebuilt. */
  private patched(before: CodingsFile | undefined, after: CodingsFile | undefined, known?: { removed: CodingInfo['coding'][]; added: CodingInfo['coding'][] }): boolean {
    if (!this.index.patchCodings(before, after, known)) return false;
    this.version++;
    return true;
  }

  // ---- live editing of an open transcript ----------------------------------------------

  /** A transcript was opened in the editor with this text. */
  openTranscript(path: string, text: string): void {
    if (this.roleOf(path) !== 'transcript') return;
    const disk = this.store.texts.get(path);
    const files = this.index.fileCodingsOfDoc(path);
    const codings = files.map((c) => this.anchors.effective(c));
    const same = disk === text;
    const placed = disk === undefined || same ? codings : reanchor(codings, text, disk).map((r) => r.coding);
    // Each live coding follows its file line from now on (see LiveAnchors.synced).
    const anchors = new LiveAnchors(text, placed, files);
    this.anchors.live.set(path, anchors);
    if (!same) this.store.setText(path, text, 'transcript');
    if (same && this.index.pointInfosAtLive(path, anchors)) {
      this.version++;
      return;
    }
    this.invalidateDoc(path);
  }

  isLive(path: string): boolean {
    return this.anchors.live.has(path);
  }

  /** LSP incremental changes, in order; shifts the document's codings. */
  editTranscript(path: string, changes: readonly TextChange[], textAfter: TextSource): void {
    const anchors = this.anchors.live.get(path);
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
      this.anchors.live.set(path, new LiveAnchors(textAfter, placed, current.map((c) => anchors.sourceOf(c.id)!)));
      this.store.setText(path, after, 'transcript');
      this.invalidateDoc(path);
      return;
    }
    const summary = anchors.applyChanges(changes, textAfter);
    const transcript = this.store.transcripts.get(path);
    if (transcript && shiftTurns(transcript, before, changes, textAfter)) {
      // The keystroke path: turns shifted in place, and only the codings the change touched
      // get fresh infos; the others are the live Coding objects, already shifted. The text
      // is held as it came (an editor's PieceText): its string is built when a reader asks.
      this.store.texts.setSource(path, textAfter);
      this.version++;
      this.index.invalidateIds(path, summary);
      return;
    }
    this.store.setText(path, textAfter.toString(), 'transcript');
    this.invalidateDoc(path);
  }

  /**
   * The transcript was saved: the edits that make the codings files match it (shifted offsets
   * and selectors). Files that must not be rewritten (malformed, conflicts) are left out.
   */
  codingEditsForSavedTranscript(path: string): FileEdit[] {
    const live = this.anchors.livePlacement(path);
    return live ? codingsFileEdits(this.store.codingsFiles.values(), path, live) : this.reanchoredCodingEdits(path);
  }

  /**
   * After an outside change: the edits that write re-anchored offsets to the codings files.
   * A fuzzy match is written with `"review": "fuzzy"` so the flag survives until the analyst
   * accepts it.
   */
  reanchoredCodingEdits(doc: string): FileEdit[] {
    // Building the index places codings that do not match their text yet (the transcript may
    // have changed on disk before this file event, e.g. while its editor was closing).
    this.index.refresh();
    const placed = this.anchors.reanchoredPlacement(doc);
    return placed ? codingsFileEdits(this.store.codingsFiles.values(), doc, placed) : [];
  }

  /** The editor closed the transcript: unsaved edits are gone, so are their shifted offsets. */
  closeTranscript(path: string, diskText: string | undefined): void {
    if (!this.anchors.live.delete(path)) return;
    // Gone from disk (renamed or deleted while open): gone from the index now, not at its file event.
    if (diskText !== undefined) this.store.setText(path, diskText, 'transcript');
    else this.store.remove(path, 'transcript');
    // Codings placed after an outside change, before or while it was open, hold only if this is
    // still the text they were placed in (the editor may have changed and saved it since).
    this.anchors.textIs(path, this.store.texts.get(path));
    this.invalidateDoc(path);
  }

  private invalidate(): void {
    this.version++;
    this.index.invalidate();
  }

  /** One transcript's text changed: only its codings are refreshed, at the next query. */
  private invalidateDoc(path: string): void {
    this.version++;
    this.index.invalidateDoc(path);
  }

  // ---- queries on the index --------------------------------------------------------------

  codingsOfCode(name: string): CodingInfo[] {
    return this.index.codingsOfCode(name);
  }

  codingsOfDoc(path: string): CodingInfo[] {
    return this.index.codingsOfDoc(path);
  }

  /** Changes whenever the document's codings, text or turns may have (analysis/recount.ts). */
  docVersion(path: string): string {
    return this.index.docVersion(path);
  }

  codingById(id: string): CodingInfo | undefined {
    return this.index.codingById(id);
  }

  allCodings(): CodingInfo[] {
    return this.index.allCodings();
  }

  findCode(name: string): CodebookCode | undefined {
    return this.index.names().findCode(name);
  }

  findCategory(name: string): CodebookCategory | undefined {
    return this.index.names().findCategory(name);
  }

  /** Codes first, then categories, then notes by file name or title. */
  resolveLink(target: string): LinkTarget | undefined {
    return this.index.names().resolveLink(target);
  }

  /** Every [[link]] in memos, chapters and the codebook whose target resolves to the name. */
  linksTo(name: string): Array<{ path: string; link: WikiLink }> {
    return linksTo(this.index.names(), this.store.notes.values(), name);
  }

  countsOfCode(name: string): CodeCounts {
    return this.index.countsOfCode(name);
  }

  /** Codes under a category (and its sub-categories). */
  codesInCategory(category: CodebookCategory): CodebookCode[] {
    return this.codebook.codes.filter((c) => c.range.start >= category.range.start && c.range.end <= category.range.end);
  }

  colorOf(code: string): string {
    return colorOf(code, this.config.colors);
  }

  informantLabels(): string[] {
    return this.store.informantLabels();
  }

  stats(): ProjectStats {
    return this.store.stats();
  }
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
