// Review for co-authors and supervisors (issue 20): comment threads through VS Code's Comments
// API on themes, groups and codes (shown at their names in codebook.md) and on passages of
// transcripts, memos and chapters; review status from the Codebook tree; the Review view with
// every open thread by theme; and reviewer mode. The server keeps the threads in
// .qda/reviews/<author>.jsonl (features/review.ts); this side shows them and asks for changes.
import * as vscode from 'vscode';
import {
  exportThemeReportRequest,
  reviewActionRequest,
  reviewStateRequest,
  type ReviewActionParams,
  type ReviewStateResult,
  type ReviewStatusName,
  type ReviewThreadInfo,
} from '../../server/src/protocol';
import type { CodebookElement, CodebookTreeProvider } from './codebookTree';
import type { TreeViewOptions } from './codebookOps';
import type { QdaConnection } from './connection';

/** A comment as VS Code shows it, with what is needed to edit it. */
class ReviewComment implements vscode.Comment {
  mode = vscode.CommentMode.Preview;
  savedBody: string;
  constructor(
    readonly id: string,
    public body: string,
    readonly author: vscode.CommentAuthorInformation,
    readonly timestamp: Date,
    readonly contextValue: 'qda.own' | 'qda.other',
    readonly label: string | undefined,
    public parent?: vscode.CommentThread,
  ) {
    this.savedBody = body;
  }
}

type ThreadElement = { kind: 'theme'; theme: string; threads: ReviewThreadInfo[] } | { kind: 'thread'; thread: ReviewThreadInfo };

export interface ReviewApi {
  /** The last review state shown (threads and statuses), for tests. */
  state(): Promise<ReviewStateResult | undefined>;
  /** VS Code's comment threads as they are shown, by thread id. */
  threads(): ReadonlyMap<string, vscode.CommentThread>;
}

export function registerReview(context: vscode.ExtensionContext, connection: QdaConnection, tree: CodebookTreeProvider, treeView: () => vscode.TreeView<CodebookElement>): ReviewApi {
  const controller = vscode.comments.createCommentController('qda-review', vscode.l10n.t('Thesis QDA review'));
  controller.options = { prompt: vscode.l10n.t('Add a review comment'), placeHolder: vscode.l10n.t('A remark, a question, a request to move a segment…') };
  // Anything in the project can be commented on: the server refuses files outside it.
  controller.commentingRangeProvider = {
    provideCommentingRanges: (document) => (connection.hasProject && document.uri.scheme === 'file' && /\.(md|txt)$/i.test(document.uri.path) ? [new vscode.Range(0, 0, Math.max(0, document.lineCount - 1), 0)] : []),
  };
  const shown = new Map<string, vscode.CommentThread>();
  let last: Promise<ReviewStateResult | undefined> | undefined;
  const changed = new vscode.EventEmitter<void>();
  const provider = new ReviewTreeProvider(() => last, changed.event);
  const view = vscode.window.createTreeView('qda.review', { treeDataProvider: provider });
  context.subscriptions.push(controller, view, changed);

  async function refresh(): Promise<void> {
    if (!connection.hasProject) return;
    last = connection.request(reviewStateRequest, {}).then(
      (r) => r,
      () => undefined,
    );
    const state = await last;
    if (!state) return;
    const seen = new Set<string>();
    for (const t of state.threads) {
      if (!t.location) continue;
      seen.add(t.id);
      const uri = vscode.Uri.parse(t.location.uri);
      const range = new vscode.Range(t.location.range.start.line, t.location.range.start.character, t.location.range.end.line, t.location.range.end.character);
      let thread = shown.get(t.id);
      if (thread && thread.uri.toString() !== uri.toString()) {
        thread.dispose();
        thread = undefined;
      }
      if (!thread) {
        thread = controller.createCommentThread(uri, range, []);
        thread.collapsibleState = vscode.CommentThreadCollapsibleState.Collapsed;
        shown.set(t.id, thread);
        threadIds.set(thread, t.id);
      } else if (!thread.range || !thread.range.isEqual(range)) thread.range = range;
      const comments = t.comments.map(
        (c) =>
          new ReviewComment(c.id, c.body, { name: c.author }, new Date(c.at), c.author === state.author ? 'qda.own' : 'qda.other', c.editedAt ? vscode.l10n.t('edited') : undefined, thread),
      );
      // Keep a comment being edited as the user left it.
      const editing = (thread.comments as ReviewComment[]).filter((c) => c.mode === vscode.CommentMode.Editing);
      thread.comments = comments.map((c) => editing.find((e) => e.id === c.id) ?? c);
      thread.label = t.item ? vscode.l10n.t('Review of {0}', t.item) : t.label;
      thread.contextValue = t.resolved ? 'qda.resolved' : 'qda.open';
      thread.state = t.resolved ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
      thread.canReply = !t.resolved;
    }
    for (const [id, thread] of shown) {
      if (!seen.has(id)) {
        thread.dispose();
        shown.delete(id);
      }
    }
    const open = state.threads.filter((t) => !t.resolved).length;
    view.badge = open > 0 ? { value: open, tooltip: open === 1 ? vscode.l10n.t('1 open review thread') : vscode.l10n.t('{0} open review threads', open) } : undefined;
    changed.fire();
  }
  const threadIds = new WeakMap<vscode.CommentThread, string>();

  async function act(params: ReviewActionParams): Promise<boolean> {
    const result = await connection.request(reviewActionRequest, params);
    if (result.error) {
      void vscode.window.showErrorMessage(result.error);
      return false;
    }
    await refresh();
    tree.refresh();
    return true;
  }

  const itemOf = (element: CodebookElement | undefined): string | undefined => {
    const e = element ?? treeView().selection[0];
    return e && (e.kind === 'code' || e.kind === 'category') ? e.node.name : undefined;
  };

  const setReviewerMode = async (on: boolean) => {
    await vscode.workspace.getConfiguration('qda').update('reviewerMode', on, vscode.ConfigurationTarget.Global);
  };
  const applyReviewerMode = () => {
    const on = vscode.workspace.getConfiguration('qda').get<boolean>('reviewerMode', false);
    tree.reviewerMode = on;
    void vscode.commands.executeCommand('setContext', 'qda.reviewerMode', on);
    tree.refresh();
  };
  applyReviewerMode();

  context.subscriptions.push(
    connection.onIndexChanged(() => void refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('qda.reviewerMode') && applyReviewerMode()),
    // New thread from the editor's gutter (+): on a code's or theme's name in codebook.md it is a comment on that item.
    vscode.commands.registerCommand('qda.reviewCreateThread', async (reply: vscode.CommentReply) => {
      const r = reply.thread.range ?? new vscode.Range(0, 0, 0, 0);
      const ok = await act({ action: 'comment', uri: reply.thread.uri.toString(), range: { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } }, body: reply.text });
      if (ok) reply.thread.dispose();
    }),
    vscode.commands.registerCommand('qda.reviewReply', async (reply: vscode.CommentReply) => {
      const id = threadIds.get(reply.thread);
      if (id) await act({ action: 'reply', thread: id, body: reply.text });
    }),
    vscode.commands.registerCommand('qda.reviewResolve', async (thread: vscode.CommentThread | string) => {
      const id = typeof thread === 'string' ? thread : threadIds.get(thread);
      if (id) await act({ action: 'resolve', thread: id });
    }),
    vscode.commands.registerCommand('qda.reviewReopen', async (thread: vscode.CommentThread | string) => {
      const id = typeof thread === 'string' ? thread : threadIds.get(thread);
      if (id) await act({ action: 'reopen', thread: id });
    }),
    vscode.commands.registerCommand('qda.reviewEditComment', (comment: ReviewComment) => {
      if (!comment.parent) return;
      comment.parent.comments = comment.parent.comments.map((c) => ((c as ReviewComment).id === comment.id ? Object.assign(c, { mode: vscode.CommentMode.Editing }) : c));
    }),
    vscode.commands.registerCommand('qda.reviewSaveComment', async (comment: ReviewComment) => {
      const body = comment.body;
      comment.mode = vscode.CommentMode.Preview;
      if (body !== comment.savedBody) await act({ action: 'edit', comment: comment.id, body });
      else if (comment.parent) comment.parent.comments = [...comment.parent.comments];
    }),
    vscode.commands.registerCommand('qda.reviewCancelEdit', (comment: ReviewComment) => {
      if (!comment.parent) return;
      comment.body = comment.savedBody;
      comment.mode = vscode.CommentMode.Preview;
      comment.parent.comments = [...comment.parent.comments];
    }),
    // From the Codebook tree (and for co-authors' scripts and tests: item and text as arguments).
    vscode.commands.registerCommand('qda.reviewCommentItem', async (element?: CodebookElement | string, text?: string) => {
      const item = typeof element === 'string' ? element : itemOf(element);
      if (!item) return;
      const body = text ?? (await vscode.window.showInputBox({ title: vscode.l10n.t('Review comment on {0}', item), prompt: vscode.l10n.t('Co-authors see it in the Review view and beside the name in codebook.md.'), ignoreFocusOut: true }));
      if (body?.trim()) await act({ action: 'comment', item, body });
    }),
    vscode.commands.registerCommand('qda.reviewSetStatus', async (element?: CodebookElement | string, status?: ReviewStatusName) => {
      const item = typeof element === 'string' ? element : itemOf(element);
      if (!item) return;
      const choices: Array<vscode.QuickPickItem & { status: ReviewStatusName }> = [
        { label: `$(circle-large-outline) ${vscode.l10n.t('Proposed')}`, description: vscode.l10n.t('not reviewed yet'), status: 'proposed' },
        { label: `$(warning) ${vscode.l10n.t('Needs work')}`, description: vscode.l10n.t('the definition or the segments need another look'), status: 'needs-work' },
        { label: `$(pass-filled) ${vscode.l10n.t('Agreed')}`, description: vscode.l10n.t('signed off; a later change of the definition sends it back'), status: 'agreed' },
      ];
      const chosen = status ?? (await vscode.window.showQuickPick(choices, { title: vscode.l10n.t('Review status of {0}', item) }))?.status;
      if (chosen) await act({ action: 'status', item, status: chosen });
    }),
    vscode.commands.registerCommand('qda.reviewerModeOn', () => setReviewerMode(true)),
    vscode.commands.registerCommand('qda.reviewerModeOff', () => setReviewerMode(false)),
    vscode.commands.registerCommand('qda.reviewFilterNeedsWork', () => setNeedsWork(true)),
    vscode.commands.registerCommand('qda.reviewFilterOff', () => setNeedsWork(false)),
    vscode.commands.registerCommand('qda.reviewRefresh', () => refresh()),
    vscode.commands.registerCommand('qda.themeReportExport', async () => {
      const format = await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('Web page (.html)'), description: vscode.l10n.t('one file; opens in any browser and prints well'), format: 'html' as const },
          { label: vscode.l10n.t('Word document (.docx)'), description: vscode.l10n.t('headings and a table of contents; supervisors can comment in Word'), format: 'docx' as const },
        ],
        { title: vscode.l10n.t('Export Theme Report') },
      );
      if (!format) return;
      const result = await connection.request(exportThemeReportRequest, { format: format.format });
      if (result.error) return void vscode.window.showErrorMessage(vscode.l10n.t('The theme report could not be made: {0}', result.error));
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({ defaultUri: folder && vscode.Uri.joinPath(folder, result.fileName), filters: format.format === 'html' ? { HTML: ['html'] } : { Word: ['docx'] } });
      if (!target) return;
      await vscode.workspace.fs.writeFile(target, result.text !== undefined ? new TextEncoder().encode(result.text) : Buffer.from(result.base64 ?? '', 'base64'));
      const open = vscode.l10n.t('Open');
      const answer = await vscode.window.showInformationMessage(vscode.l10n.t('Wrote the theme report ({0} themes, {1} codes).', result.themes, result.codes), open);
      if (answer === open) await vscode.env.openExternal(target);
    }),
    vscode.commands.registerCommand('qda.reviewOpenThread', async (id: string) => {
      const thread = shown.get(id);
      const info = (await last)?.threads.find((t) => t.id === id);
      if (!thread || !info?.location) return;
      await vscode.window.showTextDocument(thread.uri, { selection: thread.range, preview: false });
      thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    }),
  );
  function setNeedsWork(on: boolean): void {
    const options = tree.viewOptions as TreeViewOptions | undefined;
    if (options) options.needsWork = on;
    void vscode.commands.executeCommand('setContext', 'qda.reviewNeedsWorkFilter', on);
    tree.refresh();
  }
  void connection.ready.then(() => refresh(), () => undefined);
  return { state: async () => last && (await last), threads: () => shown };
}

/** The Review view: open threads grouped by theme (threads on passages under the theme of the code coded there). */
class ReviewTreeProvider implements vscode.TreeDataProvider<ThreadElement> {
  constructor(
    private readonly state: () => Promise<ReviewStateResult | undefined> | undefined,
    readonly onDidChangeTreeData: vscode.Event<void>,
  ) {}

  async getChildren(element?: ThreadElement): Promise<ThreadElement[]> {
    if (element?.kind === 'thread') return [];
    if (element?.kind === 'theme') return element.threads.map((thread) => ({ kind: 'thread', thread }));
    const state = await this.state();
    const open = (state?.threads ?? []).filter((t) => !t.resolved);
    const byTheme = new Map<string, ReviewThreadInfo[]>();
    for (const t of open) byTheme.set(t.theme, [...(byTheme.get(t.theme) ?? []), t]);
    return [...byTheme].map(([theme, threads]) => ({ kind: 'theme', theme, threads }));
  }

  getTreeItem(element: ThreadElement): vscode.TreeItem {
    if (element.kind === 'theme') {
      const item = new vscode.TreeItem(element.theme || vscode.l10n.t('Not under a theme'), vscode.TreeItemCollapsibleState.Expanded);
      item.id = `theme:${element.theme}`;
      item.description = String(element.threads.length);
      item.iconPath = new vscode.ThemeIcon('symbol-namespace');
      return item;
    }
    const t = element.thread;
    const first = t.comments[0];
    const item = new vscode.TreeItem(t.label, vscode.TreeItemCollapsibleState.None);
    item.id = `thread:${t.id}`;
    const text = first ? `${first.author}: ${first.body.replace(/\s+/g, ' ')}` : '';
    item.description = (t.orphaned ? `${vscode.l10n.t('orphaned')} · ` : '') + (text.length > 80 ? `${text.slice(0, 79)}…` : text);
    const tooltip = new vscode.MarkdownString();
    for (const c of t.comments) tooltip.appendMarkdown('**').appendText(c.author).appendMarkdown('** ').appendText(`(${c.at.slice(0, 10)}): ${c.body}`).appendMarkdown('\n\n');
    if (t.orphaned) tooltip.appendText(vscode.l10n.t('The place this thread is on could not be found again. The thread is kept.'));
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(t.orphaned ? 'warning' : 'comment-discussion');
    item.contextValue = 'qda.reviewThread';
    item.command = { command: 'qda.reviewOpenThread', title: vscode.l10n.t('Go to the comment'), arguments: [t.id] };
    return item;
  }
}
