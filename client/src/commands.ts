// Commands: code / code in vivo / uncode the selection, refresh the tree, open a segment or
// the codebook. The coding commands ask the server (qda/codeSelection, qda/uncodeSelection),
// apply the WorkspaceEdit it returns (so Undo works and nothing is written behind an open
// editor's back) and save the server's files it names, so the codings are on disk.
import * as vscode from 'vscode';
import { applyServerEdit, changesFiles } from './serverEdits';
import type * as lsp from 'vscode-languageclient/node';
import {
  codeSelectionRequest,
  codeSummariesRequest,
  uncodeSelectionRequest,
  type CodeSummary,
  type EditResult,
} from '../../server/src/protocol';
import type { CodebookElement, CodebookTreeProvider } from './codebookTree';
import type { QdaConnection } from './connection';
import { normalizeName, tidyName } from '../../server/src/core/text/names';
import type { Swatches } from './swatches';

/** What the coding commands resolve to (for scripts and tests). */
export interface CodingCommandResult {
  applied: boolean;
  code?: string;
  ids?: string[];
  removed?: number;
  error?: string;
}

interface CodePickItem extends vscode.QuickPickItem {
  code?: string;
  create?: boolean;
}

/** Existing codes first by most recent use (by this coder), then by name. */
export function sortSummaries(summaries: CodeSummary[]): CodeSummary[] {
  return [...summaries].sort((a, b) => {
    if (a.lastUsed !== b.lastUsed) return a.lastUsed < b.lastUsed ? 1 : -1;
    return a.name.localeCompare(b.name);
  });
}

export function registerCommands(
  context: vscode.ExtensionContext,
  connection: QdaConnection,
  tree: CodebookTreeProvider,
  swatches: Swatches,
): void {
  const register = <A extends unknown[]>(id: string, fn: (...args: A) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => fn(...(args as A))));

  /** The active editor's non-empty selections, or a message why there are none. */
  function codingTarget(): { editor: vscode.TextEditor; selections: vscode.Selection[] } | undefined {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Coding is turned off in Restricted Mode. Trust this folder to code passages; until then the codebook is read-only.'),
      );
      return undefined;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a transcript and select the passage to code.'));
      return undefined;
    }
    const selections = editor.selections.filter((s) => !s.isEmpty);
    if (selections.length === 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Select the passage to code first.'));
      return undefined;
    }
    return { editor, selections };
  }

  /** Applies the server's edit and saves its files; shows a refusal. Returns whether it was applied. */
  const applyResult = (result: EditResult): Promise<boolean> => applyServerEdit(connection, result);

  async function codeSelections(editor: vscode.TextEditor, selections: readonly vscode.Range[], names: string[], create: boolean): Promise<CodingCommandResult> {
    const ids: string[] = [];
    let applied = false;
    // One request at a time: each edit changes the codings file the next one builds on.
    for (let i = 0; i < selections.length; i++) {
      const code = names[Math.min(i, names.length - 1)];
      const result = await connection.request(codeSelectionRequest, {
        uri: connection.c2p.asUri(editor.document.uri),
        range: connection.c2p.asRange(selections[i]),
        code,
        create,
        origin: connection.c2p.asUri(editor.document.uri),
      });
      if (!(await applyResult(result))) return { applied, code, ids, error: result.error };
      applied = true;
      if (result.id) ids.push(result.id);
    }
    return { applied, code: names[0], ids };
  }

  /** The quick pick of "Code Selection": existing codes plus "Create code '…'". */
  async function pickCode(): Promise<{ code: string; create: boolean } | undefined> {
    const pick = vscode.window.createQuickPick<CodePickItem>();
    pick.title = vscode.l10n.t('Code Selection');
    pick.placeholder = vscode.l10n.t('Type to find a code by name or description, or a new name to create one');
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.busy = true;
    pick.show();

    let base: CodePickItem[] = [];
    let keys = new Set<string>();
    const update = () => {
      const name = tidyName(pick.value);
      const createItem: CodePickItem[] =
        name && !keys.has(normalizeName(name))
          ? [{ label: vscode.l10n.t("Create code '{0}'", name), code: name, create: true, alwaysShow: true, iconPath: new vscode.ThemeIcon('add') }]
          : [];
      pick.items = [...createItem, ...base];
    };
    const loaded = connection.request(codeSummariesRequest, {}).then(
      async (summaries) => {
        await swatches.prepare(summaries.map((s) => s.color));
        const sorted = sortSummaries(summaries);
        keys = new Set(sorted.map((s) => normalizeName(s.name)));
        const recent = sorted.filter((s) => s.lastUsed);
        const toItem = (s: CodeSummary): CodePickItem => {
          const count = s.codings === 1 ? vscode.l10n.t('{0} coding', 1) : vscode.l10n.t('{0} codings', s.codings);
          const where = s.categoryPath.length > 0 ? s.categoryPath.join(' › ') : vscode.l10n.t('no category');
          return { label: s.name, description: `${where} · ${count}`, detail: s.description || undefined, code: s.name, iconPath: swatches.icon(s.color) };
        };
        base =
          recent.length > 0 && recent.length < sorted.length
            ? [
                { label: vscode.l10n.t('recently used'), kind: vscode.QuickPickItemKind.Separator },
                ...recent.map(toItem),
                { label: vscode.l10n.t('all codes'), kind: vscode.QuickPickItemKind.Separator },
                ...sorted.filter((s) => !s.lastUsed).map(toItem),
              ]
            : sorted.map(toItem);
        pick.busy = false;
        update();
      },
      (err: unknown) => {
        pick.busy = false;
        void vscode.window.showErrorMessage(vscode.l10n.t('Could not list the codes: {0}', err instanceof Error ? err.message : String(err)));
        update();
      },
    );

    const chosen = await new Promise<CodePickItem | undefined>((resolve) => {
      pick.onDidChangeValue(update);
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0] ?? pick.activeItems[0];
        if (item?.code) resolve(item);
      });
      pick.onDidHide(() => resolve(undefined));
    });
    pick.dispose();
    await loaded;
    if (!chosen?.code) return undefined;
    return { code: chosen.code, create: chosen.create === true };
  }

  register('qda.selectionCode', async (arg?: { code?: unknown }): Promise<CodingCommandResult | undefined> => {
    const target = codingTarget();
    if (!target) return undefined;
    let choice: { code: string; create: boolean } | undefined;
    if (arg && typeof arg.code === 'string' && tidyName(arg.code)) {
      // Scripted use: the code named is created when the codebook lacks it.
      choice = { code: tidyName(arg.code), create: true };
    } else {
      choice = await pickCode();
    }
    if (!choice) return undefined;
    return codeSelections(target.editor, target.selections, [choice.code], choice.create);
  });

  register('qda.selectionCodeInVivo', async (): Promise<CodingCommandResult | undefined> => {
    const target = codingTarget();
    if (!target) return undefined;
    const names = target.selections.map((s) => tidyName(target.editor.document.getText(s)));
    if (names.some((n) => n === '')) {
      void vscode.window.showWarningMessage(vscode.l10n.t('The selection has no words to name a code with.'));
      return undefined;
    }
    // Each selection becomes a code named by its own words.
    const ids: string[] = [];
    let applied = false;
    for (let i = 0; i < target.selections.length; i++) {
      const r = await codeSelections(target.editor, [target.selections[i]], [names[i]], true);
      applied ||= r.applied;
      ids.push(...(r.ids ?? []));
      if (r.error) return { applied, code: names[i], ids, error: r.error };
    }
    return { applied, code: names[0], ids };
  });

  register('qda.selectionUncode', async (arg?: { code?: unknown }): Promise<CodingCommandResult | undefined> => {
    if (!vscode.workspace.isTrusted) {
      codingTarget();
      return undefined;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a transcript and put the cursor in a coded passage.'));
      return undefined;
    }
    const uri = connection.c2p.asUri(editor.document.uri);
    const range = connection.c2p.asRange(editor.selection);
    let code = arg && typeof arg.code === 'string' ? arg.code : undefined;
    let result = await connection.request(uncodeSelectionRequest, { uri, range, code, origin: uri });
    if (!changesFiles(result) && !result.error && result.candidates && result.candidates.length > 0) {
      code =
        result.candidates.length === 1
          ? result.candidates[0]
          : await vscode.window.showQuickPick(result.candidates, {
              title: vscode.l10n.t('Remove Code from Selection'),
              placeHolder: vscode.l10n.t('Several codes apply here. Which one should be removed?'),
            });
      if (!code) return undefined;
      result = await connection.request(uncodeSelectionRequest, { uri, range, code, origin: uri });
    }
    if (!changesFiles(result) && !result.error) {
      void vscode.window.showInformationMessage(result.message ?? vscode.l10n.t('No coding here to remove.'));
      return { applied: false, removed: 0 };
    }
    const applied = await applyResult(result);
    return { applied, code, removed: applied ? (result.removed ?? 0) : 0, error: result.error };
  });

  register('qda.treeRefresh', () => tree.refresh());

  register('qda.segmentOpen', async (arg?: { uri?: string | vscode.Uri; range?: lsp.Range | vscode.Range }) => {
    if (!arg?.uri) return;
    const uri = typeof arg.uri === 'string' ? vscode.Uri.parse(arg.uri) : arg.uri;
    const range = arg.range instanceof vscode.Range ? arg.range : arg.range ? connection.p2c.asRange(arg.range) : undefined;
    const editor = await vscode.window.showTextDocument(uri, { preview: true, selection: range });
    if (range) editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  });

  register('qda.codebookOpen', async (element?: CodebookElement) => {
    if (element && (element.kind === 'code' || element.kind === 'category') && !(element.kind === 'code' && element.unknown)) {
      const location = element.node.location;
      await vscode.window.showTextDocument(vscode.Uri.parse(location.uri), { selection: connection.p2c.asRange(location.range) });
      return;
    }
    const codebook = await tree.codebook();
    let uri = codebook ? vscode.Uri.parse(codebook.codebookUri) : undefined;
    if (!uri) {
      const folder = vscode.workspace.workspaceFolders?.[0];
      uri = folder ? vscode.Uri.joinPath(folder.uri, 'codebook.md') : undefined;
    }
    if (!uri) return;
    try {
      await vscode.window.showTextDocument(uri);
    } catch {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('There is no codebook yet at {0}. Code a passage to create it.', vscode.workspace.asRelativePath(uri, false)),
      );
    }
  });

  register('qda.outputShow', () => connection.output.show(true));
}
