// The one writer of the server's own files: the codings files (.qda/codings/**) and the
// consensus logs (.qda/consensus/**). Every write is atomic (NodeFileSystem.writeAtomic: temp
// file, fsync, rename) and the index is updated from the very text written, so no round trip
// through the client is needed. Coding operations, their undo and redo, and the write-backs
// after a transcript is saved or changed outside all come through here.
//
// A codings file may also be open in an editor. When it has no changes of its own, VS Code
// reloads it from disk after a write and sends the new text back as a didChange: `echo` tells
// that catching-up apart from an edit by hand, so the index is not moved back and forth. When
// it has unsaved changes of its own, `dirtyEditors` names it, and the operation's change to it
// goes through the editor like a user file's (operationReply.ts) — writing under it would make
// VS Code's next save either lose the coding or the user's edits.
import type { ServerWorkspace } from './workspace';
import { applyOffsetEdits, type FileEdit } from './core/ops/operations';
import { diffReplacement, type FileChange } from './core/ops/undoLog';

/** Files only the server writes; every other file is the user's and changes through a WorkspaceEdit. */
export function isServerOwned(path: string): boolean {
  return path.startsWith('.qda/codings/') || path.startsWith('.qda/consensus/');
}

export interface WriterHost {
  /** The editor's text of an open document, as the in-order queue has handled it; undefined when it is not open. */
  editorText(uri: string): string | undefined;
  /** The index changed for this file (decorations, trees, diagnostics to refresh). */
  noteChanged(uri: string): void;
}

/** Written texts an open editor may not have reloaded yet are remembered this many deep. */
const UNSEEN_DEPTH = 8;

export class CodingsWriter {
  /**
   * Per file open in an editor that has not caught up with our writes yet: the text it last
   * agreed with, then every text written since, oldest first.
   */
  private readonly unseen = new Map<string, string[]>();

  constructor(
    private readonly ws: ServerWorkspace,
    private readonly host: WriterHost,
  ) {}

  /** The file's text as the index has it, else as on disk (a consensus log is not indexed). */
  async currentText(path: string): Promise<string | undefined> {
    return this.ws.project.textOf(path) ?? (await this.ws.project.fs.readText(path));
  }

  /** Those of `paths` open in an editor with unsaved changes of their own. */
  async dirtyEditors(paths: readonly string[]): Promise<Set<string>> {
    const dirty = new Set<string>();
    for (const path of paths) {
      const text = this.host.editorText(this.ws.uriOf(path));
      if (text === undefined || this.unseen.get(path)?.includes(text)) continue;
      if (text !== ((await this.ws.project.fs.readText(path)) ?? '')) dirty.add(path);
    }
    return dirty;
  }

  /**
   * Writes edits computed against the index's text of each file (the disk's when the index
   * has none), deletes the files marked `remove`, and updates the index. Runs in the server's in-order queue. Returns what changed,
   * for the undo log; a file the edits leave as it was is not touched (no file event, no git noise).
   */
  async write(edits: readonly FileEdit[]): Promise<FileChange[]> {
    const changes: FileChange[] = [];
    // Deletions last: a codings file moved with its transcript is written at its new place
    // before the old one goes, so no moment has its codings nowhere on disk.
    for (const fe of [...edits.filter((e) => !e.remove), ...edits.filter((e) => e.remove)]) {
      const known = await this.currentText(fe.path);
      const before = known ?? '';
      const uri = this.ws.uriOf(fe.path);
      if (fe.remove) {
        if (known === undefined && !(await this.ws.project.fs.exists(fe.path))) continue;
        await this.ws.project.fs.remove(fe.path);
        // An editor that has it open keeps showing its text, marked deleted: that text is no
        // edit of the user's (see dirtyEditors), so the file may be written there again.
        if (this.host.editorText(uri) !== undefined) this.unseen.set(fe.path, [...(this.unseen.get(fe.path) ?? [before]), '']);
        else this.unseen.delete(fe.path);
        await this.ws.project.update(fe.path, undefined);
        this.host.noteChanged(uri);
        changes.push({ path: fe.path, replacement: diffReplacement(before, ''), removed: true });
        continue;
      }
      const after = applyOffsetEdits(before, fe.edits);
      if (known !== undefined && after === before) continue;
      await this.ws.project.fs.writeAtomic(fe.path, after);
      if (this.host.editorText(uri) !== undefined) {
        const seen = this.unseen.get(fe.path) ?? [before];
        seen.push(after);
        this.unseen.set(fe.path, seen.slice(-UNSEEN_DEPTH));
      }
      await this.ws.project.update(fe.path, after);
      this.host.noteChanged(uri);
      changes.push({ path: fe.path, replacement: diffReplacement(before, after), ...(known === undefined && fe.movedFrom !== undefined ? { created: true } : {}) });
    }
    return changes;
  }

  /**
   * An open editor reports `text` for a file this writer owns (didOpen, didChange). True when
   * that is only the editor catching up with what was written — the index has the newest text
   * already and must not step back to an older one on the way.
   */
  echo(path: string, text: string): boolean {
    const seen = this.unseen.get(path);
    if (!seen) return false;
    const at = seen.indexOf(text);
    if (at < 0) {
      // An edit of its own: from here on the editor's text is what counts.
      this.unseen.delete(path);
      return false;
    }
    if (at === seen.length - 1) this.unseen.delete(path);
    return true;
  }

  /** The editor closed the file: the disk is the truth again. */
  closed(path: string): void {
    this.unseen.delete(path);
  }
}
