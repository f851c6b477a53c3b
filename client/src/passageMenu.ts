// Work on a coded passage where it is: the transcript's context menu on a coded passage (and
// the Codebook tree's on a segment) offers Uncode, Recode, Show in Codebook and Insert Quote.
// The passage is the coding under the cursor (or overlapping the selection); when several
// apply, the student picks one by its code. Uncode and Recode are one server edit each, so
// Ctrl+Z in the transcript undoes them (CodingHistory).
import * as vscode from 'vscode';
import {
  codeSummariesRequest,
  documentCodingsRequest,
  recodeCodingRequest,
  uncodeCodingRequest,
  type DocumentCoding,
} from '../../server/src/protocol';
import type { QdaConnection } from './connection';
import { normalizeName, tidyName } from '../../server/src/core/text/names';
import type { CodebookElement, CodebookTreeProvider, CodeElement } from './codebookTree';
import type { CodingDecorations } from './decorations';
import { applyServerEdit } from './serverEdits';

/** One coding a passage command acts on. */
interface Target {
  id: string;
  code: string;
  coder: string;
  /** The transcript editor it was chosen in (for Ctrl+Z there). */
  editor?: vscode.TextEditor;
}

/** What the commands return, for tests and scripts. */
export interface PassageResult {
  applied: boolean;
  id?: string;
  code?: string;
}

function isSegment(arg: unknown): arg is Extract<CodebookElement, { kind: 'segment' }> {
  return !!arg && typeof arg === 'object' && (arg as { kind?: string }).kind === 'segment';
}

export function registerPassageMenu(
  context: vscode.ExtensionContext,
  connection: QdaConnection,
  tree: CodebookTreeProvider,
  view: () => vscode.TreeView<CodebookElement> | undefined,
  decorations: CodingDecorations,
): void {
  // qda.onCodedPassage (the cursor is in a coded passage) shows the commands in the palette.
  // The editor's context menu cannot wait for it: a right-click moves the cursor and opens the
  // menu at once, before the selection event reaches this process and the context key comes
  // back. So the menu offers them in every document with codings (qda.codedPaths) and the
  // commands say so when the cursor is in no coded passage.
  let onCoded = false;
  let codedPaths: string[] = [];
  const updateContext = (editor = vscode.window.activeTextEditor): void => {
    const pos = editor?.selection.active;
    const next = !!editor && !!pos && decorations.rangesFor(editor).some((r) => r.contains(pos));
    if (next !== onCoded) {
      onCoded = next;
      void vscode.commands.executeCommand('setContext', 'qda.onCodedPassage', next);
    }
    const paths = vscode.window.visibleTextEditors.filter((e) => decorations.rangesFor(e).length > 0).map((e) => e.document.uri.path).sort();
    if (paths.join('\n') !== codedPaths.join('\n')) {
      codedPaths = paths;
      void vscode.commands.executeCommand('setContext', 'qda.codedPaths', paths);
    }
  };
  context.subscriptions.push(
    vscode.window.onDidChangeTextEditorSelection((e) => updateContext(e.textEditor)),
    vscode.window.onDidChangeActiveTextEditor((e) => updateContext(e)),
    vscode.window.onDidChangeVisibleTextEditors(() => updateContext()),
    decorations.onDidPaint(() => updateContext()),
  );

  /** The codings under the cursor or overlapping the selection in the active editor. */
  async function codingsAtCursor(): Promise<{ editor: vscode.TextEditor; codings: DocumentCoding[] } | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a transcript and put the cursor in a coded passage.'));
      return undefined;
    }
    const all = await connection.request(documentCodingsRequest, { uri: editor.document.uri.toString() });
    const sel = editor.selection;
    const codings = all.filter((c) => {
      const r = connection.p2c.asRange(c.range);
      return sel.isEmpty ? r.contains(sel.active) : !!r.intersection(sel) && !r.intersection(sel)!.isEmpty;
    });
    if (codings.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There is no coded passage at the cursor.'));
      return undefined;
    }
    return { editor, codings };
  }

  /** The one coding to act on: the tree's segment, or the cursor's (picked by code when several). */
  async function target(arg: unknown, title: string, mineOnly: boolean, codeWanted?: string): Promise<Target | undefined> {
    if (isSegment(arg)) return { id: arg.segment.id, code: arg.segment.code, coder: arg.segment.coder };
    const found = await codingsAtCursor();
    if (!found) return undefined;
    const candidates = mineOnly ? found.codings.filter((c) => c.mine !== false) : found.codings;
    if (candidates.length === 0) {
      const coders = [...new Set(found.codings.map((c) => c.coder))].join(', ');
      void vscode.window.showWarningMessage(vscode.l10n.t('This passage is coded by {0}, not by you; only your own codings can be changed.', coders));
      return undefined;
    }
    let chosen = candidates[0];
    const named = codeWanted === undefined ? undefined : candidates.find((c) => c.code.toLowerCase() === codeWanted.toLowerCase());
    if (named) chosen = named;
    else if (candidates.length > 1) {
      const picked = await vscode.window.showQuickPick(
        candidates.map((c) => ({ label: c.code, description: c.coder, coding: c })),
        { title, placeHolder: vscode.l10n.t('Several codes apply here. Which one?') },
      );
      if (!picked) return undefined;
      chosen = picked.coding;
    }
    return { id: chosen.id, code: chosen.code, coder: chosen.coder, editor: found.editor };
  }

  const apply = (result: Parameters<typeof applyServerEdit>[1]): Promise<boolean> => applyServerEdit(connection, result);
  /** The editor the passage was chosen in: Ctrl+Z there undoes the operation. */
  const origin = (t: Target): string | undefined => t.editor?.document.uri.toString();

  // Scripted use (tests, keybindings): the second argument's `code` names the coding's code
  // when several apply (Uncode, Show in Codebook, Insert Quote) or the new code (Recode).
  const register = (id: string, fn: (arg?: unknown, options?: { code?: string }) => Promise<PassageResult | undefined>) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  register('qda.passageUncode', async (arg, options) => {
    if (!vscode.workspace.isTrusted) return notTrusted();
    const t = await target(arg, vscode.l10n.t('Uncode'), true, options?.code);
    if (!t) return undefined;
    const applied = await apply(await connection.request(uncodeCodingRequest, { id: t.id, origin: origin(t) }));
    if (applied) vscode.window.setStatusBarMessage(vscode.l10n.t("Removed the code '{0}' from the passage.", t.code), 5000);
    return { applied, id: t.id, code: t.code };
  });

  register('qda.passageRecode', async (arg, options) => {
    if (!vscode.workspace.isTrusted) return notTrusted();
    const t = await target(arg, vscode.l10n.t('Recode'), true);
    if (!t) return undefined;
    const choice = typeof options?.code === 'string' ? { code: options.code, create: true } : await pickOtherCode(t.code);
    if (!choice) return undefined;
    const applied = await apply(await connection.request(recodeCodingRequest, { id: t.id, code: choice.code, create: choice.create, origin: origin(t) }));
    return { applied, id: t.id, code: choice.code };
  });

  register('qda.passageShowInCodebook', async (arg, options) => {
    const t = await target(arg, vscode.l10n.t('Show in Codebook'), false, options?.code);
    if (!t) return undefined;
    const element = await findCode(tree, t.code);
    const v = view();
    if (!element || !v) {
      void vscode.window.showWarningMessage(vscode.l10n.t("The code '{0}' is not in the codebook.", t.code));
      return { applied: false, id: t.id, code: t.code };
    }
    await v.reveal(element, { select: true, focus: true, expand: true });
    return { applied: true, id: t.id, code: t.code };
  });

  register('qda.passageInsertQuote', async (arg, options) => {
    const t = await target(arg, vscode.l10n.t('Insert Quote into Chapter'), false, options?.code);
    if (!t) return undefined;
    await vscode.commands.executeCommand('qda.segmentInsertQuote', { id: t.id });
    return { applied: true, id: t.id, code: t.code };
  });

  /** Existing codes other than the current one, and "Create code '…'" for a new name. */
  async function pickOtherCode(current: string): Promise<{ code: string; create: boolean } | undefined> {
    const summaries = await connection.request(codeSummariesRequest, {});
    const items: Array<vscode.QuickPickItem & { code?: string; create?: boolean }> = summaries
      .filter((s) => s.name !== current)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({ label: s.name, description: s.categoryPath.join(' › '), detail: s.description || undefined, code: s.name }));
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { code?: string; create?: boolean }>();
    pick.title = vscode.l10n.t("Recode: move the passage from '{0}' to…", current);
    pick.placeholder = vscode.l10n.t('Type to find a code, or a new name to create one');
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    const keys = new Set(summaries.map((s) => normalizeName(s.name)));
    const update = (): void => {
      const name = tidyName(pick.value);
      const create = name && !keys.has(normalizeName(name)) ? [{ label: vscode.l10n.t("Create code '{0}'", name), code: name, create: true, alwaysShow: true }] : [];
      pick.items = [...create, ...items];
    };
    update();
    const chosen = await new Promise<(vscode.QuickPickItem & { code?: string; create?: boolean }) | undefined>((resolve) => {
      pick.onDidChangeValue(update);
      pick.onDidAccept(() => resolve(pick.selectedItems[0] ?? pick.activeItems[0]));
      pick.onDidHide(() => resolve(undefined));
      pick.show();
    });
    pick.dispose();
    return chosen?.code ? { code: chosen.code, create: chosen.create === true } : undefined;
  }
}

function notTrusted(): undefined {
  void vscode.window.showWarningMessage(
    vscode.l10n.t('Coding is turned off in Restricted Mode. Trust this folder to code passages; until then the codebook is read-only.'),
  );
  return undefined;
}

/** The tree element of a code, found the way the view loads it (categories first). */
async function findCode(tree: CodebookTreeProvider, code: string): Promise<CodeElement | undefined> {
  const key = code.toLowerCase();
  const visit = async (parent: CodebookElement | undefined): Promise<CodeElement | undefined> => {
    for (const child of await tree.getChildren(parent)) {
      if (child.kind === 'code' && child.node.name.toLowerCase() === key) return child;
      if (child.kind === 'category' || (child.kind === 'code' && child.node.children.length > 0) || child.kind === 'unknownGroup') {
        const found = await visit(child);
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit(undefined);
}
