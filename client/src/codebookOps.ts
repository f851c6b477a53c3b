// Codebook work in the tree: rename, merge, move (drag and drop), new category, group into a
// new category, delete (after a confirmation that says how many codings go), describe,
// change colour, sort and filter the tree, show and copy a code's segments, export the
// codebook. Every change is computed by the server (qda/renameItem, qda/mergeCodes, …) and
// applied here as one WorkspaceEdit, so a single Undo reverts it.
import * as vscode from 'vscode';
import { applyServerEdit } from './serverEdits';
import {
  deleteCodeRequest,
  exportCodebookRequest,
  mergeCodesRequest,
  moveItemsRequest,
  newCategoryRequest,
  renameItemRequest,
  segmentsRequest,
  setColorRequest,
  setDescriptionRequest,
  type CodebookEditResult,
  type CodebookExportFormat,
  type MoveTargetParam,
  type SegmentInfo,
  type TreeNode,
} from '../../server/src/protocol';
import type { CodebookElement, CodebookTreeProvider } from './codebookTree';
import type { QdaConnection } from './connection';
import { SegmentsPanel } from './segmentsView';

const TREE_MIME = 'application/vnd.code.tree.qda.codebook';

type ItemElement = Extract<CodebookElement, { kind: 'code' | 'category' }>;

export type SortMode = 'codebook' | 'name' | 'count';

/** The tree's view options: sort order of codes and a filter on names and descriptions. */
export class TreeViewOptions {
  sort: SortMode = 'codebook';
  filter = '';
  /** Reviewers' filter: only what is not agreed yet or has open comment threads (and the themes holding it). */
  needsWork = false;

  /** Applied by the tree to every list of children it shows. */
  apply(nodes: TreeNode[]): TreeNode[] {
    let out = nodes;
    const needle = this.filter.trim().toLocaleLowerCase();
    if (needle) out = out.filter((n) => matches(n, needle));
    if (this.needsWork) out = out.filter(needsWork);
    if (this.sort === 'name') out = [...out].sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'category' ? -1 : 1));
    else if (this.sort === 'count') out = [...out].sort((a, b) => (a.kind === b.kind ? b.codings - a.codings || a.name.localeCompare(b.name) : a.kind === 'category' ? -1 : 1));
    return out;
  }
}

function matches(n: TreeNode, needle: string): boolean {
  if (n.name.toLocaleLowerCase().includes(needle) || n.description.toLocaleLowerCase().includes(needle)) return true;
  return (n.children as TreeNode[]).some((c) => matches(c, needle));
}

function needsWork(n: TreeNode): boolean {
  if (n.review && (n.review.status !== 'agreed' || n.review.openThreads > 0)) return true;
  return (n.children as TreeNode[]).some(needsWork);
}

function isItem(e: CodebookElement | undefined): e is ItemElement {
  return e !== undefined && (e.kind === 'code' || e.kind === 'category');
}

/** Drag codes and categories within the tree; other drags (segments into chapters) go to `inner`. */
export class CodebookDragAndDrop implements vscode.TreeDragAndDropController<CodebookElement> {
  readonly dragMimeTypes: string[];
  readonly dropMimeTypes: string[];

  constructor(
    private readonly inner: vscode.TreeDragAndDropController<CodebookElement> | undefined,
    private readonly move: (names: string[], target: MoveTargetParam) => Promise<boolean>,
  ) {
    this.dragMimeTypes = [TREE_MIME, ...(inner?.dragMimeTypes ?? [])];
    this.dropMimeTypes = [TREE_MIME, ...(inner?.dropMimeTypes ?? [])];
  }

  handleDrag(source: readonly CodebookElement[], dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): void | Thenable<void> {
    const items = source.filter(isItem).filter((e) => !(e.kind === 'code' && e.unknown));
    if (items.length > 0) dataTransfer.set(TREE_MIME, new vscode.DataTransferItem(items.map((e) => e.node.name)));
    return this.inner?.handleDrag?.(source, dataTransfer, token);
  }

  async handleDrop(target: CodebookElement | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const item = dataTransfer.get(TREE_MIME);
    if (!item) return this.inner?.handleDrop?.(target, dataTransfer, token);
    const names = (item.value as string[]).filter((n) => !(isItem(target) && n === target.node.name));
    if (names.length === 0 || !isItem(target)) return;
    // Onto a category: into it. Onto a code: under it, as child codes (the server explains
    // why when that is not possible, e.g. for a category).
    const dest: MoveTargetParam = target.kind === 'category' ? { kind: 'into', category: target.node.name } : { kind: 'under', code: target.node.name };
    await this.move(names, dest);
  }
}

export function registerCodebookOps(
  context: vscode.ExtensionContext,
  connection: QdaConnection,
  tree: CodebookTreeProvider,
  view: () => vscode.TreeView<CodebookElement> | undefined,
): TreeViewOptions {
  const options = new TreeViewOptions();
  const register = (id: string, fn: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  };

  /** The clicked element, else the tree's selection (multi-select), else nothing. */
  function targets(arg: unknown, all: unknown): ItemElement[] {
    if (Array.isArray(all) && all.length > 0) return (all as CodebookElement[]).filter(isItem);
    if (isItem(arg as CodebookElement)) return [arg as ItemElement];
    return (view()?.selection ?? []).filter(isItem);
  }

  async function pickCode(placeHolder: string, exclude: Set<string> = new Set()): Promise<string | undefined> {
    const result = await tree.codebook();
    const names: vscode.QuickPickItem[] = [];
    const walk = (nodes: TreeNode[], path: string[]): void => {
      for (const n of nodes) {
        if (n.kind === 'code' && !exclude.has(n.name)) names.push({ label: n.name, description: path.join(' › '), detail: n.description || undefined });
        walk(n.children as TreeNode[], n.kind === 'category' ? [...path, n.name] : path);
      }
    };
    walk(result?.roots ?? [], []);
    return (await vscode.window.showQuickPick(names, { placeHolder, matchOnDescription: true, matchOnDetail: true }))?.label;
  }

  async function pickCategory(placeHolder: string, extra: vscode.QuickPickItem[] = []): Promise<vscode.QuickPickItem | undefined> {
    const result = await tree.codebook();
    const items: vscode.QuickPickItem[] = [...extra];
    const walk = (nodes: TreeNode[], depth: number): void => {
      for (const n of nodes) {
        if (n.kind !== 'category') continue;
        items.push({ label: `${'  '.repeat(depth)}${n.name}`, description: n.description || undefined });
        walk(n.children as TreeNode[], depth + 1);
      }
    };
    walk(result?.roots ?? [], 0);
    return vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  }

  /** Applies the server's edit and saves the files it names; shows a refusal. */
  async function apply(result: CodebookEditResult): Promise<boolean> {
    const ok = await applyServerEdit(connection, result);
    if (ok) tree.refresh();
    return ok;
  }

  const move = async (names: string[], target: MoveTargetParam): Promise<boolean> => apply(await connection.request(moveItemsRequest, { names, target }));

  // `nameArg`: the new name without asking (tests; other extensions' commands).
  register('qda.codeRename', async (arg, all, nameArg?: unknown) => {
    const [item] = targets(arg, all);
    if (!item) return;
    const newName = typeof nameArg === 'string' ? nameArg : await vscode.window.showInputBox({
      title: item.kind === 'code' ? vscode.l10n.t('Rename code') : vscode.l10n.t('Rename category'),
      prompt: vscode.l10n.t('Codings, [[links]] and the codebook change together; Undo reverts all of it.'),
      value: item.node.name,
      validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('A name cannot be empty.') : /[[\]|]/.test(v) ? vscode.l10n.t('[, ] and | would break [[links]].') : undefined),
    });
    if (newName === undefined || newName === item.node.name) return;
    return apply(await connection.request(renameItemRequest, { name: item.node.name, newName }));
  });

  register('qda.codeMerge', async (arg, all) => {
    const sources = targets(arg, all).filter((e) => e.kind === 'code').map((e) => e.node.name);
    if (sources.length === 0) return;
    let target: string | undefined;
    if (sources.length > 1) {
      const picked = await vscode.window.showQuickPick(
        [...sources.map((s) => ({ label: s, description: vscode.l10n.t('one of the selected codes') })), { label: vscode.l10n.t('Another code…'), description: '' }],
        { placeHolder: vscode.l10n.t('Merge the selected codes into which code?') },
      );
      if (!picked) return;
      target = sources.includes(picked.label) ? picked.label : await pickCode(vscode.l10n.t('Merge into…'), new Set(sources));
    } else target = await pickCode(vscode.l10n.t('Merge {0} into…', sources[0]), new Set(sources));
    if (!target) return;
    const rest = sources.filter((s) => s !== target);
    const result = await connection.request(mergeCodesRequest, { sources: rest, target });
    if (result.error) return apply(result);
    const ok = vscode.l10n.t('Merge');
    const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Merge {0} into {1}?', rest.join(', '), target), { modal: true, detail: result.message }, ok);
    if (answer === ok) return apply(result);
  });

  register('qda.itemMove', async (arg, all) => {
    const items = targets(arg, all);
    if (items.length === 0) return;
    const picked = await pickCategory(vscode.l10n.t('Move {0} into which category?', items.map((i) => i.node.name).join(', ')));
    if (!picked) return;
    return move(items.map((i) => i.node.name), { kind: 'into', category: picked.label.trim() });
  });

  register('qda.categoryNew', async (arg) => {
    const parent = isItem(arg as CodebookElement) && (arg as ItemElement).kind === 'category' ? (arg as ItemElement).node.name : undefined;
    const name = await vscode.window.showInputBox({ title: parent ? vscode.l10n.t('New sub-category of {0}', parent) : vscode.l10n.t('New main theme'), prompt: vscode.l10n.t('Name of the category') });
    if (!name) return;
    return apply(await connection.request(newCategoryRequest, { name, parent }));
  });

  register('qda.codesGroup', async (arg, all) => {
    const codes = targets(arg, all).filter((e) => e.kind === 'code' && !e.unknown).map((e) => e.node.name);
    if (codes.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select the codes to group in the Codebook view first (Ctrl/Cmd-click to select several).'));
      return;
    }
    const name = await vscode.window.showInputBox({ title: vscode.l10n.t('Group {0} codes into a new category', codes.length), prompt: vscode.l10n.t('Name of the new category') });
    if (!name) return;
    const under = vscode.l10n.t('(as a main theme)');
    const parent = await pickCategory(vscode.l10n.t('Where does the new category go?'), [{ label: under }]);
    if (!parent) return;
    return apply(await connection.request(newCategoryRequest, { name, codes, parent: parent.label === under ? undefined : parent.label.trim() }));
  });

  register('qda.codeDelete', async (arg, all) => {
    const [item] = targets(arg, all).filter((e) => e.kind === 'code');
    if (!item) return;
    const result = await connection.request(deleteCodeRequest, { name: item.node.name });
    if (result.error) return apply(result);
    const n = result.removed ?? 0;
    const ok = vscode.l10n.t('Delete');
    const question = n === 1 ? vscode.l10n.t('Delete the code {0} and its 1 coding?', item.node.name) : vscode.l10n.t('Delete the code {0} and its {1} codings?', item.node.name, n);
    const answer = await vscode.window.showWarningMessage(question, { modal: true, detail: vscode.l10n.t('All coders’ codings of this code go. Undo (Ctrl/Cmd+Z in the changed files) brings them back.') }, ok);
    if (answer === ok) return apply(result);
  });

  register('qda.codeDescribe', async (arg, all) => {
    const [item] = targets(arg, all);
    if (!item) return;
    const description = await vscode.window.showInputBox({ title: vscode.l10n.t('Description of {0}', item.node.name), value: item.node.description, prompt: vscode.l10n.t('What the code covers, so that others apply it the same way.') });
    if (description === undefined) return;
    return apply(await connection.request(setDescriptionRequest, { name: item.node.name, description }));
  });

  register('qda.codeColorChange', async (arg, all) => {
    const [item] = targets(arg, all).filter((e) => e.kind === 'code');
    if (!item) return;
    const palette = ['#e6194b', '#3cb44b', '#ffe119', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6', '#bcf60c', '#008080', '#9a6324', '#800000', '#808000', '#000075'];
    const custom = vscode.l10n.t('Custom colour…');
    const reset = vscode.l10n.t('Back to the palette colour');
    const picked = await vscode.window.showQuickPick([...palette.map((c) => ({ label: c })), { label: custom }, { label: reset }], { placeHolder: vscode.l10n.t('Colour of {0} (saved in qda.yaml)', item.node.name) });
    if (!picked) return;
    let color = picked.label;
    if (color === reset) color = '';
    else if (color === custom) {
      const typed = await vscode.window.showInputBox({ prompt: vscode.l10n.t('A colour like #e6194b'), value: item.node.color, validateInput: (v) => (/^#[0-9a-fA-F]{6}$/.test(v.trim()) ? undefined : vscode.l10n.t('Use six hex digits after #, like #e6194b.')) });
      if (!typed) return;
      color = typed.trim();
    }
    return apply(await connection.request(setColorRequest, { name: item.node.name, color }));
  });

  register('qda.treeSort', async () => {
    const items: Array<vscode.QuickPickItem & { mode: SortMode }> = [
      { label: vscode.l10n.t('Codebook order'), mode: 'codebook' },
      { label: vscode.l10n.t('Name'), mode: 'name' },
      { label: vscode.l10n.t('Number of codings'), mode: 'count' },
    ];
    for (const i of items) if (i.mode === options.sort) i.description = vscode.l10n.t('current');
    const picked = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Sort codes by') });
    if (!picked) return;
    options.sort = picked.mode;
    tree.refresh();
  });

  register('qda.treeFilter', async () => {
    const value = await vscode.window.showInputBox({ prompt: vscode.l10n.t('Show codes and categories whose name or description contains… (empty: show all)'), value: options.filter });
    if (value === undefined) return;
    options.filter = value;
    void vscode.commands.executeCommand('setContext', 'qda.treeFiltered', value.trim() !== '');
    tree.refresh();
  });

  async function segmentsOf(item: ItemElement): Promise<SegmentInfo[]> {
    return connection.request(segmentsRequest, item.kind === 'code' ? { code: item.node.name } : { category: item.node.name });
  }

  // The Coded Segments view, of the clicked code or theme (or all selected ones); returns what
  // it shows (for tests).
  register('qda.segmentsShow', async (arg, all) => {
    const items = targets(arg, all);
    if (!items.length) return;
    const names = items.map((i) => i.node.name);
    const panel = await SegmentsPanel.show(connection, { names }, vscode.l10n.t('Coded segments of {0}', names.join(', ')));
    return { result: panel.shown, rendered: panel.rendered };
  });

  register('qda.segmentsCopyMarkdown', async (arg, all) => {
    const items = targets(arg, all);
    if (items.length === 0) return;
    const parts: string[] = [];
    let count = 0;
    for (const item of items) {
      const segments = await segmentsOf(item);
      count += segments.length;
      parts.push(`## ${item.node.name}`, '');
      if (item.node.description) parts.push(item.node.description, '');
      for (const s of segments) {
        const where = `${vscode.workspace.asRelativePath(vscode.Uri.parse(s.uri), false)}:${s.range.start.line + 1}`;
        parts.push(`> ${s.text.replace(/\s+/g, ' ').trim()}`, `>`, `> — ${s.informants.join(', ') || '?'} (${where}, ${s.coder}${item.kind === 'category' ? `, ${s.code}` : ''})`, '');
      }
    }
    await vscode.env.clipboard.writeText(parts.join('\n'));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0} segments as Markdown.', count), 4000);
  });

  register('qda.codebookExport', async (formatArg?: unknown, outArg?: unknown) => {
    const formats: Array<vscode.QuickPickItem & { format: CodebookExportFormat; ext: string }> = [
      { label: vscode.l10n.t('Word document (.docx)'), description: vscode.l10n.t('appendix: themes, groups, codes with description, counts and an example quote'), format: 'codebook-docx', ext: 'docx' },
      { label: vscode.l10n.t('Markdown (.md)'), description: vscode.l10n.t('the same appendix as Markdown'), format: 'codebook-md', ext: 'md' },
      { label: vscode.l10n.t('Table (.csv)'), description: vscode.l10n.t('one row per code, for Excel or R'), format: 'csv', ext: 'csv' },
    ];
    const chosen = typeof formatArg === 'string' ? formats.find((f) => f.format === formatArg) : await vscode.window.showQuickPick(formats, { placeHolder: vscode.l10n.t('Export the codebook as…') });
    if (!chosen) return;
    const result = await connection.request(exportCodebookRequest, { format: chosen.format });
    if (result.error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The codebook could not be exported: {0}', result.error));
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target =
      outArg instanceof vscode.Uri
        ? outArg
        : await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, result.fileName) : undefined, filters: { [chosen.label]: [chosen.ext] } });
    if (!target) return;
    const bytes = result.base64 !== undefined ? Buffer.from(result.base64, 'base64') : Buffer.from(result.text ?? '', 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    const open = vscode.l10n.t('Open');
    // Every export reports the same kind of line: "Wrote PATH (what)".
    const what = vscode.l10n.t('{0} codes, {1} categories', result.codes ?? 0, result.categories ?? 0);
    void vscode.window.showInformationMessage(vscode.l10n.t('Wrote {0} ({1}).', vscode.workspace.asRelativePath(target, false), what), open).then((a) => {
      if (a === open) void vscode.commands.executeCommand('vscode.open', target);
    });
    return target;
  });

  return options;
}

/** The drag-and-drop controller for the Codebook view, wrapping another one (quotes). */
export function codebookDragAndDrop(connection: QdaConnection, tree: CodebookTreeProvider, inner?: vscode.TreeDragAndDropController<CodebookElement>): CodebookDragAndDrop {
  return new CodebookDragAndDrop(inner, async (names, target) => {
    const ok = await applyServerEdit(connection, await connection.request(moveItemsRequest, { names, target }));
    tree.refresh();
    return ok;
  });
}
