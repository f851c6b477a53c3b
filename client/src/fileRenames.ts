// A transcript renamed or moved in VS Code: the server's answer to workspace/willRenameFiles
// moves its codings files and rewrites their `doc` fields (server/src/features/fileRenames.ts).
// VS Code applies that edit with the rename as one undoable operation, but leaves the edited
// codings files unsaved; they are saved here once the rename is done, so that git and the
// command line see the codings where the transcript is.
import * as vscode from 'vscode';
import type { FileOperationsMiddleware } from 'vscode-languageclient';
import { saveAll } from './saving';

/** The documents the last answers edited, saved when their rename has happened. */
const pending = new Set<string>();

export const fileRenameMiddleware: FileOperationsMiddleware = {
  willRenameFiles: async (event, next) => {
    const edit = await next(event);
    if (edit) for (const [uri, edits] of edit.entries()) if (edits.length > 0) pending.add(uri.toString());
    return edit;
  },
};

export function registerFileRenames(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.onDidRenameFiles(async () => {
      const uris = [...pending].map((u) => vscode.Uri.parse(u));
      pending.clear();
      await saveAll(uris);
    }),
    // Run by the server's quick fix that re-links the codings of a transcript renamed outside
    // VS Code, after its edit: the codings files it changed (URI strings). Not in the palette.
    vscode.commands.registerCommand('qda.filesSave', async (uris?: unknown) => {
      if (!Array.isArray(uris)) return;
      await saveAll(uris.filter((u): u is string => typeof u === 'string').map((u) => vscode.Uri.parse(u)));
    }),
  );
}
