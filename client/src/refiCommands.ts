// REFI-QDA exchange from the command palette (issue 19): export the project (.qdpx) or the
// codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA and QualCoder, and import them. An import first
// asks the server for a preview (qda/refiImportPreview: the archive read and converted, nothing
// written) and shows what will be created, merged, kept, removed and skipped, or why it is
// refused; only "Import" writes. As with transcripts (importCommand.ts), importing is off in
// Restricted Mode: an archive is someone else's file.
import * as vscode from 'vscode';
import { refiExportRequest, refiImportPreviewRequest, refiImportRequest, type RefiImportParams, type RefiImportPreview } from '../../server/src/protocol';
import type { QdaConnection } from './connection';
import { applyServerEdit } from './serverEdits';

/** Scripted use (tests): everything the dialogs would ask. */
export interface RefiImportArgs {
  file: string | vscode.Uri;
  /** .qdpx: the new project folder. */
  target?: string | vscode.Uri;
  /** .qdc: merge (default), rename taken names, or replace the codebook. */
  mode?: 'merge' | 'rename' | 'replace';
  /** Answer the preview with Import (true) or Cancel (false); default true. */
  confirm?: boolean;
}

export interface RefiImportCommandResult {
  applied: boolean;
  preview?: RefiImportPreview;
  /** The preview as the user saw it (message and detail). */
  shown?: { message: string; detail: string };
  error?: string;
  /** .qdpx: the folder written. */
  written?: string;
}

const toUri = (f: string | vscode.Uri): vscode.Uri => (typeof f === 'string' ? (/^[a-z][a-z0-9+.-]+:/i.test(f) ? vscode.Uri.parse(f) : vscode.Uri.file(f)) : f);

/** At most `n` names, then "and N more". */
function list(names: readonly string[], n = 12): string {
  if (names.length <= n) return names.join(', ');
  return vscode.l10n.t('{0} and {1} more', names.slice(0, n).join(', '), names.length - n);
}

function lines(items: readonly string[], n = 8): string {
  const shown = items.slice(0, n).map((s) => `• ${s}`);
  if (items.length > n) shown.push(vscode.l10n.t('… and {0} more', items.length - n));
  return shown.join('\n');
}

/** The preview in words: the modal's message and detail. */
export function describePreview(p: RefiImportPreview, file: string, target?: string): { message: string; detail: string } {
  const parts: string[] = [];
  if (p.kind === 'qdpx') {
    const c = p.counts!;
    parts.push(vscode.l10n.t('Creates a new project in {0}: {1} transcripts, {2} codes, {3} codings, {4} memos, {5} informants ({6} files).', target ?? '', c.transcripts, c.codes, c.codings, c.memos, c.informants, p.create.length));
  } else {
    if (p.added.length > 0) parts.push(vscode.l10n.t('Adds {0} codes and categories to the codebook: {1}.', p.added.length, list(p.added)));
    else parts.push(vscode.l10n.t('Adds nothing to the codebook.'));
    if (p.replaced.length > 0) parts.push(vscode.l10n.t('Takes the definition from {0} for {1} codes the codebook has: {2}.', file, p.replaced.length, list(p.replaced)));
    if (p.kept.length > 0) parts.push(vscode.l10n.t('Keeps {0} codes that {1} lacks, because codings name them (moved to the uncategorised section):', p.kept.length, file) + '\n' + lines(p.kept));
    if (p.removed.length > 0) parts.push(vscode.l10n.t('Removes {0} codes and categories no coding names: {1}.', p.removed.length, list(p.removed)));
  }
  if (p.skipped.length > 0) parts.push(vscode.l10n.t('Not imported or renamed ({0}):', p.skipped.length) + '\n' + lines(p.skipped));
  const message = p.kind === 'qdpx' ? vscode.l10n.t('Import the REFI-QDA project {0}?', file) : vscode.l10n.t('Import the REFI-QDA codebook {0}?', file);
  return { message, detail: parts.join('\n\n') };
}

export function registerRefiCommands(context: vscode.ExtensionContext, connection: QdaConnection): void {
  const register = (id: string, fn: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  };
  register('qda.refiExportProject', (out?: unknown) => exportRefi(connection, 'qdpx', out));
  register('qda.refiExportCodebook', (out?: unknown) => exportRefi(connection, 'qdc', out));
  register('qda.refiImportProject', (args?: unknown) => importRefi(connection, 'qdpx', args));
  register('qda.refiImportCodebook', (args?: unknown) => importRefi(connection, 'qdc', args));
}

async function exportRefi(connection: QdaConnection, format: 'qdpx' | 'qdc', out?: unknown): Promise<vscode.Uri | undefined> {
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Exporting REFI-QDA…') }, () => connection.request(refiExportRequest, { format }));
  if (result.error || result.base64 === undefined) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The export failed: {0}', result.error ?? ''));
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const label = format === 'qdpx' ? vscode.l10n.t('REFI-QDA project (.qdpx)') : vscode.l10n.t('REFI-QDA codebook (.qdc)');
  const target =
    out instanceof vscode.Uri || typeof out === 'string'
      ? toUri(out)
      : await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, result.fileName) : undefined, filters: { [label]: [format] }, title: label });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, Buffer.from(result.base64, 'base64'));
  const c = result.counts!;
  const what = format === 'qdpx' ? vscode.l10n.t('{0} transcripts, {1} codes, {2} codings by {3} coders', c.sources, c.codes, c.selections, c.users) : vscode.l10n.t('{0} codes', c.codes);
  void vscode.window.showInformationMessage(vscode.l10n.t('Wrote {0} ({1}).', vscode.workspace.asRelativePath(target, false), what));
  const warnings = result.warnings ?? [];
  if (warnings.length > 0) void vscode.window.showWarningMessage(vscode.l10n.t('{0} items were left out of the export: {1}', warnings.length, warnings.slice(0, 3).join('; ')));
  return target;
}

function isArgs(a: unknown): a is RefiImportArgs {
  return !!a && typeof a === 'object' && !(a instanceof vscode.Uri) && 'file' in a;
}

async function importRefi(connection: QdaConnection, kind: 'qdpx' | 'qdc', arg?: unknown): Promise<RefiImportCommandResult> {
  const fail = (error: string, preview?: RefiImportPreview): RefiImportCommandResult => {
    void vscode.window.showErrorMessage(error);
    return { applied: false, error, preview };
  };
  if (!vscode.workspace.isTrusted) {
    return fail(vscode.l10n.t('Importing is turned off in Restricted Mode: an archive from another program is untrusted input. Trust this folder to import.'));
  }
  if (!vscode.workspace.workspaceFolders?.length) return fail(vscode.l10n.t('Open the thesis folder first.'));
  const scripted = isArgs(arg) ? arg : undefined;
  const title = kind === 'qdpx' ? vscode.l10n.t('Import REFI-QDA project (.qdpx)') : vscode.l10n.t('Import codebook (.qdc)');
  let file: vscode.Uri | undefined = scripted ? toUri(scripted.file) : arg instanceof vscode.Uri ? arg : undefined;
  if (!file) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      title,
      openLabel: vscode.l10n.t('Import'),
      filters: kind === 'qdpx' ? { [vscode.l10n.t('REFI-QDA project (.qdpx)')]: ['qdpx'] } : { [vscode.l10n.t('REFI-QDA codebook (.qdc)')]: ['qdc'] },
    });
    file = picked?.[0];
  }
  if (!file) return { applied: false };
  if (file.scheme !== 'file') return fail(vscode.l10n.t('{0} is not a file on this computer; only local files can be imported.', file.toString()));
  const fileName = file.path.split('/').pop() ?? file.path;

  const params: RefiImportParams = { file: connection.c2p.asUri(file) };
  let targetUri: vscode.Uri | undefined;
  if (kind === 'qdpx') {
    targetUri = scripted?.target !== undefined ? toUri(scripted.target) : undefined;
    if (!targetUri) {
      const beside = vscode.Uri.joinPath(file, '..', fileName.replace(/\.qdpx$/i, ''));
      targetUri = await vscode.window.showSaveDialog({ defaultUri: beside, title: vscode.l10n.t('A new folder for the imported project'), saveLabel: vscode.l10n.t('Create Project Here') });
    }
    if (!targetUri) return { applied: false };
    params.target = connection.c2p.asUri(targetUri);
  } else {
    let mode = scripted?.mode;
    if (!scripted) {
      const modes: Array<vscode.QuickPickItem & { mode: 'merge' | 'rename' | 'replace' }> = [
        { label: vscode.l10n.t('Merge into the codebook'), description: vscode.l10n.t('new codes are added; a name the codebook has is skipped'), mode: 'merge' },
        { label: vscode.l10n.t('Merge, renaming taken names'), description: vscode.l10n.t('a code whose name is taken is added with its parent\'s name'), mode: 'rename' },
        { label: vscode.l10n.t('Replace the codebook'), description: vscode.l10n.t('codes that codings name are kept; nothing coded is lost'), mode: 'replace' },
      ];
      const picked = await vscode.window.showQuickPick(modes, { title, placeHolder: vscode.l10n.t('How should {0} join the codebook?', fileName) });
      if (!picked) return { applied: false };
      mode = picked.mode;
    }
    params.mode = mode ?? 'merge';
  }

  let preview: RefiImportPreview;
  try {
    preview = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading {0}…', fileName) }, () => connection.request(refiImportPreviewRequest, params));
  } catch (err) {
    return fail(vscode.l10n.t('The import failed: {0}', err instanceof Error ? err.message : String(err)));
  }
  if (preview.error) return fail(vscode.l10n.t('{0} was not imported: {1}', fileName, preview.error), preview);
  const shown = describePreview(preview, fileName, targetUri?.fsPath);
  const importLabel = vscode.l10n.t('Import');
  const confirmed = scripted ? scripted.confirm !== false : (await vscode.window.showInformationMessage(shown.message, { modal: true, detail: shown.detail }, importLabel)) === importLabel;
  if (!confirmed) {
    vscode.window.setStatusBarMessage(vscode.l10n.t('Import cancelled; nothing was written.'), 5000);
    return { applied: false, preview, shown };
  }

  const result = await connection.request(refiImportRequest, params);
  if (result.error) return { ...fail(vscode.l10n.t('{0} was not imported: {1}', fileName, result.error), result.preview), shown };
  if (kind === 'qdc') {
    if (!(await applyServerEdit(connection, result))) return { applied: false, preview, shown, error: result.error };
    const p = result.preview;
    const done =
      params.mode === 'replace'
        ? vscode.l10n.t('Replaced the codebook with {0}: {1} new codes, {2} kept because codings name them, {3} removed.', fileName, p.added.length, p.kept.length, p.removed.length)
        : vscode.l10n.t('Merged {0} into the codebook: {1} codes added, {2} not imported or renamed.', fileName, p.added.length, p.skipped.length);
    void vscode.window.showInformationMessage(done);
    return { applied: true, preview: p, shown };
  }
  const open = vscode.l10n.t('Open Folder');
  const c = result.preview.counts!;
  const message = vscode.l10n.t('Imported {0} into {1}: {2} transcripts, {3} codes, {4} codings.', fileName, targetUri!.fsPath, c.transcripts, c.codes, c.codings);
  if (scripted) void vscode.window.showInformationMessage(message);
  else
    void vscode.window.showInformationMessage(message, open).then((a) => {
      if (a === open) void vscode.commands.executeCommand('vscode.openFolder', targetUri, { forceNewWindow: true });
    });
  return { applied: true, preview: result.preview, shown, written: result.folder };
}
