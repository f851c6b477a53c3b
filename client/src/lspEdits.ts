// F2 on a code, group or theme, and the quick fixes that change codings, through the server's
// one writer of codings files (server/src/operationReply.ts), like every other operation.
//
// F2: the server's answer to textDocument/rename (RenameReply) holds the edit of the files the
// user reads and, when codings change too, a `commit` number. VS Code applies that edit itself,
// after its refactor preview if the user asked for one, and says nothing about whether it did;
// so the edited documents are watched, and once every one of them shows the renamed text the
// client saves them and sends qda/commitEdit, after which the server writes the codings. A
// preview cancelled or an edit VS Code refused (a document changed since) never shows that
// text: nothing is committed, and the codings keep naming a code the codebook has. The watch
// ends with the next F2 or after half an hour.
//
// Quick fixes: a fix whose change touches codings files comes with no edit, only a command
// (RUN_OPERATION_COMMAND) naming the request to send; its reply is applied as every operation's.
import * as vscode from 'vscode';
import { RenameRequest, type TextDocumentEdit, type TextEdit } from 'vscode-languageclient';
import type { QdaConnection } from './connection';
import { mergeCodesRequest, relinkCodingsRequest, RUN_OPERATION_COMMAND, type OperationCommandArgs, type RenameReply } from '../../server/src/protocol';
import { applyServerEdit } from './serverEdits';
import { saveAll } from './saving';

/** A rename's edit not seen applied within this time is given up (the server forgets it too). */
const GIVE_UP_MS = 30 * 60_000;

/** The documents of the newest F2 edit, waited for until they show its text. */
let watching: vscode.Disposable | undefined;

export function registerLspEdits(context: vscode.ExtensionContext, connection: QdaConnection): void {
  connection.renameEdits = (document, position, newName, token) => provideRenameEdits(connection, document, position, newName, token);
  context.subscriptions.push(
    vscode.commands.registerCommand(RUN_OPERATION_COMMAND, (args?: OperationCommandArgs) => runOperation(connection, args)),
    { dispose: () => watching?.dispose() },
  );
}

async function runOperation(connection: QdaConnection, args: OperationCommandArgs | undefined): Promise<boolean> {
  if (args?.method === 'qda/mergeCodes') return applyServerEdit(connection, await connection.request(mergeCodesRequest, args.params));
  if (args?.method === 'qda/relinkCodings') return applyServerEdit(connection, await connection.request(relinkCodingsRequest, args.params));
  return false;
}

const provideRenameEdits = async (
  connection: QdaConnection,
  document: vscode.TextDocument,
  position: vscode.Position,
  newName: string,
  token: vscode.CancellationToken,
): Promise<vscode.WorkspaceEdit | null | undefined> => {
  const client = connection.client;
  let reply: RenameReply | null;
  try {
    // Sent as is (not through the client's rename feature), so that the commit number arrives.
    reply = (await client.sendRequest(RenameRequest.type, { textDocument: { uri: connection.c2p.asUri(document.uri) }, position: connection.c2p.asPosition(position), newName }, token)) as RenameReply | null;
  } catch (error) {
    return client.handleFailedRequest(RenameRequest.type, token, error, null, false);
  }
  if (!reply || token.isCancellationRequested) return null;
  const { commit, pending: _pending, written: _written, history: _history, ...edit } = reply;
  if (commit !== undefined) await commitWhenApplied(connection, edit.documentChanges ?? [], commit);
  return connection.p2c.asWorkspaceEdit(edit, token);
};

interface Watched {
  uri: vscode.Uri;
  expected: string;
}

/** Watches the edit's documents from now on; commits once each shows its text after the edit. */
async function commitWhenApplied(connection: QdaConnection, changes: NonNullable<RenameReply['documentChanges']>, commit: number): Promise<void> {
  watching?.dispose();
  const watched: Watched[] = [];
  for (const change of changes) {
    if (!('textDocument' in change)) continue;
    const uri = connection.p2c.asUri(change.textDocument.uri);
    try {
      // Loaded before the edit is handed over: its text now is the text the edit applies to.
      const doc = await vscode.workspace.openTextDocument(uri);
      watched.push({ uri, expected: applyEdits(doc, (change as TextDocumentEdit).edits as TextEdit[]) });
    } catch {
      return; // a document that cannot be read: this edit is not followed (nothing committed)
    }
  }
  if (watched.length === 0) return;
  const textOf = (w: Watched): string | undefined => vscode.workspace.textDocuments.find((d) => d.uri.toString() === w.uri.toString())?.getText();
  let done = false;
  const stop = (): void => {
    done = true;
    sub.dispose();
    clearTimeout(timer);
    if (watching === handle) watching = undefined;
  };
  const check = (): void => {
    if (done) return;
    // Every document at once shows the renamed text: VS Code applied the edit (a multi-file
    // edit arrives one document after the other). Typing in between only delays this.
    if (!watched.every((w) => textOf(w) === w.expected)) return;
    stop();
    void (async () => {
      await saveAll(watched.map((w) => w.uri));
      await applyServerEdit(connection, { commit });
    })();
  };
  const sub = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length > 0 && watched.some((w) => w.uri.toString() === e.document.uri.toString())) check();
  });
  const timer = setTimeout(stop, GIVE_UP_MS);
  const handle: vscode.Disposable = { dispose: stop };
  watching = handle;
}

/** The document's text with LSP text edits (ranges in its current text) applied. */
function applyEdits(doc: vscode.TextDocument, edits: readonly TextEdit[]): string {
  const text = doc.getText();
  const at = edits
    .map((e) => ({ start: doc.offsetAt(new vscode.Position(e.range.start.line, e.range.start.character)), end: doc.offsetAt(new vscode.Position(e.range.end.line, e.range.end.character)), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of at) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
