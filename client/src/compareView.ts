// The "Compare Coders" view: where two coders coded a code differently, listed by code, and
// walked through in the text like a diff (next / previous), both coders' codings painted in
// their own style. Each place is settled as keep A, keep B, keep both or drop, written to the
// consensus coder (or into one coder's files, as the analyst chooses) as one undoable edit.
import * as vscode from 'vscode';
import type { QdaConnection } from './connection';
import { applyServerEdit } from './serverEdits';
import {
  agreementSummaryRequest,
  disagreementStepRequest,
  disagreementsRequest,
  settleDisagreementRequest,
  DISAGREEMENTS_PAGE_MAX,
  type AgreementSummaryResult,
  type DisagreementInfo,
  type DisagreementsResult,
  type SettleDisagreementParams,
} from '../../server/src/protocol';

type Decision = SettleDisagreementParams['decision'];

type CompareNode =
  | { kind: 'summary' }
  | { kind: 'code'; code: string; count: number; first: number }
  | { kind: 'item'; item: DisagreementInfo }
  /** The rest of a code's disagreements, asked for when clicked. */
  | { kind: 'more'; code: string; loaded: number; count: number };

const STATE_KEY = 'qda.compare.coders';

export class CompareCodersProvider implements vscode.TreeDataProvider<CompareNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  coders: [string, string] | undefined;
  /** Where settled places are written: the consensus coder, or one of the two. */
  target: string | undefined;
  /**
   * The counts per code and the first page of the comparison. The server keeps the whole
   * comparison; the rest of a code's places are asked for when the code is expanded, and
   * next/previous are answered by the server by position, so no reply grows with the corpus.
   */
  result: DisagreementsResult | undefined;
  /** The agreement figures, asked for after the first page (they take longer). */
  summary: AgreementSummaryResult | undefined;
  private summaryAsked: Promise<AgreementSummaryResult | undefined> | undefined;
  /** Position in the walk's order of the place shown in the editor (-1: none yet). */
  current = -1;
  /** The place shown in the editor while it is open (undefined once settled or changed). */
  currentItem: DisagreementInfo | undefined;
  /** The key of the place last shown: next/previous step from it even after it was settled. */
  private anchor: string | undefined;
  /** Items per page (the server's maximum; tests make it small to walk across pages). */
  pageSize = DISAGREEMENTS_PAGE_MAX;
  /** Each expanded code's places loaded so far. */
  private readonly loaded = new Map<string, DisagreementInfo[]>();
  /** The index changed while the view was hidden: it asks again when shown. */
  stale = false;
  /** qda/disagreements requests made (the tests see that a hidden view asks for nothing). */
  requests = 0;
  private generation = 0;
  private steps = 0;
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
        // A hidden view is not recounted for every coding made meanwhile (as the framework
        // matrix): it asks again when shown.
        if (this.view && !this.view.visible) {
          this.stale = true;
          return;
        }
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          // Hidden during the wait: the same as hidden at the change.
          if (this.view && !this.view.visible) this.stale = true;
          else void this.refresh();
        }, 200);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.paint()),
    );
  }

  async choose(a: string, b: string): Promise<DisagreementsResult | undefined> {
    this.coders = [a, b];
    this.current = -1;
    this.currentItem = undefined;
    this.anchor = undefined;
    await this.context.workspaceState.update(STATE_KEY, this.coders);
    return this.refresh();
  }

  private page(code: string | undefined, offset: number): Promise<DisagreementsResult> {
    const [a, b] = this.coders!;
    this.requests++;
    return this.connection.request(disagreementsRequest, { a, b, offset, limit: this.pageSize, ...(code === undefined ? {} : { code }) });
  }

  /** Asks the server again: the counts, the first page, and whether the place shown is still open. */
  async refresh(): Promise<DisagreementsResult | undefined> {
    if (!this.coders) return undefined;
    const [a, b] = this.coders;
    const generation = ++this.generation;
    this.stale = false;
    const anchor = this.anchor;
    const result = await this.page(undefined, 0);
    const here = anchor && !result.error ? await this.connection.request(disagreementStepRequest, { a, b, from: anchor, step: 0 }) : undefined;
    // A later refresh (another index change, a settlement) answers instead.
    if (generation !== this.generation) return result;
    this.result = result;
    this.loaded.clear();
    this.summary = undefined;
    this.summaryAsked = undefined;
    // Unless Next or Previous moved on meanwhile: the place shown is then theirs.
    if (here && this.anchor === anchor) {
      this.current = here.index;
      this.currentItem = here.item ?? undefined;
    }
    if (this.view) {
      this.view.badge = result.total ? { value: result.total, tooltip: vscode.l10n.t('{0} open disagreements', result.total) } : undefined;
      this.view.description = `${a} ↔ ${b}`;
    }
    void vscode.commands.executeCommand('setContext', 'qda.compareActive', true);
    this.changed.fire();
    this.paint();
    if (!result.error) void this.agreementSummary();
    return result;
  }

  /** The agreement figures of the current pair (asked once per refresh). */
  agreementSummary(): Promise<AgreementSummaryResult | undefined> {
    if (!this.coders || !this.result || this.result.error) return Promise.resolve(undefined);
    if (!this.summaryAsked) {
      const [a, b] = this.coders;
      const generation = this.generation;
      this.summaryAsked = this.connection.request(agreementSummaryRequest, { a, b }).then((summary) => {
        if (generation !== this.generation) return summary;
        this.summary = summary;
        this.changed.fire();
        return summary;
      });
    }
    return this.summaryAsked;
  }

  /**
   * Shows the disagreement `step` places from `from` (1 next, -1 previous, 0 that place) in the
   * editor; the server answers by position in the comparison it keeps.
   */
  async step(step: number, from = this.anchor): Promise<DisagreementInfo | undefined> {
    if (!this.coders) return undefined;
    const [a, b] = this.coders;
    const asked = ++this.steps;
    const r = await this.connection.request(disagreementStepRequest, { a, b, step, ...(from === undefined ? {} : { from }) });
    // A later step (a key held down) answers instead.
    if (!r.item || asked !== this.steps) return undefined;
    const item = r.item;
    this.current = r.index;
    this.currentItem = item;
    this.anchor = item.key;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(item.uri));
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const range = this.connection.p2c.asRange(item.range);
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.paint();
    return item;
  }

  /** The open disagreement with this key (no editor moves), or undefined when it is no longer open. */
  async find(key: string): Promise<DisagreementInfo | undefined> {
    if (!this.coders) return undefined;
    const [a, b] = this.coders;
    return (await this.connection.request(disagreementStepRequest, { a, b, from: key, step: 0 })).item ?? undefined;
  }

  /** Paints the current place and both coders' codings of it in every editor showing its transcript. */
  private paint(): void {
    const item = this.currentItem;
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

  getChildren(): CompareNode[];
  getChildren(node: CompareNode | undefined): CompareNode[] | Promise<CompareNode[]>;
  getChildren(node?: CompareNode): CompareNode[] | Promise<CompareNode[]> {
    if (!this.result) return [];
    if (!node) {
      const codes = [...this.result.codes].sort((x, y) => y.count - x.count || x.code.localeCompare(y.code));
      return [{ kind: 'summary' }, ...codes.map((c) => ({ kind: 'code' as const, ...c }))];
    }
    if (node.kind === 'code') return this.itemsOf(node);
    return [];
  }

  /** A code's places loaded so far, from the first page when it holds them, else asked for. */
  private async itemsOf(node: Extract<CompareNode, { kind: 'code' }>): Promise<CompareNode[]> {
    const result = this.result!;
    let list = this.loaded.get(node.code);
    if (!list) {
      const from = node.first - result.offset;
      if (from >= 0 && from + node.count <= result.items.length) list = result.items.slice(from, from + node.count);
      else {
        const page = await this.page(node.code, 0);
        // Refreshed meanwhile: the code's places as the new answer has them.
        if (result !== this.result) return this.result?.codes.some((c) => c.code === node.code) ? this.itemsOf({ ...node, ...this.result.codes.find((c) => c.code === node.code)! }) : [];
        list = this.loaded.get(node.code) ?? page.items;
      }
      this.loaded.set(node.code, list);
    }
    const out: CompareNode[] = list.map((item) => ({ kind: 'item' as const, item }));
    if (list.length < node.count) out.push({ kind: 'more', code: node.code, loaded: list.length, count: node.count });
    return out;
  }

  /** Loads the next page of a code's places into the view. */
  async more(code: string): Promise<number> {
    const result = this.result;
    const list = this.loaded.get(code);
    if (!result || !list) return 0;
    const page = await this.page(code, list.length);
    if (result !== this.result || this.loaded.get(code) !== list || page.offset !== list.length) return list.length;
    list.push(...page.items);
    this.changed.fire();
    return list.length;
  }

  getTreeItem(node: CompareNode): vscode.TreeItem {
    const [a, b] = this.coders ?? ['', ''];
    const r = this.result!;
    if (node.kind === 'summary') {
      const t = new vscode.TreeItem(vscode.l10n.t('{0} ↔ {1}: {2} open, {3} settled', a, b, r.total, r.settled));
      const s = this.summary;
      const pct = !s || s.percent === null ? '—' : `${s.percent.toFixed(1)} %`;
      const kappa = !s || s.kappa === null ? '—' : s.kappa.toFixed(2);
      t.description = `${pct} · κ ${kappa}`;
      t.tooltip = vscode.l10n.t('Agreement by speaker turn over the transcripts both coded. Click for the summary per code, worst first.');
      t.iconPath = new vscode.ThemeIcon('graph');
      t.command = { command: 'qda.compareSummary', title: vscode.l10n.t('Agreement Summary') };
      return t;
    }
    if (node.kind === 'code') {
      // Expanded when the first page holds every place; else a click asks for the code's own.
      const t = new vscode.TreeItem(node.code, r.total <= r.items.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      t.id = `code\u0000${node.code}`;
      t.description = String(node.count);
      t.iconPath = new vscode.ThemeIcon('tag');
      return t;
    }
    if (node.kind === 'more') {
      const t = new vscode.TreeItem(vscode.l10n.t('{0} more…', node.count - node.loaded));
      t.iconPath = new vscode.ThemeIcon('ellipsis');
      t.command = { command: 'qda.compareMore', title: vscode.l10n.t('Show more'), arguments: [node.code] };
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
    // Shown again after index changes it did not follow while hidden, or for the first time.
    if (e.visible && provider.coders && (!provider.result || provider.stale)) void provider.refresh();
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
    // The list is in the view: open it (it starts collapsed, and a hidden view does not follow
    // the index).
    if (!view.visible) await vscode.commands.executeCommand('qda.compare.focus').then(undefined, () => undefined);
    if (result?.error) void vscode.window.showErrorMessage(result.error);
    return result?.total;
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
    const item = key ? await provider.find(key) : provider.currentItem;
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
    vscode.commands.registerCommand('qda.compareNext', async () => (await provider.step(1))?.key),
    vscode.commands.registerCommand('qda.comparePrevious', async () => (await provider.step(-1))?.key),
    vscode.commands.registerCommand('qda.compareShow', async (key: string) => (await provider.step(0, key))?.key),
    vscode.commands.registerCommand('qda.compareMore', (code: string) => provider.more(code)),
    vscode.commands.registerCommand('qda.compareSettle', (decision?: Decision | CompareNode, target?: string) =>
      typeof decision === 'object' && decision?.kind === 'item' ? settle(undefined, undefined, decision.item.key) : settle(decision as Decision | undefined, target),
    ),
    vscode.commands.registerCommand('qda.compareTarget', async () => {
      if (!provider.result) return;
      provider.target = (await chooseTarget()) ?? provider.target;
    }),
    vscode.commands.registerCommand('qda.compareSummary', async () => {
      const summary = await provider.agreementSummary();
      if (!summary) return;
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: summary.summaryMarkdown });
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc));
    }),
  );
  return provider;
}
