// The "Orphaned Codings" view: codings whose text is gone from their transcript, and codings
// re-attached by approximate match that the analyst should check. Nothing is dropped on its
// own: from here a coding is re-attached to the current selection, accepted, or deleted on purpose.
import * as vscode from 'vscode';
import type { QdaConnection } from './connection';
import { applyServerEdit } from './serverEdits';
import { acceptCodingRequest, deleteCodingRequest, reattachCodingRequest, reviewCodingsRequest, type ReviewCoding } from '../../server/src/protocol';

class OrphansProvider implements vscode.TreeDataProvider<ReviewCoding>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;
  /** Its badge shows how many codings lost their text (fuzzy matches are not counted). */
  view: vscode.TreeView<ReviewCoding> | undefined;

  constructor(private readonly connection: QdaConnection) {
    this.subscription = connection.onIndexChanged(() => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.changed.fire(), 200);
    });
  }

  async getChildren(element?: ReviewCoding): Promise<ReviewCoding[]> {
    if (element || !this.connection.hasProject) return [];
    const items = await this.connection.request(reviewCodingsRequest, {});
    const orphans = items.filter((i) => i.kind === 'orphan').length;
    if (this.view) this.view.badge = orphans > 0 ? { value: orphans, tooltip: vscode.l10n.t('{0} orphaned codings', orphans) } : undefined;
    return items;
  }

  getTreeItem(item: ReviewCoding): vscode.TreeItem {
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

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export function registerOrphansView(context: vscode.ExtensionContext, connection: QdaConnection): void {
  const provider = new OrphansProvider(connection);
  const view = vscode.window.createTreeView('qda.orphans', { treeDataProvider: provider });
  provider.view = view;
  const register = (id: string, fn: (item?: ReviewCoding) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  };

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
}
