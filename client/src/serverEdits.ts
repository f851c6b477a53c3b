// Every server operation (code, uncode, rename, merge, re-attach, import…) returns an
// EditResult: a WorkspaceEdit over the server's own files plus the files to save. Applying it
// through VS Code never writes behind an open editor's back.
//
// A coding made from a transcript changes only the codings file, so VS Code's own Undo in the
// transcript editor would not see it. CodingHistory keeps the operations made from an editor,
// and Ctrl+Z / Ctrl+Shift+Z in that editor undo and redo them (keybindings guarded by the
// context keys below) as long as nothing was typed there since.
import * as vscode from 'vscode';
import type * as lsp from 'vscode-languageclient';
import type { QdaConnection } from './connection';
import type { EditResult } from '../../server/src/protocol';
import { saveAll } from './saving';

/** One text replacement in offsets of the document as it is when it is applied. */
interface Replacement {
  start: number;
  end: number;
  /** What start..end must hold; else the document changed since and nothing is applied. */
  expected: string;
  text: string;
}

interface DocReplacements {
  uri: vscode.Uri;
  replacements: Replacement[];
}

interface HistoryEntry {
  docs: DocReplacements[];
  /** The editor document the operation was made from, and its version then. */
  origin: string;
  version: number;
}

export class CodingHistory implements vscode.Disposable {
  private undoStack: HistoryEntry[] = [];
  private redoStack: HistoryEntry[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
      // Typing in the editor the codings were made from: its own Undo is the user's again.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && e.document.uri.toString() === this.undoStack[this.undoStack.length - 1]?.origin) this.updateContext();
      }),
    ];
  }

  record(entry: HistoryEntry): void {
    this.undoStack.push(entry);
    if (this.undoStack.length > 100) this.undoStack.shift();
    this.redoStack = [];
    this.updateContext();
  }

  async undo(connectionSave: (uris: vscode.Uri[]) => Promise<void>): Promise<boolean> {
    return this.move(this.undoStack, this.redoStack, connectionSave);
  }

  async redo(connectionSave: (uris: vscode.Uri[]) => Promise<void>): Promise<boolean> {
    return this.move(this.redoStack, this.undoStack, connectionSave);
  }

  private async move(from: HistoryEntry[], to: HistoryEntry[], save: (uris: vscode.Uri[]) => Promise<void>): Promise<boolean> {
    const entry = from.pop();
    if (!entry) return false;
    const reverse = await applyReplacements(entry.docs);
    if (!reverse) {
      from.length = 0;
      this.updateContext();
      void vscode.window.showWarningMessage(vscode.l10n.t('The codings file changed since that coding operation, so it is not undone here. Use Undo in the codings file itself.'));
      return false;
    }
    await save(entry.docs.map((d) => d.uri));
    const origin = vscode.workspace.textDocuments.find((d) => d.uri.toString() === entry.origin);
    to.push({ docs: reverse, origin: entry.origin, version: origin?.version ?? entry.version });
    this.updateContext();
    return true;
  }

  private updateContext(): void {
    const active = vscode.window.activeTextEditor?.document;
    const usable = (stack: HistoryEntry[]): boolean => {
      const top = stack[stack.length - 1];
      return !!top && !!active && active.uri.toString() === top.origin && active.version === top.version;
    };
    void vscode.commands.executeCommand('setContext', 'qda.codingUndoable', usable(this.undoStack));
    void vscode.commands.executeCommand('setContext', 'qda.codingRedoable', usable(this.redoStack));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Applies replacements (each document's in ascending order, not overlapping); returns their reverse, or undefined when a document no longer holds what they expect. */
async function applyReplacements(docs: DocReplacements[]): Promise<DocReplacements[] | undefined> {
  const edit = new vscode.WorkspaceEdit();
  for (const { uri, replacements } of docs) {
    const doc = await vscode.workspace.openTextDocument(uri);
    for (const r of replacements) {
      const range = new vscode.Range(doc.positionAt(r.start), doc.positionAt(r.end));
      if (doc.getText(range) !== r.expected) return undefined;
      edit.replace(uri, range, r.text);
    }
  }
  return (await vscode.workspace.applyEdit(edit)) ? reverseOf(docs) : undefined;
}

/** The replacements a WorkspaceEdit makes, in offsets of each document before it, with the text they replace. */
async function replacementsOf(edit: vscode.WorkspaceEdit): Promise<DocReplacements[]> {
  const out: DocReplacements[] = [];
  for (const [uri, edits] of edit.entries()) {
    let doc: vscode.TextDocument | undefined;
    try {
      doc = await vscode.workspace.openTextDocument(uri);
    } catch {
      doc = undefined; // created by this edit: it starts empty
    }
    const replacements = edits
      .map((e) => ({ start: doc ? doc.offsetAt(e.range.start) : 0, end: doc ? doc.offsetAt(e.range.end) : 0, expected: doc ? doc.getText(e.range) : '', text: e.newText }))
      .sort((a, b) => a.start - b.start);
    // What the edit will write is what an undo expects to find, and the other way round.
    out.push({ uri, replacements });
  }
  return out;
}

/** The reverse of replacements that were just applied (in the documents' new offsets). */
function reverseOf(docs: DocReplacements[]): DocReplacements[] {
  return docs.map(({ uri, replacements }) => {
    let delta = 0;
    const back = replacements.map((r) => {
      const b = { start: r.start + delta, end: r.start + delta + r.text.length, expected: r.text, text: r.expected };
      delta += r.text.length - (r.end - r.start);
      return b;
    });
    return { uri, replacements: back };
  });
}

export interface ApplyOptions {
  /** The editor the operation was made from: Ctrl+Z there undoes it (CodingHistory). */
  origin?: vscode.TextEditor;
  history?: CodingHistory;
}

/** Applies the edit and saves the files it names; shows a refusal or failure. True when applied. */
export async function applyServerEdit(connection: QdaConnection, result: EditResult, options: ApplyOptions = {}): Promise<boolean> {
  if (result.error) {
    void vscode.window.showErrorMessage(result.error);
    return false;
  }
  if (!result.edit) {
    if (result.message) vscode.window.setStatusBarMessage(result.message, 5000);
    return false;
  }
  const edit = await connection.p2c.asWorkspaceEdit(result.edit as lsp.WorkspaceEdit);
  const record = options.origin && options.history ? await replacementsOf(edit) : undefined;
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The change could not be applied. Save or close the files it touches and try again.'));
    return false;
  }
  await saveAll((result.save ?? []).map((target) => (/^[a-z][a-z0-9+.-]*:/i.test(target) ? vscode.Uri.parse(target) : vscode.Uri.file(target))));
  if (record && options.origin && options.history) {
    options.history.record({ docs: reverseOf(record), origin: options.origin.document.uri.toString(), version: options.origin.document.version });
  }
  if (result.message) vscode.window.setStatusBarMessage(result.message, 5000);
  return true;
}

/** Ctrl+Z / Ctrl+Shift+Z for coding operations in the editor they were made from. */
export function registerCodingHistory(context: vscode.ExtensionContext): CodingHistory {
  const history = new CodingHistory();
  context.subscriptions.push(
    history,
    vscode.commands.registerCommand('qda.codingUndo', () => history.undo(saveAll)),
    vscode.commands.registerCommand('qda.codingRedo', () => history.redo(saveAll)),
  );
  return history;
}
