// The Codebook view: categories > codes (> child codes) > coded segments, fed by the server
// (qda/codebookTree for the structure, qda/segments when a code is expanded) and refreshed on
// qda/indexChanged. The view only reads: every change goes through commands and the server.
import * as vscode from 'vscode';
import {
  codebookTreeRequest,
  segmentsRequest,
  type CodebookTreeResult,
  type SegmentInfo,
  type TreeCategoryNode,
  type TreeCodeNode,
  type TreeNode,
  type ReviewStatusInfo,
} from '../../server/src/protocol';
import type { QdaConnection } from './connection';
import type { Swatches } from './swatches';

export interface CategoryElement {
  kind: 'category';
  id: string;
  node: TreeCategoryNode;
  parent?: CodebookElement;
}
export interface CodeElement {
  kind: 'code';
  id: string;
  node: TreeCodeNode;
  /** A code used in codings that the codebook lacks. */
  unknown: boolean;
  parent?: CodebookElement;
}
export interface UnknownGroupElement {
  kind: 'unknownGroup';
  id: string;
  codes: TreeCodeNode[];
  parent?: undefined;
}
export interface SegmentElement {
  kind: 'segment';
  id: string;
  segment: SegmentInfo;
  parent: CodeElement;
}
export type CodebookElement = CategoryElement | CodeElement | UnknownGroupElement | SegmentElement;

/** "3 codings · 2 informants", with singular forms where they apply. */
export function countsText(codings: number, informants: number): string {
  const c = codings === 1 ? vscode.l10n.t('{0} coding', codings) : vscode.l10n.t('{0} codings', codings);
  const i = informants === 1 ? vscode.l10n.t('{0} informant', informants) : vscode.l10n.t('{0} informants', informants);
  return `${c} · ${i}`;
}

/**
 * The counts beside a code or category in the tree: "10 · 4" (codings · informants) fits the
 * default sidebar beside a long code name; the words are in the tooltip (countsText).
 */
export function shortCounts(codings: number, informants: number): string {
  return `${codings} · ${informants}`;
}

/** One line of a passage, at most `max` characters. */
export function snippet(text: string, max = 70): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** The review mark beside an item: "✓ agreed", "needs work", "2 comments" (nothing for a proposed item without threads). */
export function reviewText(review: ReviewStatusInfo | undefined, reviewerMode: boolean): string {
  if (!review) return '';
  const parts: string[] = [];
  if (review.status === 'agreed') parts.push(vscode.l10n.t('✓ agreed'));
  else if (review.status === 'needs-work') parts.push(vscode.l10n.t('needs work'));
  else if (reviewerMode) parts.push(vscode.l10n.t('proposed'));
  if (review.openThreads > 0) parts.push(review.openThreads === 1 ? vscode.l10n.t('1 comment') : vscode.l10n.t('{0} comments', review.openThreads));
  return parts.join(' · ');
}

function reviewTooltip(tooltip: vscode.MarkdownString, review: ReviewStatusInfo | undefined): void {
  if (!review || (review.status === 'proposed' && review.openThreads === 0)) return;
  const status = review.status === 'agreed' ? vscode.l10n.t('agreed') : review.status === 'needs-work' ? vscode.l10n.t('needs work') : vscode.l10n.t('proposed');
  tooltip.appendMarkdown('\n\n').appendText(review.by ? vscode.l10n.t('Review: {0} ({1}, {2})', status, review.by, (review.at ?? '').slice(0, 10)) : vscode.l10n.t('Review: {0}', status));
  if (review.note) tooltip.appendMarkdown('\n\n').appendText(review.note);
  if (review.openThreads > 0) tooltip.appendMarkdown('\n\n').appendText(review.openThreads === 1 ? vscode.l10n.t('1 open comment thread') : vscode.l10n.t('{0} open comment threads', review.openThreads));
}

function reviewIcon(review: ReviewStatusInfo): vscode.ThemeIcon {
  const [icon, color] = REVIEW_ICONS[review.status];
  return new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}

const REVIEW_ICONS: Record<ReviewStatusInfo['status'], [string, string]> = {
  agreed: ['pass-filled', 'testing.iconPassed'],
  'needs-work': ['warning', 'list.warningForeground'],
  proposed: ['circle-large-outline', 'descriptionForeground'],
};

export class CodebookTreeProvider implements vscode.TreeDataProvider<CodebookElement>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<CodebookElement | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private result: Promise<CodebookTreeResult | undefined> | undefined;
  private readonly segments = new Map<string, Promise<SegmentInfo[]>>();
  private usedIds = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Sorting and filtering of the shown children, set by registerCodebookOps. */
  viewOptions: { apply(nodes: TreeNode[]): TreeNode[] } | undefined;
  /** Reviewer mode (setting qda.reviewerMode): review status icons instead of colours and folders. */
  reviewerMode = false;

  constructor(
    private readonly connection: QdaConnection,
    private readonly swatches: Swatches,
  ) {
    this.subscriptions.push(connection.onIndexChanged(() => this.scheduleRefresh()));
  }

  /** The last codebook the server reported (for "Open Codebook"). */
  async codebook(): Promise<CodebookTreeResult | undefined> {
    return this.result ?? this.load();
  }

  refresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.result = undefined;
    this.segments.clear();
    this.changeEmitter.fire(undefined);
  }

  /** Index changes come in bursts while the user types: coalesce them. */
  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => this.refresh(), 50);
  }

  private load(): Promise<CodebookTreeResult | undefined> {
    this.usedIds = new Set();
    this.result = this.connection.request(codebookTreeRequest, {}).then(
      (r) => {
        void vscode.commands.executeCommand('setContext', 'qda.serverFailed', false);
        return r;
      },
      (err: unknown) => {
        this.connection.output.appendLine(vscode.l10n.t('Could not read the codebook: {0}', err instanceof Error ? err.message : String(err)));
        void vscode.commands.executeCommand('setContext', 'qda.serverFailed', true);
        return undefined;
      },
    );
    return this.result;
  }

  private uniqueId(id: string): string {
    let unique = id;
    for (let n = 2; this.usedIds.has(unique); n++) unique = `${id}#${n}`;
    this.usedIds.add(unique);
    return unique;
  }

  async getChildren(element?: CodebookElement): Promise<CodebookElement[]> {
    if (!element) {
      // No project: the view's welcome offers to start one (viewsWelcome, qda.noProject).
      if (!this.connection.hasProject) return [];
      const result = await (this.result ?? this.load());
      if (!result) return [];
      const empty = result.roots.length === 0 && result.unknownCodes.length === 0;
      void vscode.commands.executeCommand('setContext', 'qda.codebookEmpty', empty);
      const children: CodebookElement[] = this.wrap(result.roots, undefined, 'cb:');
      if (result.unknownCodes.length > 0) {
        children.push({ kind: 'unknownGroup', id: this.uniqueId('unknown'), codes: result.unknownCodes });
      }
      await this.swatches.prepare(collectColors(result.roots).concat(result.unknownCodes.map((c) => c.color)));
      return children;
    }
    switch (element.kind) {
      case 'category':
        return this.wrap(element.node.children, element, `${element.id}/`);
      case 'unknownGroup':
        return element.codes.map((node) => ({ kind: 'code', id: this.uniqueId(`unknown/${node.name}`), node, unknown: true, parent: element }));
      case 'code': {
        const childCodes = this.wrap(element.node.children, element, `${element.id}/`);
        const segments = await this.segmentsOf(element.node.name);
        return [
          ...childCodes,
          ...segments.map((segment): SegmentElement => ({
            kind: 'segment',
            id: this.uniqueId(`${element.id}@${segment.coder}:${segment.id}`),
            segment,
            parent: element,
          })),
        ];
      }
      case 'segment':
        return [];
    }
  }

  private wrap(nodes: TreeNode[], parent: CodebookElement | undefined, prefix: string): CodebookElement[] {
    // Sort order and filter from the view's title bar (client/src/codebookOps.ts).
    if (this.viewOptions) nodes = this.viewOptions.apply(nodes);
    return nodes.map((node) =>
      node.kind === 'category'
        ? { kind: 'category', id: this.uniqueId(`${prefix}${node.name}`), node, parent }
        : { kind: 'code', id: this.uniqueId(`${prefix}${node.name}`), node, unknown: false, parent },
    );
  }

  private segmentsOf(code: string): Promise<SegmentInfo[]> {
    let list = this.segments.get(code);
    if (!list) {
      list = this.connection.request(segmentsRequest, { code }).then(
        (s) => s,
        (err: unknown) => {
          this.connection.output.appendLine(vscode.l10n.t('Could not read the segments of {0}: {1}', code, err instanceof Error ? err.message : String(err)));
          return [];
        },
      );
      this.segments.set(code, list);
    }
    return list;
  }

  getParent(element: CodebookElement): CodebookElement | undefined {
    return element.parent;
  }

  getTreeItem(element: CodebookElement): vscode.TreeItem {
    switch (element.kind) {
      case 'category':
        return this.categoryItem(element);
      case 'code':
        return this.codeItem(element);
      case 'unknownGroup': {
        const item = new vscode.TreeItem(vscode.l10n.t('Unknown codes'), vscode.TreeItemCollapsibleState.Expanded);
        item.id = element.id;
        item.description = element.codes.length === 1 ? vscode.l10n.t('{0} code', 1) : vscode.l10n.t('{0} codes', element.codes.length);
        item.tooltip = vscode.l10n.t('Codes used in codings that the codebook does not define. Add them to the codebook or correct the codings.');
        item.iconPath = new vscode.ThemeIcon('warning');
        item.contextValue = 'qda.unknownGroup';
        return item;
      }
      case 'segment':
        return this.segmentItem(element);
    }
  }

  private categoryItem(element: CategoryElement): vscode.TreeItem {
    const n = element.node;
    const item = new vscode.TreeItem(n.name, n.children.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = element.id;
    item.description = shortCounts(n.codings, n.informants);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown('**').appendText(n.name).appendMarkdown('**\n\n');
    if (n.description) tooltip.appendText(n.description).appendMarkdown('\n\n');
    tooltip.appendText(countsText(n.codings, n.informants));
    reviewTooltip(tooltip, n.review);
    item.tooltip = tooltip;
    item.iconPath = this.reviewerMode && n.review ? reviewIcon(n.review) : new vscode.ThemeIcon(n.level <= 2 ? 'symbol-namespace' : 'folder');
    const review = reviewText(n.review, this.reviewerMode);
    if (review) item.description = `${item.description} · ${review}`;
    item.contextValue = 'qda.category';
    return item;
  }

  private codeItem(element: CodeElement): vscode.TreeItem {
    const n = element.node;
    const expandable = n.codings > 0 || n.children.length > 0;
    const item = new vscode.TreeItem(n.name, expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = element.id;
    item.description = shortCounts(n.codings, n.informants);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown('**').appendText(n.name).appendMarkdown('**\n\n');
    if (element.unknown) tooltip.appendText(vscode.l10n.t('Not in the codebook.')).appendMarkdown('\n\n');
    else if (n.description) tooltip.appendText(n.description).appendMarkdown('\n\n');
    tooltip.appendText(countsText(n.codings, n.informants));
    if (n.coders.length > 0) tooltip.appendMarkdown('\n\n').appendText(vscode.l10n.t('Coders: {0}', n.coders.join(', ')));
    reviewTooltip(tooltip, n.review);
    item.tooltip = tooltip;
    item.iconPath = this.reviewerMode && n.review ? reviewIcon(n.review) : this.swatches.icon(n.color);
    const review = reviewText(n.review, this.reviewerMode);
    if (review) item.description = `${item.description} · ${review}`;
    item.contextValue = element.unknown ? 'qda.unknownCode' : 'qda.code';
    return item;
  }

  private segmentItem(element: SegmentElement): vscode.TreeItem {
    const s = element.segment;
    const item = new vscode.TreeItem(snippet(s.text) || vscode.l10n.t('(empty passage)'), vscode.TreeItemCollapsibleState.None);
    item.id = element.id;
    const who = s.informants.length > 0 ? s.informants.join(', ') : vscode.l10n.t('no informant');
    item.description = s.anchored ? `${who} · ${s.coder}` : `${who} · ${s.coder} · ${vscode.l10n.t('orphaned')}`;
    const file = vscode.workspace.asRelativePath(vscode.Uri.parse(s.uri), false);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown('> ').appendText(s.text.replace(/\s+/g, ' ').trim()).appendMarkdown('\n\n');
    tooltip.appendText(vscode.l10n.t('{0}, line {1}', file, s.range.start.line + 1)).appendMarkdown('  \n');
    tooltip.appendText(vscode.l10n.t('Informants: {0}', who)).appendMarkdown('  \n');
    tooltip.appendText(vscode.l10n.t('Coder: {0}', s.coder));
    if (s.quotedIn.length > 0) tooltip.appendMarkdown('  \n').appendText(vscode.l10n.t('Quoted in: {0}', s.quotedIn.join(', ')));
    if (!s.anchored) tooltip.appendMarkdown('\n\n').appendText(vscode.l10n.t('This coding could not be placed in the current text of the transcript; it is kept and shown at its last known position.'));
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(s.anchored ? (s.quotedIn.length > 0 ? 'quote' : 'symbol-string') : 'warning');
    item.contextValue = 'qda.segment';
    item.command = { command: 'qda.segmentOpen', title: vscode.l10n.t('Open Segment'), arguments: [{ uri: s.uri, range: s.range }] };
    return item;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.changeEmitter.dispose();
    for (const d of this.subscriptions) d.dispose();
  }
}

function collectColors(nodes: TreeNode[], out: string[] = []): string[] {
  for (const n of nodes) {
    if (n.kind === 'code') out.push(n.color);
    collectColors(n.children, out);
  }
  return out;
}
