// The "Compare Coders" view: where two coders coded a code differently, listed by code, and
// walked through in the text like a diff (next / previous), both coders' codings painted in
// their own style. Each place is settled as keep A, keep B, keep both or drop, written to the
// consensus coder (or into one coder's files, as the analyst chooses) as one undoable edit.
import * as vscode from 'vscode';
import type { QdaConnection } from './connection';
import { applyServerEdit } from './serverEdits';
import { disagreementsRequest, settleDisagreementRequest, type DisagreementInfo, type DisagreementsResult, type SettleDisagreementParams } from '../../server/src/protocol';

type Decision = SettleDisagreementParams['decision'];

type CompareNode = { kind: 'summary' } | { kind: 'code'; code: string; items: DisagreementInfo[] } | { kind: 'item'; item: DisagreementInfo };

const STATE_KEY = 'qda.compare.coders';

export class CompareCodersProvider implements vscode.TreeDataProvider<CompareNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  coders: [string, string] | undefined;
  /** Where settled places are written: the consensus coder, or one of the two. */
  target: string | undefined;
  result: DisagreementsResult | undefined;
  /** Index in result.items of the place shown in the editor. */
  current = -1;
  view: vscode.TreeView<CompareNode> | undefined;
  private readonly paintA = vscode.window.createTextEditorDecorationType({
    borderWidth: '0 0 2px 0',
    borderStyle: 'solid',
    borderColor: new vscode.ThemeColor('charts.blue'),
  });
  private readonly paintB = vscode.window.createTextEditorDecorationType({
    borderWidth: '2px 0 0 0',
    borderStyle: 'dashed',
    borderColor: new vscode.ThemeColor('charts.orange'),
  });
  private readonly paintPlace = vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground') });

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly connection: QdaConnection,
  ) {
    const saved = context.workspaceState.get<[string, string]>(STATE_KEY);
    if (saved) this.coders = saved;
    this.subscriptions.push(
      connection.onIndexChanged(() => {
        if (!this.coders) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.refresh(), 200);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.paint()),
    );
  }

  async choose(a: string, b: string): Promise<DisagreementsResult | undefined> {
    this.coders = [a, b];
    this.current = -1;
    await this.context.workspaceState.update(STATE_KEY, this.coders);
    return this.refresh();
  }

  /** Asks the server again; keeps the current place's position in the list. */
  async refresh(): Promise<DisagreementsResult | undefined> {
    if (!this.coders) return undefined;
    const [a, b] = this.coders;
    const previousKey = this.result?.items[this.current]?.key;
    this.result = await this.connection.request(disagreementsRequest, { a, b });
    const items = this.result.items;
    const same = previousKey ? items.findIndex((i) => i.key === previousKey) : -1;
    this.current = same >= 0 ? same : Math.min(this.current, items.length - 1);
    if (this.view) {
      this.view.badge = items.length ? { value: items.length, tooltip: vscode.l10n.t('{0} open disagreements', items.length) } : undefined;
      this.view.description = `${a} ↔ ${b}`;
    }
    void vscode.commands.executeCommand('setContext', 'qda.compareActive', true);
    this.changed.fire();
    this.paint();
    return this.result;
  }

  async show(index: number): Promise<DisagreementInfo | undefined> {
    const items = this.result?.items ?? [];
    if (!items.length) return undefined;
    this.current = ((index % items.length) + items.length) % items.length;
    const item = items[this.current];
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(item.uri));
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const range = this.connection.p2c.asRange(item.range);
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.paint();
    return item;
  }

  /** Paints the current place and both coders' codings of it in every editor showing its transcript. */
  private paint(): void {
    const item = this.result?.items[this.current];
    for (const editor of vscode.window.visibleTextEditors) {
      const here = item && editor.document.uri.toString() === vscode.Uri.parse(item.uri).toString();
      const [a, b] = this.coders ?? ['', ''];
      const ranges = (list: DisagreementInfo['a'], coder: string): vscode.DecorationOptions[] =>
        here ? list.map((c) => ({ range: this.connection.p2c.asRange(c.range), hoverMessage: vscode.l10n.t('{0}: coded by {1}', item.code, coder) })) : [];
      editor.setDecorations(this.paintA, item ? ranges(item.a, a) : []);
      editor.setDecorations(this.paintB, item ? ranges(item.b, b) : []);
      editor.setDecorations(this.paintPlace, here ? [this.connection.p2c.asRange(item.range)] : []);
    }
  }

  getChildren(node?: CompareNode): CompareNode[] {
    if (!this.result) return [];
    if (!node) {
      const byCode = new Map<string, DisagreementInfo[]>();
      for (const item of this.result.items) byCode.set(item.code, [...(byCode.get(item.code) ?? []), item]);
      const codes = [...byCode].sort((x, y) => y[1].length - x[1].length || x[0].localeCompare(y[0]));
      return [{ kind: 'summary' }, ...codes.map(([code, items]) => ({ kind: 'code' as const, code, items }))];
    }
    if (node.kind === 'code') return node.items.map((item) => ({ kind: 'item' as const, item }));
    return [];
  }

  getTreeItem(node: CompareNode): vscode.TreeItem {
    const [a, b] = this.coders ?? ['', ''];
    const r = this.result!;
    if (node.kind === 'summary') {
      const t = new vscode.TreeItem(vscode.l10n.t('{0} ↔ {1}: {2} open, {3} settled', a, b, r.items.length, r.settled));
      const pct = r.percent === null ? '—' : `${r.percent.toFixed(1)} %`;
      const kappa = r.kappa === null ? '—' : r.kappa.toFixed(2);
      t.description = `${pct} · κ ${kappa}`;
      t.tooltip = vscode.l10n.t('Agreement by speaker turn over the transcripts both coded. Click for the summary per code, worst first.');
      t.iconPath = new vscode.ThemeIcon('graph');
      t.command = { command: 'qda.compareSummary', title: vscode.l10n.t('Agreement Summary') };
      return t;
    }
    if (node.kind === 'code') {
      const t = new vscode.TreeItem(node.code, vscode.TreeItemCollapsibleState.Expanded);
      t.description = String(node.items.length);
      t.iconPath = new vscode.ThemeIcon('tag');
      return t;
    }
    const item = node.item;
    const snippet = item.text.replace(/\s+/g, ' ');
    const t = new vscode.TreeItem(snippet.length > 60 ? snippet.slice(0, 59) + '…' : snippet);
    const who = item.a.length && item.b.length ? vscode.l10n.t('both, other boundaries') : vscode.l10n.t('only {0}', item.a.length ? a : b);
    const file = vscode.workspace.asRelativePath(vscode.Uri.parse(item.uri), false);
    t.description = `${who} · ${file}:${item.range.start.line + 1}`;
    const md = new vscode.MarkdownString();
    md.appendText(`${item.code} — ${who}\n\n«${snippet}»`);
    t.tooltip = md;
    t.contextValue = 'qda.disagreement';
    t.iconPath = new vscode.ThemeIcon(item.a.length && item.b.length ? 'diff-modified' : 'diff-single');
    t.command = { command: 'qda.compareShow', title: vscode.l10n.t('Show'), arguments: [item.key] };
    return t;
  }

  getParent(): undefined {
    return undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.paintA.dispose();
    this.paintB.dispose();
    this.paintPlace.dispose();
    this.changed.dispose();
  }
}

export function registerCompareView(context: vscode.ExtensionContext, connection: QdaConnection): CompareCodersProvider {
  const provider = new CompareCodersProvider(context, connection);
  const view = vscode.window.createTreeView('qda.compare', { treeDataProvider: provider });
  provider.view = view;
  view.onDidChangeVisibility((e) => {
    if (e.visible && provider.coders && !provider.result) void provider.refresh();
  });

  async function chooseCoders(a?: string, b?: string): Promise<number | undefined> {
    if (!a || !b) {
      // Ask the server which coders exist (a request with no valid pair lists them).
      const probe = await connection.request(disagreementsRequest, { a: '', b: '' });
      if (probe.coders.length < 2) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Compare Coders needs codings by two coders; this project has codings by {0}.', probe.coders.join(', ') || '—'));
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(probe.coders, { canPickMany: true, title: vscode.l10n.t('Compare which two coders?'), placeHolder: vscode.l10n.t('Pick two') });
      if (!picked) return undefined;
      if (picked.length !== 2) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Pick exactly two coders.'));
        return undefined;
      }
      [a, b] = picked;
    }
    const result = await provider.choose(a, b);
    if (result?.error) void vscode.window.showErrorMessage(result.error);
    return result?.items.length;
  }

  async function chooseTarget(): Promise<string | undefined> {
    const [a, b] = provider.coders!;
    const consensus = provider.result!.consensus;
    const picked = await vscode.window.showQuickPick(
      [
        { label: consensus, description: vscode.l10n.t('consensus coder: {0} and {1} keep their own codings', a, b), target: consensus },
        { label: a, description: vscode.l10n.t("into {0}'s codings", a), target: a },
        { label: b, description: vscode.l10n.t("into {0}'s codings", b), target: b },
      ],
      { title: vscode.l10n.t('Write settled places to whose codings?') },
    );
    return picked?.target;
  }

  async function settle(decision?: Decision, target?: string, key?: string): Promise<boolean> {
    if (!provider.coders || !provider.result) return false;
    const [a, b] = provider.coders;
    const index = key ? provider.result.items.findIndex((i) => i.key === key) : provider.current;
    const item = provider.result.items[index];
    if (!item) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Go to a disagreement first (Next Disagreement).'));
      return false;
    }
    if (!decision) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t("Keep {0}'s", a), decision: 'keepA' as const },
          { label: vscode.l10n.t("Keep {0}'s", b), decision: 'keepB' as const },
          { label: vscode.l10n.t('Keep both'), decision: 'keepBoth' as const },
          { label: vscode.l10n.t('Drop (neither)'), decision: 'drop' as const },
        ],
        { title: vscode.l10n.t('Settle: {0}', item.code) },
      );
      if (!picked) return false;
      decision = picked.decision;
    }
    target ??= provider.target ?? (await chooseTarget());
    if (!target) return false;
    provider.target = target;
    // Ctrl+Z in the transcript undoes the settlement, as it does a coding.
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === vscode.Uri.parse(item.uri).toString());
    const result = await connection.request(settleDisagreementRequest, { a, b, key: item.key, decision, target, origin: editor?.document.uri.toString() });
    const applied = await applyServerEdit(connection, result);
    if (applied) await provider.refresh();
    return applied;
  }

  context.subscriptions.push(
    provider,
    view,
    vscode.commands.registerCommand('qda.compareCoders', (a?: string, b?: string) => chooseCoders(a, b)),
    vscode.commands.registerCommand('qda.compareNext', async () => (await provider.show(provider.current + 1))?.key),
    vscode.commands.registerCommand('qda.comparePrevious', async () => (await provider.show(provider.current < 0 ? -1 : provider.current - 1))?.key),
    vscode.commands.registerCommand('qda.compareShow', async (key: string) => (await provider.show(provider.result?.items.findIndex((i) => i.key === key) ?? 0))?.key),
    vscode.commands.registerCommand('qda.compareSettle', (decision?: Decision | CompareNode, target?: string) =>
      typeof decision === 'object' && decision?.kind === 'item' ? settle(undefined, undefined, decision.item.key) : settle(decision as Decision | undefined, target),
    ),
    vscode.commands.registerCommand('qda.compareTarget', async () => {
      if (!provider.result) return;
      provider.target = (await chooseTarget()) ?? provider.target;
    }),
    vscode.commands.registerCommand('qda.compareSummary', async () => {
      if (!provider.result) return;
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: provider.result.summaryMarkdown });
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc));
    }),
  );
  return provider;
}
