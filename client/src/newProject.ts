// "Thesis QDA: New Thesis Project…": the scaffold of core/ops/scaffold.ts (the same as `qda init`)
// in the open folder or one the student picks, and what a folder without a project shows.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { scaffoldProject, type ScaffoldResult } from '../../server/src/core/ops/scaffold';
import type { QdaConnection } from './connection';

/** The files that make a folder a Thesis QDA project (the manifest's activationEvents agree). */
const PROJECT_MARKERS = ['qda.yaml', 'codebook.md'];

export function isProjectFolder(folder: vscode.Uri): boolean {
  if (folder.scheme !== 'file') return true; // not ours to judge; the server reports what it finds
  return PROJECT_MARKERS.some((f) => fs.existsSync(path.join(folder.fsPath, f)));
}

/** What the command returns (for tests and scripts). */
export interface NewProjectResult extends ScaffoldResult {
  folder: string;
}

function projectLanguage(): 'nb' | 'en' {
  return /^(nb|nn|no)\b/i.test(vscode.env.language) ? 'nb' : 'en';
}

export function registerNewProject(context: vscode.ExtensionContext, connection: QdaConnection): void {
  const first = vscode.workspace.workspaceFolders?.[0];
  if (!first || !isProjectFolder(first.uri)) {
    connection.waitForProject();
    if (first) {
      // qda init in a terminal, or a qda.yaml written by hand, make the folder a project too.
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(first, `{${PROJECT_MARKERS.join(',')}}`));
      watcher.onDidCreate(() => {
        if (isProjectFolder(first.uri)) connection.projectFound();
      });
      context.subscriptions.push(watcher);
    }
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('qda.projectNew', async (target?: unknown): Promise<NewProjectResult | undefined> => {
      const folder = target instanceof vscode.Uri ? target : await pickFolder();
      if (!folder) return undefined;
      if (folder.scheme !== 'file') {
        void vscode.window.showErrorMessage(vscode.l10n.t('A thesis project needs a folder on this computer, not {0}.', folder.toString()));
        return undefined;
      }
      let result: ScaffoldResult;
      try {
        fs.mkdirSync(folder.fsPath, { recursive: true });
        result = await scaffoldProject(new NodeFileSystem(folder.fsPath), { language: projectLanguage() });
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Could not create the project in {0}: {1}', folder.fsPath, err instanceof Error ? err.message : String(err)));
        return undefined;
      }
      const open = vscode.workspace.workspaceFolders?.find((f) => f.uri.fsPath === folder.fsPath);
      if (open && open === vscode.workspace.workspaceFolders?.[0]) {
        connection.projectFound();
        if (result.created.includes('codebook.md')) {
          await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, 'codebook.md'), { preview: false });
        }
        const changed = result.created.length + result.extended.length;
        void vscode.window.showInformationMessage(
          changed === 0
            ? vscode.l10n.t('{0} is already a Thesis QDA project; nothing was changed.', path.basename(folder.fsPath))
            : vscode.l10n.t('Thesis project ready: {0}. Next, import your interview transcripts.', result.created.concat(result.extended).join(', ')),
          ...(changed === 0 ? [] : [vscode.l10n.t('Import Transcripts…')]),
        ).then((choice) => (choice ? vscode.commands.executeCommand('qda.transcriptsImport') : undefined));
      } else {
        // Another folder: VS Code opens it in this window when the student agrees.
        const openIt = vscode.l10n.t('Open Folder');
        void vscode.window
          .showInformationMessage(vscode.l10n.t('Thesis project ready in {0}. Open it?', folder.fsPath), openIt)
          .then((choice) => (choice === openIt ? vscode.commands.executeCommand('vscode.openFolder', folder) : undefined));
      }
      return { folder: folder.fsPath, ...result };
    }),
  );
}

/** The open folder when it is no project yet (after a yes), else a folder from the dialog. */
async function pickFolder(): Promise<vscode.Uri | undefined> {
  const first = vscode.workspace.workspaceFolders?.[0];
  if (first && !isProjectFolder(first.uri)) {
    const here = vscode.l10n.t('Use this folder ({0})', first.name);
    const other = vscode.l10n.t('Choose Another Folder…');
    const choice = await vscode.window.showQuickPick([here, other], { title: vscode.l10n.t('New Thesis Project'), placeHolder: vscode.l10n.t('Where should the thesis project be?') });
    if (!choice) return undefined;
    if (choice === here) return first.uri;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Create Thesis Project Here'),
    title: vscode.l10n.t('New Thesis Project: choose or create an empty folder'),
    defaultUri: first?.uri,
  });
  return picked?.[0];
}
