// The "Orphaned Codings" view: codings whose text is gone from their transcript, and codings
// re-attached by approximate match that the analyst should check. Nothing is dropped on its
// own: from here a coding is re-attached to the current selection, accepted, or deleted on purpose.
import * as vscode from 'vscode';
import type { QdaConnection } from './connection';
import { applyServerEdit } from './serverEdits';
import {
  acceptCodingRequest,
  deleteCodingRequest,
  deleteCodingsOfDocRequest,
  missingTranscriptsRequest,
  reattachCodingRequest,
  relinkCodingsRequest,
  reviewCodingsRequest,
  type MissingTranscript,
  type ReviewCoding,
} from '../../server/src/protocol';

/**
 * The codings of a transcript that is gone (deleted, or renamed outside VS Code), grouped
 * under it: re-link them to a file, or delete them on purpose.
 */
export interface MissingGroup extends MissingTranscript {
  kind: 'missing';
  items: ReviewCoding[];
}

export type OrphansElement = ReviewCoding | MissingGroup;

const isGroup = (e: OrphansElement | undefined): e is MissingGroup => e?.kind === 'missing';

export class OrphansProvider implements vscode.TreeDataProvider<OrphansElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;
  /** Its badge shows how many codings lost their text (fuzzy matches are not counted). */
  view: vscode.TreeView<OrphansElement> | undefined;

  constructor(private readonly connection: QdaConnection) {
    this.subscription = connection.onIndexChanged(() => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.changed.fire(), 200);
    });
  }

  async getChildren(element?: OrphansElement): Promise<OrphansElement[]> {
    if (isGroup(element)) return element.items;
    if (element || !this.connection.hasProject) return [];
    const [items, missing] = await Promise.all([this.connection.request(reviewCodingsRequest, {}), this.connection.request(missingTranscriptsRequest, {})]);
    const orphans = items.filter((i) => i.kind === 'orphan').length;
    if (this.view) this.view.badge = orphans > 0 ? { value: orphans, tooltip: vscode.l10n.t('{0} orphaned codings', orphans) } : undefined;
    // Codings of a missing transcript go under it; the rest stay one per line.
    const groups: MissingGroup[] = missing.map((m) => ({ ...m, kind: 'missing', items: items.filter((i) => i.missingDocument && i.uri === m.uri) }));
    const grouped = new Set(groups.flatMap((g) => g.items));
    return [...groups, ...items.filter((i) => !grouped.has(i))];
  }

  getTreeItem(element: OrphansElement): vscode.TreeItem {
    if (isGroup(element)) return this.groupItem(element);
    const item = element;
    const snippet = item.exact.replace(/\s+/g, ' ');
    const t = new vscode.TreeItem(snippet.length > 80 ? snippet.slice(0, 79) + '…' : snippet, vscode.TreeItemCollapsibleState.None);
    const file = vscode.workspace.asRelativePath(vscode.Uri.parse(item.uri), false);
    t.description = `${item.code} · ${item.coder} · ${file}`;
    t.iconPath = new vscode.ThemeIcon(item.kind === 'orphan' ? 'debug-disconnect' : 'question');
    t.contextValue = item.kind === 'orphan' ? 'qdaOrphan' : 'qdaFuzzy';
    const md = new vscode.MarkdownString();
    md.appendText(
      item.kind === 'orphan'
        ? item.missingDocument
          ? vscode.l10n.t('Orphaned: the transcript {0} is missing.', file)
          : vscode.l10n.t('Orphaned: this text is no longer in {0}. Select the passage it belongs to and choose "Re-attach to Selection", or delete the coding.', file)
        : vscode.l10n.t('Re-attached by approximate match ({0}% similar) after {1} changed. Check it, then accept it or re-attach it.', Math.round((item.score ?? 0) * 100), file),
    );
    md.appendMarkdown('\n\n');
    md.appendText(`${item.code} (${item.coder}): «${snippet}»`);
    t.tooltip = md;
    if (!item.missingDocument) {
      t.command = { command: 'qda.orphanOpen', title: vscode.l10n.t('Open'), arguments: [item] };
    }
    return t;
  }

  private groupItem(group: MissingGroup): vscode.TreeItem {
    const t = new vscode.TreeItem(group.doc, vscode.TreeItemCollapsibleState.Collapsed);
    t.id = `missing:${group.doc}`;
    t.description = group.suggestion
      ? vscode.l10n.t('missing · {0} codings · found in {1}', group.codings, group.suggestion.path)
      : vscode.l10n.t('missing · {0} codings', group.codings);
    t.iconPath = new vscode.ThemeIcon('warning');
    t.contextValue = 'qdaMissingTranscript';
    const md = new vscode.MarkdownString();
    md.appendText(vscode.l10n.t('The transcript {0} is missing (deleted, or renamed outside VS Code). Its {1} codings are kept: re-link them to a file, or delete them.', group.doc, group.codings));
    if (group.suggestion) {
      md.appendMarkdown('\n\n');
      md.appendText(vscode.l10n.t('{0} of them are found in {1}.', group.suggestion.found, group.suggestion.path));
    }
    t.tooltip = md;
    return t;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export function registerOrphansView(context: vscode.ExtensionContext, connection: QdaConnection): OrphansProvider {
  const provider = new OrphansProvider(connection);
  const view = vscode.window.createTreeView('qda.orphans', { treeDataProvider: provider });
  provider.view = view;
  const register = (id: string, fn: (item?: ReviewCoding) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  };
  const trusted = (): boolean => {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage(vscode.l10n.t('Codings cannot be changed in Restricted Mode. Trust this folder first.'));
    return false;
  };

  // A missing transcript's codings to another file: the one that holds their text first.
  // `target` lets a caller (and the tests) name the file instead of picking it.
  context.subscriptions.push(
    vscode.commands.registerCommand('qda.orphansRelink', async (group?: MissingGroup, target?: vscode.Uri) => {
      if (!isGroup(group) || !trusted()) return false;
      let uri = target;
      if (!uri) {
        type Pick = vscode.QuickPickItem & { uri: vscode.Uri };
        const files = await vscode.workspace.findFiles('**/*.{md,txt}', '{**/node_modules/**,**/.qda/**,**/.git/**}');
        const suggested = group.suggestion?.uri;
        const picks: Pick[] = files
          .filter((f) => f.toString() !== suggested)
          .map((f) => ({ label: vscode.workspace.asRelativePath(f, false), uri: f }))
          .sort((a, b) => a.label.localeCompare(b.label));
        if (group.suggestion) {
          picks.unshift({ label: group.suggestion.path, description: vscode.l10n.t('{0} of {1} codings found here', group.suggestion.found, group.codings), uri: vscode.Uri.parse(group.suggestion.uri) });
        }
        const picked = await vscode.window.showQuickPick(picks, { title: vscode.l10n.t('Re-link the {0} codings of {1} to…', group.codings, group.doc), matchOnDescription: true });
        if (!picked) return false;
        uri = picked.uri;
      }
      const result = await connection.request(relinkCodingsRequest, { doc: group.doc, uri: connection.c2p.asUri(uri) });
      const done = await applyServerEdit(connection, result);
      if (done) vscode.window.setStatusBarMessage(vscode.l10n.t('{0} codings now belong to {1}.', result.relinked ?? group.codings, vscode.workspace.asRelativePath(uri, false)), 5000);
      return done;
    }),
    vscode.commands.registerCommand('qda.orphansDeleteAll', async (group?: MissingGroup) => {
      if (!isGroup(group) || !trusted()) return false;
      const yes = vscode.l10n.t('Delete {0} Codings', group.codings);
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Delete all {0} codings of the missing transcript {1}, of every coder? Undo brings them back.', group.codings, group.doc),
        { modal: true },
        yes,
      );
      if (answer !== yes) return false;
      return applyServerEdit(connection, await connection.request(deleteCodingsOfDocRequest, { doc: group.doc }));
    }),
  );

  register('qda.orphanOpen', async (item) => {
    if (!item) return;
    const range = connection.p2c.asRange(item.range);
    await vscode.window.showTextDocument(vscode.Uri.parse(item.uri), { selection: range });
  });

  register('qda.orphanReattach', async (item) => {
    if (!item) return;
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Codings cannot be changed in Restricted Mode. Trust this folder first.'));
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Select the passage in a transcript that the coding belongs to, then run "Re-attach to Selection" again.'));
      return;
    }
    const result = await connection.request(reattachCodingRequest, { id: item.id, uri: connection.c2p.asUri(editor.document.uri), range: connection.c2p.asRange(editor.selection) });
    await applyServerEdit(connection, result);
  });

  register('qda.orphanAccept', async (item) => {
    if (!item) return;
    await applyServerEdit(connection, await connection.request(acceptCodingRequest, { id: item.id }));
  });

  register('qda.orphanDelete', async (item) => {
    if (!item) return;
    const yes = vscode.l10n.t('Delete Coding');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete the coding "{0}" of «{1}»? This removes it from {2}\'s codings file (Undo brings it back).', item.code, item.exact.slice(0, 60), item.coder),
      { modal: true },
      yes,
    );
    if (answer !== yes) return;
    await applyServerEdit(connection, await connection.request(deleteCodingRequest, { id: item.id }));
  });

  context.subscriptions.push(provider, view);
  return provider;
}
