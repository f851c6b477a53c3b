// The language server: start-up, then a table from LSP methods and the custom requests of
// protocol.ts to the façade's functions (languageService.ts). Document events go to the
// ServerWorkspace (workspace.ts), which keeps their order; every request waits for the events
// before it and is dropped when the client cancelled it meanwhile.
import {
  CancellationTokenSource,
  CodeActionRequest,
  CompletionRequest,
  createConnection,
  DefinitionRequest,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  HoverRequest,
  PrepareRenameRequest,
  ProposedFeatures,
  ReferencesRequest,
  RenameRequest,
  ResponseError,
  TextDocumentSyncKind,
  WillRenameFilesRequest,
  WorkspaceSymbolRequest,
  type CancellationToken,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { NodeFileSystem } from './nodeFs';
import { Project } from './core/project/project';
import { ServerWorkspace } from './workspace';
import { createLanguageService, type LanguageService } from './languageService';
import { CodingsWriter } from './codingsWriter';
import { Operations } from './operationReply';
import { throwIfCancelled } from './cancellation';
import { configureL10n } from './l10n';
import { settleHeapAfterStartup } from './memory';
import { reportTiming, TIMINGS } from './timings';
import { warmAnalysis } from './analysisWarmup';
import { DiagnosticsPublisher } from './features/diagnostics';
import { reviewFileChanged } from './features/review';
import { renameFileOptions } from './features/fileRenames';
import * as protocol from './protocol';
import { renderChartsInWorker } from './chartRender';
import * as path from 'node:path';

const connection = createConnection(ProposedFeatures.all);
// Charts are drawn in a worker thread beside this file's bundle (dist/chart-library.js), so that
// drawing one does not hold up keystrokes and hovers (chartRender.ts).
renderChartsInWorker(path.join(__dirname, 'chart-library.js'));
let ws: ServerWorkspace | undefined;
let service: LanguageService | undefined;
let diagnostics: DiagnosticsPublisher | undefined;
/** Stops the analysis warm-up (analysisWarmup.ts) at shutdown. */
const warmup = new CancellationTokenSource();

function gitUserName(root: string): string | undefined {
  try {
    const name = execFileSync('git', ['config', 'user.name'], { cwd: root, encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return name || undefined;
  } catch {
    return undefined;
  }
}

// The index changed: diagnostics soon (one pass per burst), and the client hears which files'
// codings changed, batched per 30 ms.
let changedUris = new Set<string>();
let changeTimer: NodeJS.Timeout | undefined;
function noteChanged(uri: string): void {
  changedUris.add(uri);
  diagnostics?.schedule();
  if (changeTimer) return;
  changeTimer = setTimeout(() => {
    changeTimer = undefined;
    const uris = [...changedUris];
    changedUris = new Set();
    if (ws) void connection.sendNotification(protocol.indexChangedNotification, { version: ws.project.version, uris });
  }, 30);
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
  const root = folder ? URI.parse(folder).fsPath : process.cwd();
  const options = (params.initializationOptions ?? {}) as protocol.InitializationOptions;
  // The client's language: refusals, diagnostics and quick fixes in it (l10n.ts).
  configureL10n(options.l10n);
  const coder = options.coder || gitUserName(root) || os.userInfo().username;
  const project = new Project(new NodeFileSystem(root), coder);
  ws = new ServerWorkspace(root, project, { changed: noteChanged, error: (message) => connection.console.error(message) });
  // The one writer of .qda/codings/** and the one way results become replies (with the undo log).
  const writer = new CodingsWriter(ws, { editorText: (uri) => ws!.handledText(uri), noteChanged });
  ws.useWriter(writer);
  const ops = new Operations({ ws, writer, versionOf: ws.versionOf, enqueue: (work) => ws!.enqueue(work), load: loadInClient });
  service = createLanguageService(ws, ops);
  diagnostics = new DiagnosticsPublisher(connection, ws);
  const started = Date.now();
  ws.loading(
    project.load().then(() => {
      diagnostics!.publishNow();
      const stats = project.stats();
      void connection.sendNotification(protocol.readyNotification, { documents: stats.documents, codes: stats.codes, codings: stats.codings, millis: Date.now() - started });
      settleHeapAfterStartup();
      // What stays alive once the start-up garbage is collected (the benchmark's growth figures).
      if (TIMINGS) reportTiming('heap-live-mb', process.memoryUsage().heapUsed / 2 ** 20);
      // The analysis views' counts, made in idle time once the project is quiet, so that the
      // first Framework Matrix opened finds them counted (QDA_WARMUP=off: not at all).
      if (process.env.QDA_WARMUP !== 'off') {
        void warmAnalysis(ws!, warmup.token).then((r) => {
          if (!TIMINGS) return;
          reportTiming(r.done ? 'analysis-warm-ms' : 'analysis-warm-stopped-ms', r.workMs);
          reportTiming('analysis-warm-starts', r.starts);
        }, (e: unknown) => {
          // Idle work only: a failure here must not end the server (an unhandled rejection
          // would); the view's own request counts again and reports any error to the user.
          connection.console.warn(`analysis warm-up stopped: ${e instanceof Error ? e.message : String(e)}`);
        });
      }
    }),
  );
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      completionProvider: { triggerCharacters: ['['] },
      workspaceSymbolProvider: true,
      renameProvider: { prepareProvider: true },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      // A transcript renamed or moved in the editor: its codings follow once it is done (features/fileRenames.ts).
      workspace: { fileOperations: { didRename: renameFileOptions } },
    },
    serverInfo: { name: 'thesis-qda', version: '0.1.0' },
  };
});

/** Asks the client to load codings files before the server first writes them (see loadDocumentsRequest). */
async function loadInClient(uris: string[]): Promise<void> {
  try {
    await connection.sendRequest(protocol.loadDocumentsRequest, { uris });
  } catch {
    // A client without it (the tests' own editor): the write goes ahead all the same.
  }
}

connection.onShutdown(() => warmup.cancel());

connection.onInitialized(() => {
  // Outside changes (git pull, another editor) reach the index through file events.
  void connection.client.register(DidChangeWatchedFilesNotification.type, {
    watchers: [{ globPattern: '**/*.{md,txt,jsonl,yaml}' }],
  });
});

connection.onDidOpenTextDocument((p) => ws?.didOpen(p));
connection.onDidChangeTextDocument((p) => ws?.didChange(p));
connection.onDidSaveTextDocument((p) => ws?.didSave(p));
connection.onDidCloseTextDocument((p) => ws?.didClose(p));
// Files renamed in the editor: the server moves the codings of the transcripts among them.
connection.workspace.onDidRenameFiles((p) => {
  if (!ws || !service) return;
  const renamed = service.didRenameFiles;
  // A request sent after the rename waits for it (ServerWorkspace.hold).
  ws.hold(async () => {
    // Refused (a codings file with unsaved edits, one that cannot be rewritten): the codings stay
    // with the old name, shown as orphans with a re-link suggestion; the user hears why.
    const result = await renamed(p);
    if (result.error) void connection.window.showWarningMessage(result.error);
  });
});
connection.onDidChangeWatchedFiles((p) => {
  // A review log changed on disk (git pull, a co-author's commit): the threads are read again.
  for (const change of p.changes) {
    const path = ws?.pathOf(change.uri);
    if (ws && path && reviewFileChanged(ws, path)) noteChanged(change.uri);
  }
  ws?.didChangeWatchedFiles(p);
});

type Method = keyof LanguageService;
/** A request handler: once every event before it is handled, unless the client gave up meanwhile. */
function serve<M extends Method>(method: M) {
  return async (params: Parameters<LanguageService[M]>[0], token: CancellationToken): Promise<Awaited<ReturnType<LanguageService[M]>>> => {
    if (!ws || !service) throw new ResponseError(ErrorCodes.ServerNotInitialized, 'The server is not initialised yet.');
    await ws.settled();
    throwIfCancelled(token);
    const run = service[method] as (p: typeof params, t: CancellationToken) => Awaited<ReturnType<LanguageService[M]>>;
    return run(params, token);
  };
}

connection.onRequest(HoverRequest.type, serve('hover'));
connection.onRequest(DefinitionRequest.type, serve('definition'));
connection.onRequest(ReferencesRequest.type, serve('references'));
connection.onRequest(CompletionRequest.type, serve('completion'));
connection.onRequest(WorkspaceSymbolRequest.type, serve('workspaceSymbols'));
connection.onRequest(PrepareRenameRequest.type, serve('prepareRename'));
connection.onRequest(RenameRequest.type, serve('rename'));
connection.onRequest(CodeActionRequest.type, serve('codeActions'));
connection.onRequest(WillRenameFilesRequest.type, serve('willRenameFiles'));

connection.onRequest(protocol.codebookTreeRequest, serve('codebookTree'));
connection.onRequest(protocol.segmentsRequest, serve('segments'));
connection.onRequest(protocol.codeSummariesRequest, serve('codeSummaries'));
connection.onRequest(protocol.documentCodingsRequest, serve('documentCodings'));
connection.onRequest(protocol.documentPaintRequest, serve('documentPaint'));

connection.onRequest(protocol.codeSelectionRequest, serve('codeSelection'));
connection.onRequest(protocol.uncodeSelectionRequest, serve('uncodeSelection'));
connection.onRequest(protocol.recodeCodingRequest, serve('recodeCoding'));
connection.onRequest(protocol.uncodeCodingRequest, serve('uncodeCoding'));
connection.onRequest(protocol.reviewCodingsRequest, serve('reviewCodings'));
connection.onRequest(protocol.reattachCodingRequest, serve('reattachCoding'));
connection.onRequest(protocol.acceptCodingRequest, serve('acceptCoding'));
connection.onRequest(protocol.deleteCodingRequest, serve('deleteCoding'));
connection.onRequest(protocol.missingTranscriptsRequest, serve('missingTranscripts'));
connection.onRequest(protocol.relinkCodingsRequest, serve('relinkCodings'));
connection.onRequest(protocol.deleteCodingsOfDocRequest, serve('deleteCodingsOfDoc'));

connection.onRequest(protocol.renameItemRequest, serve('renameItem'));
connection.onRequest(protocol.mergeCodesRequest, serve('mergeCodes'));
connection.onRequest(protocol.moveItemsRequest, serve('moveItems'));
connection.onRequest(protocol.newCategoryRequest, serve('newCategory'));
connection.onRequest(protocol.deleteCodeRequest, serve('deleteCode'));
connection.onRequest(protocol.setDescriptionRequest, serve('setDescription'));
connection.onRequest(protocol.setColorRequest, serve('setColor'));
connection.onRequest(protocol.exportCodebookRequest, serve('exportCodebook'));

connection.onRequest(protocol.importPreviewRequest, serve('importPreview'));
connection.onRequest(protocol.importTranscriptsRequest, serve('importTranscripts'));
connection.onRequest(protocol.informantsRequest, serve('informants'));
connection.onRequest(protocol.setInformantAttributeRequest, serve('setInformantAttribute'));
connection.onRequest(protocol.formatQuoteRequest, serve('formatQuote'));
connection.onRequest(protocol.quotableSegmentsRequest, serve('quotableSegments'));
connection.onRequest(protocol.exportQuotesRequest, serve('exportQuotes'));

connection.onRequest(protocol.matrixRequest, serve('matrix'));
connection.onRequest(protocol.matrixCellRequest, serve('matrixCell'));
connection.onRequest(protocol.frameworkRequest, serve('framework'));
connection.onRequest(protocol.frameworkNoteRequest, serve('frameworkNote'));
connection.onRequest(protocol.codedSegmentsRequest, serve('codedSegments'));
connection.onRequest(protocol.chartRequest, serve('chart'));
connection.onRequest(protocol.saveQueryRequest, serve('saveQuery'));
connection.onRequest(protocol.analysisXlsxRequest, serve('analysisXlsx'));
connection.onRequest(protocol.segmentsDocxRequest, serve('segmentsDocx'));
connection.onRequest(protocol.reviewStateRequest, serve('reviewState'));
connection.onRequest(protocol.reviewActionRequest, serve('reviewAction'));
connection.onRequest(protocol.exportThemeReportRequest, serve('exportThemeReport'));
connection.onRequest(protocol.refiExportRequest, serve('refiExport'));
connection.onRequest(protocol.refiImportPreviewRequest, serve('refiImportPreview'));
connection.onRequest(protocol.refiImportRequest, serve('refiImport'));
connection.onRequest(protocol.disagreementsRequest, serve('disagreements'));
connection.onRequest(protocol.disagreementStepRequest, serve('disagreementStep'));
connection.onRequest(protocol.agreementSummaryRequest, serve('agreementSummary'));
connection.onRequest(protocol.settleDisagreementRequest, serve('settleDisagreement'));
connection.onRequest(protocol.commitEditRequest, serve('commitEdit'));
connection.onRequest(protocol.codingUndoRequest, serve('codingUndo'));
connection.onRequest(protocol.codingRedoRequest, serve('codingRedo'));

connection.listen();
