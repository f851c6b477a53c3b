// Every server operation (code, uncode, rename, merge, re-attach, import…) returns an
// EditResult: a WorkspaceEdit over the server's own files plus the files to save. Applying it
// through VS Code puts it on the undo stack and never writes behind an open editor's back.
import * as vscode from 'vscode';
import type * as lsp from 'vscode-languageclient';
import type { QdaConnection } from './connection';
import type { EditResult } from '../../server/src/protocol';

/** Applies the edit and saves the files it names; shows a refusal or failure. True when applied. */
export async function applyServerEdit(connection: QdaConnection, result: EditResult): Promise<boolean> {
  if (result.error) {
    void vscode.window.showErrorMessage(result.error);
    return false;
  }
  if (!result.edit) {
    if (result.message) vscode.window.setStatusBarMessage(result.message, 5000);
    return false;
  }
  const edit = await connection.p2c.asWorkspaceEdit(result.edit as lsp.WorkspaceEdit);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The change could not be applied. Save or close the files it touches and try again.'));
    return false;
  }
  for (const target of result.save ?? []) {
    const uri = /^[a-z][a-z0-9+.-]*:/i.test(target) ? vscode.Uri.parse(target) : vscode.Uri.file(target);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty && !(await doc.save())) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not save {0}.', vscode.workspace.asRelativePath(uri, false)));
    }
  }
  if (result.message) vscode.window.setStatusBarMessage(result.message, 5000);
  return true;
}
