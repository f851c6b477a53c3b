// "Save as Excel…" and "Save as Word…" for the analysis views: the server builds the file (the
// same as `qda export matrix-xlsx|segments-xlsx|segments-docx`), the client asks where to put it
// and writes it; and
// the one atomic write of a file the user picked (workbooks, charts).
import * as vscode from 'vscode';
import type { QdaConnection } from './connection';
import { analysisXlsxRequest, segmentsDocxRequest, type AnalysisXlsxParams, type SegmentsDocxParams } from '../../server/src/protocol';

export async function saveXlsx(connection: QdaConnection, params: AnalysisXlsxParams, defaultName: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const result = await connection.request(analysisXlsxRequest, params);
  return saveMade(result, vscode.l10n.t('The workbook could not be made: {0}', result.error ?? ''), { Excel: ['xlsx'] }, vscode.l10n.t('Save as Excel Workbook'), defaultName, target);
}

/** "Save as Word…" in the Coded Segments view: the segment table `qda export segments-docx` writes. */
export async function saveDocx(connection: QdaConnection, params: SegmentsDocxParams, defaultName: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const result = await connection.request(segmentsDocxRequest, params);
  return saveMade(result, vscode.l10n.t('The document could not be made: {0}', result.error ?? ''), { Word: ['docx'] }, vscode.l10n.t('Save as Word Document'), defaultName, target);
}

/** A file the server made (base64): refused with `failed`, else saved where the user says (or at `target`). */
async function saveMade(result: { data?: string }, failed: string, filters: Record<string, string[]>, title: string, defaultName: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (!result.data) {
    void vscode.window.showErrorMessage(failed);
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = target ?? (await vscode.window.showSaveDialog({ defaultUri: folder && vscode.Uri.joinPath(folder, defaultName), filters, title }));
  if (!uri) return undefined;
  await writeFileAtomic(uri, Buffer.from(result.data, 'base64'));
  vscode.window.setStatusBarMessage(vscode.l10n.t('Saved {0}.', vscode.workspace.asRelativePath(uri, false)), 4000);
  return uri;
}

/**
 * Writes `bytes` to a temporary file beside `uri` and renames it over `uri`, so a chapter's
 * figure or a workbook open elsewhere is never seen half written (any file system VS Code has:
 * the rename is the file system's own).
 */
export async function writeFileAtomic(uri: vscode.Uri, bytes: Uint8Array): Promise<void> {
  const slash = uri.path.lastIndexOf('/');
  const tmp = uri.with({ path: `${uri.path.slice(0, slash + 1)}.${uri.path.slice(slash + 1)}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp` });
  try {
    await vscode.workspace.fs.writeFile(tmp, bytes);
    await vscode.workspace.fs.rename(tmp, uri, { overwrite: true });
  } catch (e) {
    await Promise.resolve(vscode.workspace.fs.delete(tmp)).catch(() => undefined);
    throw e;
  }
}
