// The server's view of the project: the core Project plus what LSP needs around it —
// URIs, offset <-> position conversion, and the documents open in the editor: their texts and
// versions, the in-order queue their events go through, and where each event goes (an open
// transcript is followed live, a codings file is patched, anything else is read again).
import { URI } from 'vscode-uri';
import * as path from 'node:path';
import {
  FileChangeType,
  type DidChangeTextDocumentParams,
  type DidChangeWatchedFilesParams,
  type DidCloseTextDocumentParams,
  type DidOpenTextDocumentParams,
  type DidSaveTextDocumentParams,
  type Position,
  type Range,
} from 'vscode-languageserver';
import type { Project } from './core/project/project';
import { LineIndex } from './core/text/text';
import { PieceText, type TextSource } from './core/text/pieceText';
import type { OffsetRange } from './core/model/model';
import { codingsFilePosition } from './core/parse/codings';
import { CONFIG_FILE } from './core/parse/config';
import { applyToDisk, type FileEdit } from './core/ops/operations';
import type { TextChange } from './core/anchoring';
import { OpenDocument } from './openDocument';
import { reportTiming, TIMINGS } from './timings';

/** Entries of the pathOf/uriOf memos before they are cleared. */
const MEMO_LIMIT = 20_000;

/** What the workspace tells the server about: the index changed for a file; queued work failed. */
export interface WorkspaceEvents {
  changed(uri: string): void;
  error(message: string): void;
}

/** What the workspace needs of the writer of the server's own files (codingsWriter.ts, which imports this file). */
export interface OwnFilesWriter {
  write(edits: FileEdit[]): Promise<unknown>;
  /** Whether an editor's text of a codings file is only it catching up with the writer's write. */
  echo(path: string, text: string): boolean;
  closed(path: string): void;
}

const NO_EVENTS: WorkspaceEvents = { changed: () => undefined, error: () => undefined };

export class ServerWorkspace {
  private readonly lineIndexes = new Map<string, LineIndex>();
  /** Open documents as the client has them now: updated the moment an event arrives. */
  private readonly openDocuments = new Map<string, OpenDocument>();
  /**
   * Open documents' texts as of the last event the inOrder queue has handled. While the queue
   * is busy (the index loading at start-up, a save writing codings files) later changes have
   * already updated `openDocuments` (an OpenDocument changes in place): work in the queue must
   * read this instead, or it sees edits that are still waiting behind it and shifts codings
   * twice. Held as the documents hold them (chunks for transcripts): no 1 MB copy per keystroke.
   */
  private readonly handledTexts = new Map<string, TextSource>();
  private ready: Promise<void> = Promise.resolve();
  private queue: Promise<void> = Promise.resolve();
  /** Work requests wait for besides the queue (hold). */
  private held: Promise<void> = Promise.resolve();
  /** The one writer of the server's own files (codingsWriter.ts); set once at start-up. */
  private writer: OwnFilesWriter | undefined;

  constructor(
    readonly root: string,
    readonly project: Project,
    private readonly events: WorkspaceEvents = NO_EVENTS,
  ) {}

  // pathOf/uriOf run for every event and request (and uriOf for every published file):
  // parsing a URI and resolving a path each time showed in a keystroke's profile. The maps
  // are cleared when they grow past MEMO_LIMIT, so a long session with many files (imports,
  // renames) cannot grow them without bound.
  private readonly paths = new Map<string, string | undefined>();
  private readonly uris = new Map<string, string>();

  /** Folder-relative POSIX path of a file: URI, or undefined when outside the folder. */
  pathOf(uri: string): string | undefined {
    if (this.paths.has(uri)) return this.paths.get(uri);
    const p = this.parsePath(uri);
    if (this.paths.size >= MEMO_LIMIT) this.paths.clear();
    this.paths.set(uri, p);
    return p;
  }

  private parsePath(uri: string): string | undefined {
    let fsPath: string;
    try {
      const parsed = URI.parse(uri);
      if (parsed.scheme !== 'file') return undefined;
      fsPath = parsed.fsPath;
    } catch {
      return undefined;
    }
    const rel = path.relative(this.root, fsPath);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  uriOf(relPath: string): string {
    let uri = this.uris.get(relPath);
    if (uri === undefined) {
      uri = URI.file(path.join(this.root, ...relPath.split('/'))).toString();
      if (this.uris.size >= MEMO_LIMIT) this.uris.clear();
      this.uris.set(relPath, uri);
    }
    return uri;
  }

  /**
   * An open document changed: move its line index along instead of rebuilding it later. Called
   * before the project takes the change, and moves only an index of the project's text then —
   * the text the changes were made on. The cache may hold an index of an older text: a
   * transcript closed with unsaved edits is the disk's text again, and nothing may have asked
   * for its positions before it is opened and typed in again; moving that index put every
   * position after the discarded edits off by their length.
   */
  noteEdit(relPath: string, changes: ReadonlyArray<{ start: number; end: number; text: string }>, textAfter: TextSource): void {
    const before = this.project.textSourceOf(relPath);
    const cached = before === undefined ? undefined : this.cachedLineIndex(relPath, before);
    const next = cached?.shifted(changes, textAfter);
    if (next) this.lineIndexes.set(relPath, next);
    else this.lineIndexes.delete(relPath);
  }

  lineIndex(relPath: string): LineIndex {
    // As held: an open transcript's PieceText is not built into one string for positions.
    const text = this.project.textSourceOf(relPath) ?? '';
    const cached = this.cachedLineIndex(relPath, text);
    if (cached) return cached;
    const index = new LineIndex(text);
    this.lineIndexes.set(relPath, index);
    return index;
  }

  /** The cached line index of a file if it is an index of `text`; undefined otherwise. */
  private cachedLineIndex(relPath: string, text: TextSource): LineIndex | undefined {
    const cached = this.lineIndexes.get(relPath);
    // (An open transcript's PieceText may since have been replaced by the string built from it.)
    if (!cached || !(cached.text === text || (cached.text instanceof PieceText && cached.text.builtAs(text)))) return undefined;
    // Equal, but perhaps another string object (the file re-read on close, an editor's
    // copy): V8 then compares the two texts character by character, on every call — 1 MB
    // × 20,000 ranges of one documentCodings reply took 0.6 s. Keep the index on the
    // current object so that the next comparison is a pointer comparison.
    cached.adopt(text);
    return cached;
  }

  toRange(relPath: string, r: OffsetRange): Range {
    return { start: this.toPosition(relPath, r.start), end: this.toPosition(relPath, r.end) };
  }

  toPosition(relPath: string, offset: number): Position {
    const file = this.project.codingsFile(relPath);
    if (file) {
      const p = codingsFilePosition(file, this.project.textOf(relPath) ?? '', offset);
      if (p) return p;
    }
    return this.lineIndex(relPath).positionAt(offset);
  }

  toOffset(relPath: string, p: Position): number {
    return this.lineIndex(relPath).offsetAt(p);
  }

  // ---- open documents and the order of events ---------------------------------------------

  /** The project is loading: queued events and requests wait for it. */
  loading(load: Promise<void>): void {
    this.ready = load;
  }

  /**
   * Requests see every event that arrived before them. They wait for the queue once, at their
   * start, and do not hold it: a long analysis lets later events run between its slices and
   * starts over when they changed the project (cancellation.ts, runSliced).
   */
  async settled(): Promise<void> {
    await this.ready;
    await this.queue;
    await this.held;
  }

  /**
   * Work on a notification that goes through the queue in several turns (workspace/didRenameFiles:
   * the files caught up, then the codings moved by an operation, which may ask the client to load
   * documents between): it starts once the events before it are handled, and requests that
   * arrive after it wait for all of it, so that one right after a rename sees the rename done.
   */
  hold(work: () => Promise<void>): void {
    const [ready, queue, held] = [this.ready, this.queue, this.held];
    this.held = (async () => {
      await ready;
      await queue;
      await held;
      await work();
    })().catch((err) => this.events.error(`qda: ${(err as Error).stack ?? err}`));
  }

  /** The version the editor has of an open document; null when it is not open. */
  readonly versionOf = (uri: string): number | null => this.openDocuments.get(uri)?.version ?? null;
  /** Whether the editor has the file open (its text, not the disk's, counts then). */
  readonly isOpen = (uri: string): boolean => this.openDocuments.has(uri);
  /** An open document's current text. */
  readonly openText = (uri: string): string | undefined => this.openDocuments.get(uri)?.getText();

  // Events are handled strictly in order: a keystroke's shift must not overtake the open.
  // Work inside inOrder never reads openDocuments (see handledTexts).
  private inOrder(work: () => Promise<void> | void): void {
    this.queue = this.queue
      .then(async () => {
        await this.ready;
        await work();
      })
      .catch((err) => this.events.error(`qda: ${(err as Error).stack ?? err}`));
  }

  /** The same queue for work with a result (an operation that writes files, operationReply.ts). */
  enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      await this.ready;
      return work();
    });
    this.queue = result.then(
      () => undefined,
      (err) => this.events.error(`qda: ${(err as Error).stack ?? err}`),
    );
    return result;
  }

  /** The server writes its own files through this writer from now on (write-backs included). */
  useWriter(writer: OwnFilesWriter): void {
    this.writer = writer;
  }

  /** An open document's text as of the last event the queue handled (for the writer). */
  handledText(uri: string): string | undefined {
    return this.handledTexts.get(uri)?.toString();
  }

  /** A codings file's text from an open editor that is only it catching up with the server's write. */
  private echoOfWrite(uri: string, text: string): boolean {
    const path = this.pathOf(uri);
    return !!path && !!this.writer && this.project.roleOf(path) === 'codings' && this.writer.echo(path, text);
  }

  private noteChanged(uri: string): void {
    this.events.changed(uri);
  }

  didOpen(p: DidOpenTextDocumentParams): void {
    const doc = new OpenDocument(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text);
    this.openDocuments.set(doc.uri, doc);
    // The text as opened, not doc.getText() when the queue gets here: changes that arrive
    // meanwhile update `doc` in place and are handled (shifting codings) after this.
    const { uri, text } = p.textDocument;
    this.inOrder(async () => {
      this.handledTexts.set(uri, text);
      const path = this.pathOf(uri);
      if (this.echoOfWrite(uri, text)) return;
      if (path && this.project.roleOf(path) === 'transcript') {
        this.project.openTranscript(path, text);
        this.noteChanged(uri);
      } else await this.updateText(uri, text);
    });
  }

  didChange(p: DidChangeTextDocumentParams): void {
    const received = TIMINGS ? performance.now() : 0;
    const doc = this.openDocuments.get(p.textDocument.uri);
    if (!doc) return;
    // LSP changes apply one after the other: each range refers to the text after the previous.
    const changes: TextChange[] = p.contentChanges.map((change) => doc.apply(change));
    doc.version = p.textDocument.version;
    // This version's text, in chunks (immutable: later changes make new versions). An open
    // transcript's keystroke is shifted without ever building it as one string.
    const text = doc.text;
    this.inOrder(async () => {
      const editorBefore = this.handledTexts.get(p.textDocument.uri);
      this.handledTexts.set(p.textDocument.uri, text);
      const path = this.pathOf(p.textDocument.uri);
      if (path && this.project.isLive(path)) {
        this.noteEdit(path, changes, text);
        this.project.editTranscript(path, changes, text);
        if (TIMINGS) reportTiming('didChange-shift', performance.now() - received);
        this.noteChanged(p.textDocument.uri);
      } else if (path && this.project.roleOf(path) === 'codings') {
        const whole = text.toString();
        if (this.echoOfWrite(p.textDocument.uri, whole)) return;
        // The changes are patched onto the index's text only when it is the text they were made
        // on; after a write of the server's own that the editor had not seen, it is not.
        if (editorBefore !== undefined && editorBefore.toString() === this.project.textOf(path)) await this.project.editCodingsFile(path, changes, whole);
        else await this.project.update(path, whole);
        this.noteChanged(p.textDocument.uri);
      } else await this.updateText(p.textDocument.uri, text.toString());
    });
  }

  didSave(p: DidSaveTextDocumentParams): void {
    this.inOrder(async () => {
      const path = this.pathOf(p.textDocument.uri);
      // The transcript on disk changed: now the shifted offsets go to the codings files.
      if (path && this.project.isLive(path)) await this.writeFileEdits(this.project.codingEditsForSavedTranscript(path));
    });
  }

  didClose(p: DidCloseTextDocumentParams): void {
    this.openDocuments.delete(p.textDocument.uri);
    this.inOrder(async () => {
      this.handledTexts.delete(p.textDocument.uri);
      const path = this.pathOf(p.textDocument.uri);
      if (!path) return;
      this.writer?.closed(path);
      // Unsaved edits are discarded with the editor: the disk is the truth again.
      if (this.project.isLive(path)) {
        this.project.closeTranscript(path, await this.project.fs.readText(path));
        this.noteChanged(p.textDocument.uri);
      } else await this.updateFromDisk(p.textDocument.uri);
    });
  }

  didChangeWatchedFiles(p: DidChangeWatchedFilesParams): void {
    for (const change of p.changes) {
      if (this.openDocuments.has(change.uri)) continue; // the editor's text wins while it is open
      this.inOrder(() => this.changedOnDisk(change.uri, change.type === FileChangeType.Deleted ? undefined : 'read'));
    }
  }

  /** A file changed on disk (undefined: deleted): into the index, and a transcript's codings files in step with it. */
  private async changedOnDisk(uri: string, text: string | undefined | 'read'): Promise<void> {
    if (text === 'read') await this.updateFromDisk(uri);
    else await this.updateText(uri, text);
    // A transcript changed outside the editor: its codings were re-anchored; keep the
    // codings files in step with it.
    const path = this.pathOf(uri);
    if (path && this.project.roleOf(path) === 'transcript') await this.writeFileEdits(this.project.reanchoredCodingEdits(path));
  }

  /**
   * Runs in the queue, before an edit of these files is computed: each one the editor does not
   * hold is taken into the index as the disk has it now, if the index holds another text.
   *
   * Such an edit goes to the client without a version (the server has none), and VS Code
   * applies it to the file as it is then. The index learns of a change on disk only through
   * the file watcher, which under load reports it seconds later — after the client's next
   * request. An edit computed on the older text then lands in the wrong place: an import right
   * after another wrote the identifiers file's names a second time at its top (a file that no
   * longer parses, so no real name was flagged any more), and two attributes set in a row did
   * the same to qda.yaml. The watcher's event, when it comes, finds the text already taken.
   * True when the index took a newer text.
   */
  async diskCaughtUp(paths: readonly string[]): Promise<boolean> {
    let changed = false;
    for (const path of new Set(paths)) {
      const uri = this.uriOf(path);
      if (this.handledTexts.has(uri)) continue; // open: the editor's text is the one edited, versioned
      if (this.project.roleOf(path) === 'other' && path !== this.project.config.identifiers) continue; // not held (.gitignore: read when edited)
      const disk = await this.project.fs.readText(path);
      if (disk === this.project.heldText(path)) continue;
      await this.changedOnDisk(uri, disk);
      changed = true;
    }
    return changed;
  }

  /** A file's new text (undefined: deleted), from the editor or the disk, into the index. */
  private async updateText(uri: string, text: string | undefined): Promise<void> {
    const path = this.pathOf(uri);
    if (!path) return;
    if (await this.project.update(path, text)) this.noteChanged(uri);
    // A Compare Coders decision log is not in the index, but what the view lists follows it (an
    // undone settlement, a checkout): its change is announced as an index change.
    else if (path.startsWith('.qda/consensus/')) this.noteChanged(uri);
    if (path === CONFIG_FILE) await this.reloadOpenDocuments();
  }

  private async updateFromDisk(uri: string): Promise<void> {
    const path = this.pathOf(uri);
    if (path) await this.updateText(uri, await this.project.fs.readText(path));
  }

  /**
   * qda.yaml changed and the project was read again from disk: the documents open in the editor
   * are what counts (unsaved edits included), and a file the new globs make a transcript while
   * it is open is followed live from now on.
   */
  private async reloadOpenDocuments(): Promise<void> {
    for (const [uri, text] of this.handledTexts) {
      const path = this.pathOf(uri);
      if (!path || path === CONFIG_FILE) continue;
      const role = this.project.roleOf(path);
      const whole = text.toString();
      if (role === 'transcript') {
        if (!this.project.isLive(path)) this.project.openTranscript(path, whole);
      } else if (role !== 'other' && this.project.textOf(path) !== whole) await this.project.update(path, whole);
      else continue;
      this.noteChanged(uri);
    }
  }

  /** Writes edits to the server's own files atomically (the writer) and feeds the result back to the index. */
  private async writeFileEdits(edits: FileEdit[]): Promise<void> {
    if (this.writer) {
      await this.writer.write(edits);
      return;
    }
    await applyToDisk(this.project, { edits });
    for (const fe of edits) this.noteChanged(this.uriOf(fe.path));
  }
}
