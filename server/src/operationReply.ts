// The one way an operation's result becomes a reply (EditResult), and the undo log behind
// Ctrl+Z after a coding operation. Every handler that changes files goes through `reply`.
//
// An operation's edits are split by owner. The server's own files (.qda/codings/**,
// .qda/consensus/**) are written here, atomically, by the CodingsWriter; the files a user
// reads (codebook.md, memos, chapters, qda.yaml) go back as a WorkspaceEdit for the client to
// apply, so nothing is written behind an open editor's back. An operation that changes both
// (a new code while coding, renaming or merging codes) is all-or-nothing: the reply carries
// only the WorkspaceEdit and a `commit` number, and the server writes its own files when the
// client says it applied the edit (qda/commitEdit). A client that could not apply it (a dirty
// codebook.md that changed since, the user said no) never commits: nothing was written.
import * as l10n from './core/text/l10n';
import type { CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { ServerWorkspace } from './workspace';
import type { EditResult, UndoState, UndoTop } from './protocol';
import { applyOffsetEdits, type FileEdit, type OperationResult } from './core/ops/operations';
import { diffReplacement, UndoLog, type FileChange, type LogEntry } from './core/ops/undoLog';
import { isServerOwned, type CodingsWriter } from './codingsWriter';

type VersionOf = (uri: string) => number | null;

export interface ReplyHost {
  ws: ServerWorkspace;
  writer: CodingsWriter;
  versionOf: VersionOf;
  /** Runs work in the server's in-order queue (after every event that arrived before it). */
  enqueue<T>(work: () => Promise<T>): Promise<T>;
  /** Asks the client to load these documents (qda/loadDocuments); resolves however that went. */
  load(uris: string[]): Promise<void>;
}

/** What a handler may add to a reply from its operation's result. */
export interface ReplyExtras {
  id?: string;
  candidates?: string[];
  removed?: number;
}

export interface ReplyOptions {
  /** The editor the operation was made from: Ctrl+Z there undoes it. */
  origin?: string;
  /** The refusal to give when the operation changes nothing (else its message, if any). */
  nothing?: string;
  /**
   * Runs once the operation's own files are written: at once, or on commit when they wait for
   * the client's part (a renamed code's review threads follow only a rename that happened).
   */
  afterWrite?: () => Promise<unknown>;
}

type Mode = { kind: 'do'; origin?: string } | { kind: 'undo' } | { kind: 'redo' };

interface Pending {
  owned: FileEdit[];
  /** The server's files as the operation saw them: a commit over other texts is refused. */
  snapshot: Map<string, string | undefined>;
  userChanges: FileChange[];
  mode: Mode;
  afterWrite?: () => Promise<unknown>;
}

/** Replies that wait for qda/commitEdit; older ones are forgotten (their client gave up). */
const PENDING_LIMIT = 20;

/** Offset edits as a WorkspaceEdit over the files they name (versions checked by the client). */
export function toWorkspaceEdit(ws: ServerWorkspace, result: Pick<OperationResult, 'edits'>, versionOf: VersionOf): WorkspaceEdit {
  const documentChanges: Array<TextDocumentEdit | CreateFile> = [];
  for (const fe of result.edits) {
    const uri = ws.uriOf(fe.path);
    if (fe.create) documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    documentChanges.push({
      textDocument: { uri, version: fe.create ? null : versionOf(uri) },
      edits: fe.edits.map((e) => ({ range: ws.toRange(fe.path, { start: e.start, end: e.end }), newText: e.newText })),
    });
  }
  return { documentChanges };
}

export class Operations {
  readonly log = new UndoLog();
  private readonly pending = new Map<number, Pending>();
  private nextCommit = 1;

  constructor(private readonly host: ReplyHost) {}

  get ws(): ServerWorkspace {
    return this.host.ws;
  }

  get versionOf(): VersionOf {
    return this.host.versionOf;
  }

  /**
   * Runs an operation in the in-order queue and turns its result into the reply. `op` is
   * computed twice: once to learn which existing codings files it writes (the client loads
   * them first, see loadDocumentsRequest), then again in the queue, on the state it writes over.
   */
  async reply(op: () => OperationResult, options: ReplyOptions = {}): Promise<EditResult & ReplyExtras> {
    const owned = await this.host.enqueue(async () => {
      // The user's files it edits that no editor holds go out without a version: computed on
      // the disk's text, not on one the file watcher has not caught up with (workspace.ts).
      let paths = this.paths(op);
      if (await this.ws.diskCaughtUp(paths.filter((p) => !isServerOwned(p)))) paths = this.paths(op);
      return paths.filter(isServerOwned);
    });
    const unloaded = owned.filter((p) => this.ws.project.hasFile(p) && !this.isOpen(p)).map((p) => this.ws.uriOf(p));
    if (unloaded.length > 0) await this.host.load(unloaded);
    return this.host.enqueue(() => this.perform(op(), { kind: 'do', origin: options.origin }, options));
  }

  /** The client applied the edit of a reply with `commit`: the server's own files follow. */
  async commit(id: number): Promise<EditResult> {
    return this.host.enqueue(async () => {
      const p = this.pending.get(id);
      this.pending.delete(id);
      if (!p) return { error: l10n.t('That change waited too long to be completed; the other files were changed, the codings not. Undo it there and run it again.') };
      for (const [path, text] of p.snapshot) {
        if ((await this.host.writer.currentText(path)) !== text) {
          return { error: l10n.t('{0} changed while the change was applied, so its part was not written. Undo the change in the other files and run it again.', path) };
        }
      }
      // Edited by hand meanwhile, not saved: not written under it (see codingsWriter.ts).
      const [dirty] = await this.host.writer.dirtyEditors(p.owned.map((e) => e.path));
      if (dirty) return { error: l10n.t('{0} has unsaved changes in an editor, so its part of the change was not written. Undo the change in the other files, save it, and run it again.', dirty) };
      const written = await this.write(p.owned, p.userChanges, p.mode);
      await p.afterWrite?.();
      return written;
    });
  }

  /**
   * Ctrl+Z after a coding operation: the newest entry of the log, taken back. `done`: user files
   * VS Code's own Edit › Undo already took back (only the rest is undone).
   */
  undo(done: ReadonlySet<string> = new Set()): Promise<EditResult> {
    return this.step('undo', done);
  }

  redo(done: ReadonlySet<string> = new Set()): Promise<EditResult> {
    return this.step('redo', done);
  }

  state(): UndoState {
    const top = (e: LogEntry | undefined): UndoTop | undefined => (e?.origin ? { uri: e.origin, version: e.version ?? null } : undefined);
    return { undo: top(this.log.peekUndo()), redo: top(this.log.peekRedo()) };
  }

  private step(kind: 'undo' | 'redo', done: ReadonlySet<string>): Promise<EditResult> {
    return this.host.enqueue(async () => {
      const entry = kind === 'undo' ? this.log.peekUndo() : this.log.peekRedo();
      if (!entry) return { history: this.state() };
      const texts = new Map<string, string | undefined>();
      for (const c of entry.changes) texts.set(c.path, await this.host.writer.currentText(c.path));
      // The server's own files are never "done" by VS Code: only a user file may be skipped.
      const skip = new Set([...done].filter((p) => !isServerOwned(p)));
      const edits = kind === 'undo' ? this.log.undoEdits((p) => texts.get(p), skip) : this.log.redoEdits((p) => texts.get(p), skip);
      if (!edits) return { history: this.state() };
      if (!Array.isArray(edits)) {
        // Older entries were made on top of the same text: none of them can apply now.
        this.log.clear();
        return { error: kind === 'undo' ? l10n.t('{0} changed since that coding operation, so it is not undone here.', edits.conflict) : l10n.t('{0} changed since that coding operation, so it is not redone here.', edits.conflict), history: this.state() };
      }
      return this.perform({ edits }, { kind }, {});
    });
  }

  /** The files an operation edits (not those it deletes). */
  private paths(op: () => OperationResult): string[] {
    try {
      // A file to be deleted is not loaded first (a moved codings file: see fileRenames.ts).
      return op().edits.filter((e) => !e.remove).map((e) => e.path);
    } catch {
      return []; // the real run reports it
    }
  }

  private isOpen(path: string): boolean {
    return this.host.versionOf(this.ws.uriOf(path)) !== null;
  }

  /** Runs in the queue. */
  private async perform(result: OperationResult, mode: Mode, options: ReplyOptions): Promise<EditResult & ReplyExtras> {
    const extras: ReplyExtras = {};
    if (result.codingId !== undefined) extras.id = result.codingId;
    if (result.candidates !== undefined) extras.candidates = result.candidates;
    if (result.removed !== undefined) extras.removed = result.removed;
    if (result.error) return { error: result.error, message: result.message, ...extras };
    if (result.edits.length === 0) return options.nothing ? { error: options.nothing } : { message: result.message, ...extras };

    // A codings file open with unsaved edits of the user's own is changed in that editor
    // (version-checked, then saved with them), never written under it: neither side is lost.
    const dirty = await this.host.writer.dirtyEditors(result.edits.filter((e) => isServerOwned(e.path)).map((e) => e.path));
    // A codings file to move or delete cannot go through its editor: its edits would be lost with it.
    const held = result.edits.find((e) => (e.remove || e.create) && dirty.has(e.path));
    if (held) return { error: l10n.t('{0} has unsaved changes in an editor. Save or close it and try again.', held.path), ...extras };
    const owned = result.edits.filter((e) => isServerOwned(e.path) && !dirty.has(e.path));
    const user = result.edits.filter((e) => !owned.includes(e));
    const userChanges = user.map((fe) => {
      const before = this.ws.project.textOf(fe.path) ?? '';
      return { path: fe.path, replacement: diffReplacement(before, applyOffsetEdits(before, fe.edits)) };
    });
    if (user.length === 0) {
      const written = await this.write(owned, [], mode);
      await options.afterWrite?.();
      return { ...written, message: result.message, ...extras };
    }

    const reply: EditResult & ReplyExtras = {
      edit: toWorkspaceEdit(this.ws, { edits: user }, this.host.versionOf),
      save: user.map((e) => this.ws.uriOf(e.path)),
      message: result.message,
      ...extras,
    };
    if (owned.length === 0 && dirty.size === 0) {
      // Only the user's files: VS Code's own undo covers them; the log is not involved.
      await options.afterWrite?.();
      return reply;
    }
    const snapshot = new Map<string, string | undefined>();
    for (const fe of owned) snapshot.set(fe.path, await this.host.writer.currentText(fe.path));
    const id = this.nextCommit++;
    this.pending.set(id, { owned, snapshot, userChanges, mode, afterWrite: options.afterWrite });
    for (const old of this.pending.keys()) if (this.pending.size > PENDING_LIMIT) this.pending.delete(old);
    return { ...reply, commit: id, pending: owned.map((e) => this.ws.uriOf(e.path)) };
  }

  /** Writes the server's files and moves the log; runs in the queue. */
  private async write(owned: readonly FileEdit[], userChanges: FileChange[], mode: Mode): Promise<EditResult> {
    const changes = await this.host.writer.write(owned);
    if (mode.kind === 'do') {
      this.log.record([...changes, ...userChanges], mode.origin, mode.origin === undefined ? undefined : this.host.versionOf(mode.origin));
    } else {
      const entry = mode.kind === 'undo' ? this.log.peekUndo() : this.log.peekRedo();
      const version = entry?.origin === undefined ? undefined : this.host.versionOf(entry.origin);
      if (mode.kind === 'undo') this.log.undone(undefined, version);
      else this.log.redone(undefined, version);
    }
    return { written: changes.map((c) => this.ws.uriOf(c.path)), history: this.state() };
  }
}
