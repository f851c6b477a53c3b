// Thesis QDA's VS Code extension: registers the Codebook view first (so it appears at once),
// then starts the language server (dist/server.js over IPC) and wires decorations and commands.
// All project knowledge lives in the server; this side only shows it and applies its edits.
import * as vscode from 'vscode';
import { CodebookTreeProvider } from './codebookTree';
import { registerCommands } from './commands';
import { registerImportCommand } from './importCommand';
import { registerRefiCommands } from './refiCommands';
import { registerInformantsView } from './informantsView';
import { registerQuotes } from './quotes';
import { registerOrphansView } from './orphansView';
import { registerCodingHistory } from './serverEdits';
import { registerCompareView, type CompareCodersProvider } from './compareView';
import { MatrixPanel, registerMatrixView, type MatrixRendered } from './matrixView';
import { ChartsPanel, registerChartsView, type ChartRendered } from './chartsView';
import { registerSegmentsView, SegmentsPanel, type SegmentsRendered } from './segmentsView';
import type { ChartResult, CodedSegmentsResult, MatrixResult, UndoState } from '../../server/src/protocol';
import { registerReview, type ReviewApi } from './review';
import { codebookDragAndDrop, registerCodebookOps } from './codebookOps';
import { QdaConnection } from './connection';
import { CodingDecorations } from './decorations';
import { Swatches } from './swatches';
import { registerNewProject } from './newProject';
import { registerPassageMenu } from './passageMenu';
import { saveFailures } from './saving';
import { registerLspEdits } from './lspEdits';

export interface SegmentsState {
  result: CodedSegmentsResult | undefined;
  rendered: SegmentsRendered | undefined;
  host: 'view' | 'editor';
  visible: boolean;
  liveRefreshes: number;
  stale: boolean;
  refreshPending: boolean;
}

/** What activate() returns: used by the extension-host tests. */
export interface QdaTestApi {
  /** Resolves on the server's first qda/ready notification. */
  ready: Promise<void>;
  codebookTree: vscode.TreeDataProvider<unknown>;
  /** Milliseconds from the start of activate() to the Codebook view being registered. */
  activationMs: number;
  /** The coded ranges currently painted in this editor. */
  decorationRanges(editor: vscode.TextEditor): vscode.Range[];
  /** The Codebook view's drag-and-drop controller, so tests can drag as a user does. */
  codebookDragAndDrop: vscode.TreeDragAndDropController<unknown>;
  /** The Compare Coders view's provider: its list and current place, as the view shows them. */
  compareCoders: CompareCodersProvider;
  /** performance.now() times and decoration counters, for `npm run bench:vscode`. */
  perf: QdaPerf;
  /**
   * The language server's state, so tests can act while a restarted server still loads its
   * index: `readies` counts qda/ready notifications (one per start), `running` whether the
   * client is up (documents open in the editor have been sent to the server), `restarts` the
   * restarts completed.
   */
  server: { readies(): number; running(): boolean; restarts(): number };
  /** The Orphaned Codings view's data: missing transcripts' groups, then single codings. */
  orphansTree: vscode.TreeDataProvider<unknown>;
  /** Files the extension reported "Could not save" for, in order. */
  saveFailures: readonly string[];
  /**
   * The analysis webviews: what the Coded Segments page last drew, and a way to hand a panel the
   * message its page sends on a click or a typed query (a test cannot click inside a webview).
   */
  analysis: {
    /**
     * The Coded Segments list last shown (or the one `where` it is: the view in the Thesis QDA
     * container, or the panel "Open in Editor" made): its data, what its page drew, whether its
     * page is on screen, and its refreshes after edits (none while hidden: `stale` instead).
     */
    segments(where?: 'view' | 'editor'): SegmentsState | undefined;
    /** The open Framework Matrix: its data, what its page drew, and when (for the first-paint bench). */
    matrix(): { result: MatrixResult | undefined; rendered: MatrixRendered | undefined; timings: MatrixPanel['timings']; firstScreen: MatrixPanel['firstScreen']; answeredAt: number } | undefined;
    charts(): { result: ChartResult | undefined; rendered: ChartRendered | undefined; timings: ChartsPanel['timings'] } | undefined;
    toSegments(message: { type: string; [k: string]: unknown }): Promise<void>;
    toMatrix(message: { type: string; [k: string]: unknown }): Promise<void>;
    toCharts(message: { type: string; [k: string]: unknown }): Promise<void>;
  };
  /** Review threads and statuses as the Comments API and the Review view show them. */
  review: ReviewApi;
  /** The server's undo log of coding operations as its last reply described it: whose editor Ctrl+Z undoes in. */
  codingHistory(): UndoState;
}

export interface QdaPerf {
  activateStart: number;
  /** The server's first qda/ready. */
  readyAt?: number;
  /** The Codebook tree's first non-empty root children handed to VS Code. */
  treeFirstAt?: number;
  decorations: CodingDecorations['stats'];
}

let connection: QdaConnection | undefined;

export function activate(context: vscode.ExtensionContext): QdaTestApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Thesis QDA');
  connection = new QdaConnection(context, output);
  // Before anything asks the server: in a folder that is no project it waits (see newProject.ts).
  registerNewProject(context, connection);
  const swatches = new Swatches(context.globalStorageUri);
  const tree = new CodebookTreeProvider(connection, swatches);
  const perf: QdaPerf = { activateStart: started, decorations: { applies: 0, maxApplyMs: 0, last: undefined, recent: [] } };
  const getChildren = tree.getChildren.bind(tree);
  tree.getChildren = async (element) => {
    const children = await getChildren(element);
    if (!element && children.length > 0) perf.treeFirstAt ??= performance.now();
    return children;
  };
  // Segments dragged from the tree drop into chapters as quotes (client/src/quotes.ts).
  const quotes = registerQuotes(context, connection);
  // Codes and categories move by drag and drop (codebookOps.ts); segments still drop into chapters.
  const dragAndDrop = codebookDragAndDrop(connection, tree, quotes);
  const view = vscode.window.createTreeView('qda.codebook', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true, dragAndDropController: dragAndDrop });
  const activationMs = performance.now() - started;

  const decorations = new CodingDecorations(connection);
  perf.decorations = decorations.stats;
  context.subscriptions.push(output, connection, tree, view, decorations);
  const codingHistory = registerCodingHistory(context, connection);
  registerCommands(context, connection, tree, swatches);
  tree.viewOptions = registerCodebookOps(context, connection, tree, () => view);
  registerPassageMenu(context, connection, tree, () => view, decorations);
  registerImportCommand(context, connection);
  registerRefiCommands(context, connection);
  registerInformantsView(context, connection);
  const orphans = registerOrphansView(context, connection);
  registerLspEdits(context, connection);
  const compareCoders = registerCompareView(context, connection);
  registerMatrixView(context, connection);
  registerSegmentsView(context, connection);
  registerChartsView(context, connection);
  const review = registerReview(context, connection, tree, () => view);

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The coder name is sent at initialisation: a new one needs a fresh server.
      if (e.affectsConfiguration('qda.coder') && connection) {
        output.appendLine(vscode.l10n.t('The coder name changed; restarting the language server.'));
        void connection.restart().catch(() => undefined);
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refresh()),
  );

  const current = connection;
  void current.ready.then(() => (perf.readyAt ??= performance.now()), () => undefined);
  // Without a project the server starts only when one is made (connection.projectFound()).
  const starting = current.hasProject ? current.start() : new Promise<void>((resolve) => current.onDidFindProject(() => resolve(current.start())));
  void starting.then(
    () => output.appendLine(vscode.l10n.t('Thesis QDA language server started.')),
    () => void vscode.window.showErrorMessage(vscode.l10n.t('The Thesis QDA language server could not start. See the output channel "Thesis QDA".')),
  );

  return {
    ready: current.ready,
    codebookTree: tree as vscode.TreeDataProvider<unknown>,
    activationMs,
    decorationRanges: (editor) => decorations.rangesFor(editor),
    codebookDragAndDrop: dragAndDrop as vscode.TreeDragAndDropController<unknown>,
    compareCoders,
    perf,
    server: { readies: () => current.readyCount, running: () => current.running, restarts: () => current.restartCount },
    saveFailures,
    orphansTree: orphans as vscode.TreeDataProvider<unknown>,
    analysis: {
      segments: (where) => {
        const p = where === 'view' ? SegmentsPanel.view : where === 'editor' ? SegmentsPanel.editor : SegmentsPanel.current;
        return p && { result: p.shown, rendered: p.rendered, host: p === SegmentsPanel.view ? 'view' : 'editor', visible: p.panel.visible, liveRefreshes: p.liveRefreshes, stale: p.stale, refreshPending: p.refreshPending };
      },
      matrix: () => {
        const p = MatrixPanel.current;
        return p && { result: p.shown, rendered: p.rendered, timings: p.timings, firstScreen: p.firstScreen, answeredAt: p.answeredAt };
      },
      charts: () => {
        const p = ChartsPanel.current;
        return p && { result: p.shown, rendered: p.rendered, timings: p.timings };
      },
      toSegments: async (m) => SegmentsPanel.current?.receive(m),
      toMatrix: async (m) => MatrixPanel.current?.receive(m),
      toCharts: async (m) => ChartsPanel.current?.receive(m),
    },
    review,
    codingHistory: () => codingHistory.current,
  };
}

export async function deactivate(): Promise<void> {
  await connection?.stop();
  connection = undefined;
}
