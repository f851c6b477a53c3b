// Every server operation (code, uncode, rename, merge, re-attach, import…) returns an
// EditResult. The server has already written its own files (.qda/codings/**) or writes them
// when told the rest was applied (`commit`); the rest — codebook.md, memos, chapters — comes
// as a WorkspaceEdit applied through VS Code, so nothing is written behind an open editor's back.
//
// A coding made from a transcript changes only the codings file, so VS Code's own Undo in the
// transcript editor would not see it. The server keeps an undo log of coding operations; the
// replies say whose editor its newest entries belong to, and Ctrl+Z / Ctrl+Shift+Z in that
// editor (keybindings guarded by the context keys below) send qda/codingUndo and qda/codingRedo
// as long as nothing was typed there since.
//
// Edit › Undo from the menu (VS Code's own `undo`, which an extension cannot replace) in that
// editor takes back only its own part of a two-part operation — codebook.md after a rename —
// and the codings would keep the new name. CodingHistory sees that undo in the change event's
// reason and has the server take back the rest (qda/codingUndo, told which files VS Code has
// already taken back); Edit › Redo likewise.
import * as vscode from 'vscode';
import type * as lsp from 'vscode-languageclient';
import type { QdaConnection } from './connection';
import { codingRedoRequest, codingUndoRequest, commitEditRequest, type EditResult, type UndoState, type UndoTop } from '../../server/src/protocol';
import { saveAll } from './saving';

/** The server's undo log as its last reply described it, for the Ctrl+Z context keys. */
export class CodingHistory implements vscode.Disposable {
  private state: UndoState = {};
  private readonly subscriptions: vscode.Disposable[];
  /** Documents VS Code's own undo (or redo) changed in this turn of the event loop. */
  private menuStep: { kind: 'undo' | 'redo'; uris: Set<string>; origin: boolean } | undefined;

  /** `followMenuStep`: has the server take back (or make again) the rest of the operation. */
  constructor(private readonly followMenuStep: (kind: 'undo' | 'redo', done: string[]) => Promise<unknown> = async () => undefined) {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        const uri = e.document.uri.toString();
        if (e.reason !== undefined) this.sawMenuStep(e.reason === vscode.TextDocumentChangeReason.Undo ? 'undo' : 'redo', uri, e.document.version);
        // Typing in the editor the codings were made from: its own Undo is the user's again.
        if (uri === this.state.undo?.uri || uri === this.state.redo?.uri) this.updateContext();
      }),
    ];
  }

  /**
   * An undo or redo by VS Code itself. It is ours to follow when it is the first change of the
   * operation's editor since the operation (its version one past the one the log keeps), as an
   * undo of several files (codebook.md and a memo's [[links]]) is seen in one turn of the loop.
   */
  private sawMenuStep(kind: 'undo' | 'redo', uri: string, version: number): void {
    const top = kind === 'undo' ? this.state.undo : this.state.redo;
    if (!this.menuStep) {
      this.menuStep = { kind, uris: new Set(), origin: false };
      setTimeout(() => {
        const step = this.menuStep;
        this.menuStep = undefined;
        if (step?.origin) void this.followMenuStep(step.kind, [...step.uris]);
      }, 0);
    }
    if (this.menuStep.kind !== kind) return;
    this.menuStep.uris.add(uri);
    if (top && top.version !== null && uri === vscode.Uri.parse(top.uri).toString() && version === top.version + 1) this.menuStep.origin = true;
  }

  /** The server's undo log as the last reply described it (tests). */
  get current(): UndoState {
    return this.state;
  }

  /** A reply's view of the log (replies without one leave it as it was). */
  update(state: UndoState | undefined): void {
    if (!state) return;
    this.state = state;
    this.updateContext();
  }

  private updateContext(): void {
    const active = vscode.window.activeTextEditor?.document;
    const usable = (top: UndoTop | undefined): boolean => !!top && !!active && vscode.Uri.parse(top.uri).toString() === active.uri.toString() && active.version === top.version;
    void vscode.commands.executeCommand('setContext', 'qda.codingUndoable', usable(this.state.undo));
    void vscode.commands.executeCommand('setContext', 'qda.codingRedoable', usable(this.state.redo));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Whether a reply changes anything: an edit to apply, files the server wrote, or a part to commit. */
export function changesFiles(result: EditResult): boolean {
  return !!result.edit || !!result.written?.length || result.commit !== undefined;
}

/** The history every reply updates (one per extension). */
let sharedHistory: CodingHistory | undefined;

export interface ApplyOptions {
  /** Shown instead of the server's refusal (undo and redo say it in the user's language). */
  refusal?: string;
}

/** Applies a reply: the edit, its save, the commit of the server's part; shows a refusal or failure. True when applied. */
export async function applyServerEdit(connection: QdaConnection, result: EditResult, options: ApplyOptions = {}): Promise<boolean> {
  sharedHistory?.update(result.history);
  if (result.error) {
    if (options.refusal) void vscode.window.showWarningMessage(options.refusal);
    else void vscode.window.showErrorMessage(result.error);
    return false;
  }
  if (!changesFiles(result)) {
    if (result.message) vscode.window.setStatusBarMessage(result.message, 5000);
    return false;
  }
  if (result.edit) {
    const edit = await connection.p2c.asWorkspaceEdit(result.edit as lsp.WorkspaceEdit);
    // Refused (a file changed since, a dirty document): with a commit pending, nothing was written anywhere.
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The change could not be applied. Save or close the files it touches and try again.'));
      return false;
    }
    await saveAll((result.save ?? []).map((target) => (/^[a-z][a-z0-9+.-]*:/i.test(target) ? vscode.Uri.parse(target) : vscode.Uri.file(target))));
  }
  let written = result.written ?? [];
  if (result.commit !== undefined) {
    const committed = await connection.request(commitEditRequest, { commit: result.commit });
    sharedHistory?.update(committed.history);
    if (committed.error) {
      void vscode.window.showErrorMessage(committed.error);
      return false;
    }
    written = committed.written ?? [];
  }
  await loadedDocumentsCaughtUp(written);
  if (result.message) vscode.window.setStatusBarMessage(result.message, 5000);
  return true;
}

/**
 * A codings file loaded in VS Code (open in an editor, or loaded for the server, see
 * loadDocuments) is reloaded by VS Code after the server wrote it. Waits until each shows
 * what is on disk, so that a command is done when its result can be seen everywhere, and
 * Undo in that file has the step to take back. A document with unsaved edits of its own is
 * not reloaded (the server refuses to write under it; see codingsWriter.ts).
 */
async function loadedDocumentsCaughtUp(uris: readonly string[], ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (const target of uris) {
    const uri = vscode.Uri.parse(target);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc) continue;
    let disk: string;
    try {
      disk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      continue;
    }
    while (!doc.isClosed && !doc.isDirty && doc.getText() !== disk && Date.now() < end) await nextChange(doc, end - Date.now());
  }
}

function nextChange(doc: vscode.TextDocument, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc) done();
    });
    const timer = setTimeout(done, Math.min(ms, 250));
    function done(): void {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    }
  });
}

/** Ctrl+Z / Ctrl+Shift+Z for coding operations in the editor they were made from. */
export function registerCodingHistory(context: vscode.ExtensionContext, connection: QdaConnection): CodingHistory {
  const history = new CodingHistory(async (kind, done) => {
    const result = await connection.request(kind === 'undo' ? codingUndoRequest : codingRedoRequest, { done });
    return applyServerEdit(connection, result, {
      refusal: kind === 'undo'
        ? vscode.l10n.t('The codings changed since that operation, so Undo took back only this file. Redo puts it back as it was.')
        : vscode.l10n.t('The codings changed since that operation, so Redo made the change again only in this file. Undo takes it back.'),
    });
  });
  sharedHistory = history;
  const step = async (request: typeof codingUndoRequest): Promise<boolean> => {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const result = await connection.request(request, { uri });
    return applyServerEdit(connection, result, {
      refusal: vscode.l10n.t('The codings file changed since that coding operation, so it is not undone here. Use Undo in the codings file itself.'),
    });
  };
  context.subscriptions.push(
    history,
    vscode.commands.registerCommand('qda.codingUndo', () => step(codingUndoRequest)),
    vscode.commands.registerCommand('qda.codingRedo', () => step(codingRedoRequest)),
  );
  return history;
}
