// Connection wiring only: documents, file events and requests are routed to core and to the
// one-file-per-feature handlers in features/.
import {
  createConnection,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { NodeFileSystem } from './nodeFs';
import { applyToDisk, type FileEdit } from './core/ops/operations';
import type { TextChange } from './core/anchoring/anchoring';
import { Project } from './core/project/project';
import { CONFIG_FILE } from './core/parse/config';
import { ServerWorkspace } from './workspace';
import { OpenDocument } from './openDocument';
import type { TextSource } from './core/text/pieceText';
import { settleHeapAfterStartup } from './memory';
import { DiagnosticsPublisher } from './features/diagnostics';
import { hover } from './features/hover';
import { definition } from './features/definition';
import { references } from './features/references';
import { completion } from './features/completion';
import { workspaceSymbols } from './features/workspaceSymbols';
import { codebookTree, codeSummaries, documentCodings, documentPaint, segments } from './features/codebookTree';
import { codeSelection, recode, uncodeOne, uncodeSelection } from './features/codingCommands';
import { prepareRename, rename } from './features/rename';
import { codeActions } from './features/codeActions';
import { importPreview, importTranscripts } from './features/importTranscripts';
import { informants, setAttribute } from './features/informants';
import { importPreviewRequest, importTranscriptsRequest, informantsRequest, setInformantAttributeRequest } from './protocol';
import { exportQuotes, formatQuoteRequestHandler, quotableSegments } from './features/quoteRequests';
import { exportQuotesRequest, formatQuoteRequest, quotableSegmentsRequest } from './protocol';
import { deleteCodeHandler, exportCodebookHandler, mergeCodesHandler, moveItemsHandler, newCategoryHandler, renameItemHandler, setColorHandler, setDescriptionHandler } from './features/codebookOps';
import { agreementSummaryRequest, disagreementStepRequest, disagreementsRequest, matrixCellRequest, matrixRequest, settleDisagreementRequest } from './protocol';
import { matrix, matrixCell } from './features/matrix';
import { agreementSummary, disagreements, disagreementStep, settle } from './features/compareCoders';
import { deleteCodeRequest, exportCodebookRequest, mergeCodesRequest, moveItemsRequest, newCategoryRequest, renameItemRequest, setColorRequest, setDescriptionRequest } from './protocol';
import { accept, reattach, remove, reviewCodings } from './features/orphans';
import { deleteCodingsOfDoc, missingTranscripts, relinkCodings, willRenameFiles, willRenameOptions } from './features/fileRenames';
import { deleteCodingsOfDocRequest, missingTranscriptsRequest, relinkCodingsRequest } from './protocol';
import {
  codeSelectionRequest,
  codeSummariesRequest,
  codebookTreeRequest,
  documentCodingsRequest,
  documentPaintRequest,
  indexChangedNotification,
  readyNotification,
  segmentsRequest,
  uncodeSelectionRequest,
  reviewCodingsRequest,
  reattachCodingRequest,
  acceptCodingRequest,
  deleteCodingRequest,
  recodeCodingRequest,
  uncodeCodingRequest,
  type InitializationOptions,
} from './protocol';

const connection = createConnection(ProposedFeatures.all);
/** Open documents as the client has them now: updated the moment an event arrives. */
const openDocuments = new Map<string, OpenDocument>();
/**
 * Open documents' texts as of the last event the inOrder queue has handled. While the queue
 * is busy (the index loading at start-up, a save writing codings files) later changes have
 * already updated `openDocuments` (an OpenDocument changes in place): work in the queue must
 * read this instead, or it sees edits that are still waiting behind it and shifts codings
 * twice. Held as the documents hold them (chunks for transcripts): no 1 MB copy per keystroke.
 */
const handledTexts = new Map<string, TextSource>();
let ws: ServerWorkspace | undefined;
let diagnostics: DiagnosticsPublisher | undefined;
let ready: Promise<void> = Promise.resolve();
let changedUris = new Set<string>();
let changeTimer: NodeJS.Timeout | undefined;
/**
 * QDA_TIMINGS=1: the server reports, on stderr, how long a transcript keystroke takes from
 * the moment its didChange reaches the handler until the codings are shifted in the index
 * (waiting in the inOrder queue included) — the figure the keystroke budget names, without
 * the client's round trip — and the heap alive after start-up (after its full collection).
 * `npm run bench` reads these lines. Off: one boolean test per change.
 */
const TIMINGS = process.env.QDA_TIMINGS === '1';
let timingLines: string[] = [];
/** Queues a timing line; written in batches (a pipe write per keystroke cost ~0.1 ms of it). */
function reportTiming(event: string, ms: number): void {
  if (timingLines.length === 0) {
    setTimeout(() => {
      process.stderr.write(timingLines.join(''));
      timingLines = [];
    }, 50);
  }
  timingLines.push(`qda-timing ${event} ${ms.toFixed(4)}\n`);
}

function gitUserName(root: string): string | undefined {
  try {
    const name = execFileSync('git', ['config', 'user.name'], { cwd: root, encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return name || undefined;
  } catch {
    return undefined;
  }
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
  const root = folder ? URI.parse(folder).fsPath : process.cwd();
  const options = (params.initializationOptions ?? {}) as InitializationOptions;
  const coder = options.coder || gitUserName(root) || os.userInfo().username;
  const project = new Project(new NodeFileSystem(root), coder);
  ws = new ServerWorkspace(root, project);
  diagnostics = new DiagnosticsPublisher(connection, ws);
  const started = Date.now();
  ready = project.load().then(() => {
    diagnostics!.publishNow();
    const stats = project.stats();
    void connection.sendNotification(readyNotification, { documents: stats.documents, codes: stats.codes, codings: stats.codings, millis: Date.now() - started });
    settleHeapAfterStartup();
    // What stays alive once the start-up garbage is collected (the benchmark's growth figures).
    if (TIMINGS) reportTiming('heap-live-mb', process.memoryUsage().heapUsed / 2 ** 20);
  });
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
      // A transcript renamed or moved in the editor: its codings follow (features/fileRenames.ts).
      workspace: { fileOperations: { willRename: willRenameOptions } },
    },
    serverInfo: { name: 'thesis-qda', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  // Outside changes (git pull, another editor) reach the index through file events.
  void connection.client.register(DidChangeWatchedFilesNotification.type, {
    watchers: [{ globPattern: '**/*.{md,txt,jsonl,yaml}' }],
  });
});

function noteChanged(uri: string): void {
  changedUris.add(uri);
  diagnostics?.schedule();
  if (changeTimer) return;
  changeTimer = setTimeout(() => {
    changeTimer = undefined;
    const uris = [...changedUris];
    changedUris = new Set();
    if (ws) void connection.sendNotification(indexChangedNotification, { version: ws.project.version, uris });
  }, 30);
}

/** A file's new text (undefined: deleted), from the editor or the disk, into the index. */
async function updateText(uri: string, text: string | undefined): Promise<void> {
  if (!ws) return;
  const path = ws.pathOf(uri);
  if (!path) return;
  if (await ws.project.update(path, text)) noteChanged(uri);
  // A Compare Coders decision log is not in the index, but what the view lists follows it (an
  // undone settlement, a checkout): its change is announced as an index change.
  else if (path.startsWith('.qda/consensus/')) noteChanged(uri);
  if (path === CONFIG_FILE) await reloadOpenDocuments();
}

async function updateFromDisk(uri: string): Promise<void> {
  const path = ws?.pathOf(uri);
  if (path) await updateText(uri, await ws!.project.fs.readText(path));
}

/**
 * qda.yaml changed and the project was read again from disk: the documents open in the editor
 * are what counts (unsaved edits included), and a file the new globs make a transcript while
 * it is open is followed live from now on.
 */
async function reloadOpenDocuments(): Promise<void> {
  if (!ws) return;
  for (const [uri, text] of handledTexts) {
    const path = ws.pathOf(uri);
    if (!path || path === CONFIG_FILE) continue;
    const role = ws.project.roleOf(path);
    const whole = text.toString();
    if (role === 'transcript') {
      if (!ws.project.isLive(path)) ws.project.openTranscript(path, whole);
    } else if (role !== 'other' && ws.project.texts.get(path) !== whole) await ws.project.update(path, whole);
    else continue;
    noteChanged(uri);
  }
}

/** Writes edits to the server's own files atomically and feeds the result back to the index. */
async function writeFileEdits(edits: FileEdit[]): Promise<void> {
  if (!ws) return;
  await applyToDisk(ws.project, { edits });
  for (const fe of edits) noteChanged(ws.uriOf(fe.path));
}

// Events are handled strictly in order: a keystroke's shift must not overtake the open.
let queue: Promise<void> = Promise.resolve();
function inOrder(work: () => Promise<void> | void): void {
  queue = queue.then(async () => {
    await ready;
    await work();
  }).catch((err) => connection.console.error(`qda: ${(err as Error).stack ?? err}`));
}

connection.onDidOpenTextDocument((p) => {
  const doc = new OpenDocument(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text);
  openDocuments.set(doc.uri, doc);
  // The text as opened, not doc.getText() when the queue gets here: changes that arrive
  // meanwhile update `doc` in place and are handled (shifting codings) after this.
  const { uri, text } = p.textDocument;
  inOrder(async () => {
    handledTexts.set(uri, text);
    const path = ws?.pathOf(uri);
    if (path && ws!.project.roleOf(path) === 'transcript') {
      ws!.project.openTranscript(path, text);
      noteChanged(uri);
    } else await updateText(uri, text);
  });
});

connection.onDidChangeTextDocument((p) => {
  const received = TIMINGS ? performance.now() : 0;
  const doc = openDocuments.get(p.textDocument.uri);
  if (!doc) return;
  // LSP changes apply one after the other: each range refers to the text after the previous.
  const changes: TextChange[] = p.contentChanges.map((change) => doc.apply(change));
  doc.version = p.textDocument.version;
  // This version's text, in chunks (immutable: later changes make new versions). An open
  // transcript's keystroke is shifted without ever building it as one string.
  const text = doc.text;
  inOrder(async () => {
    handledTexts.set(p.textDocument.uri, text);
    const path = ws?.pathOf(p.textDocument.uri);
    if (path && ws!.project.isLive(path)) {
      ws!.noteEdit(path, changes, text);
      ws!.project.editTranscript(path, changes, text);
      if (TIMINGS) reportTiming('didChange-shift', performance.now() - received);
      noteChanged(p.textDocument.uri);
    } else if (path && ws!.project.roleOf(path) === 'codings') {
      await ws!.project.editCodingsFile(path, changes, text.toString());
      noteChanged(p.textDocument.uri);
    } else await updateText(p.textDocument.uri, text.toString());
  });
});

connection.onDidSaveTextDocument((p) => {
  inOrder(async () => {
    const path = ws?.pathOf(p.textDocument.uri);
    // The transcript on disk changed: now the shifted offsets go to the codings files.
    if (path && ws!.project.isLive(path)) await writeFileEdits(ws!.project.codingEditsForSavedTranscript(path));
  });
});

connection.onDidCloseTextDocument((p) => {
  openDocuments.delete(p.textDocument.uri);
  inOrder(async () => {
    handledTexts.delete(p.textDocument.uri);
    const path = ws?.pathOf(p.textDocument.uri);
    if (!path) return;
    // Unsaved edits are discarded with the editor: the disk is the truth again.
    if (ws!.project.isLive(path)) {
      ws!.project.closeTranscript(path, await ws!.project.fs.readText(path));
      noteChanged(p.textDocument.uri);
    } else await updateFromDisk(p.textDocument.uri);
  });
});

connection.onDidChangeWatchedFiles((p) => {
  for (const change of p.changes) {
    if (openDocuments.has(change.uri)) continue; // the editor's text wins while it is open
    inOrder(async () => {
      if (change.type === FileChangeType.Deleted) await updateText(change.uri, undefined);
      else await updateFromDisk(change.uri);
      // A transcript changed outside the editor: its codings were re-anchored; keep the
      // codings files in step with it.
      const path = ws?.pathOf(change.uri);
      if (path && ws!.project.roleOf(path) === 'transcript') await writeFileEdits(ws!.project.reanchoredCodingEdits(path));
    });
  }
});

/** Requests see every event that arrived before them. */
async function settled(): Promise<void> {
  await ready;
  await queue;
}

const versionOf = (uri: string): number | null => openDocuments.get(uri)?.version ?? null;

connection.onHover(async (p) => (await settled(), ws ? hover(ws, p) : null));
connection.onDefinition(async (p) => (await settled(), ws ? definition(ws, p) : null));
connection.onReferences(async (p) => (await settled(), ws ? references(ws, p) : []));
connection.onCompletion(async (p) => (await settled(), ws ? completion(ws, p) : null));
connection.onWorkspaceSymbol(async (p) => (await settled(), ws ? workspaceSymbols(ws, p) : []));

connection.onRequest(codebookTreeRequest, async () => (await settled(), codebookTree(ws!)));
connection.onRequest(segmentsRequest, async (p) => (await settled(), segments(ws!, p)));
connection.onRequest(codeSummariesRequest, async () => (await settled(), codeSummaries(ws!)));
connection.onRequest(documentCodingsRequest, async (p) => (await settled(), documentCodings(ws!, p.uri)));
connection.onRequest(documentPaintRequest, async (p) => (await settled(), documentPaint(ws!, p.uri)));
connection.onRequest(codeSelectionRequest, async (p) => (await settled(), codeSelection(ws!, p, versionOf)));
connection.onRequest(uncodeSelectionRequest, async (p) => (await settled(), uncodeSelection(ws!, p, versionOf)));

connection.onRequest(reviewCodingsRequest, async () => (await settled(), reviewCodings(ws!)));
connection.onRequest(reattachCodingRequest, async (p) => (await settled(), reattach(ws!, p, versionOf)));
connection.onRequest(acceptCodingRequest, async (p) => (await settled(), accept(ws!, p.id, versionOf)));
connection.onRequest(deleteCodingRequest, async (p) => (await settled(), remove(ws!, p.id, versionOf)));
connection.onRequest(recodeCodingRequest, async (p) => (await settled(), recode(ws!, p, versionOf)));
connection.onRequest(uncodeCodingRequest, async (p) => (await settled(), uncodeOne(ws!, p.id, versionOf)));
// Transcripts renamed, moved or deleted (features/fileRenames.ts); the plans check the disk for
// the files they touch, except those open in the editor.
const isOpen = (uri: string): boolean => openDocuments.has(uri);
connection.workspace.onWillRenameFiles(async (p) => (await settled(), ws ? willRenameFiles(ws, p, isOpen) : null));
connection.onRequest(missingTranscriptsRequest, async () => (await settled(), missingTranscripts(ws!)));
connection.onRequest(relinkCodingsRequest, async (p) => (await settled(), relinkCodings(ws!, p, isOpen)));
connection.onRequest(deleteCodingsOfDocRequest, async (p) => (await settled(), deleteCodingsOfDoc(ws!, p, isOpen)));

// Codebook work: rename (F2 and the tree), merge, move, group, delete, describe, colour, export.
connection.onPrepareRename(async (p) => (await settled(), ws ? prepareRename(ws, p) : null));
connection.onRenameRequest(async (p) => (await settled(), ws ? rename(ws, p, versionOf) : null));
connection.onCodeAction(async (p) => (await settled(), ws ? codeActions(ws, p, versionOf) : []));
connection.onRequest(importPreviewRequest, async (p) => (await settled(), importPreview(ws!, p)));
connection.onRequest(importTranscriptsRequest, async (p) => (await settled(), importTranscripts(ws!, p, versionOf)));
connection.onRequest(informantsRequest, async () => (await settled(), informants(ws!)));
connection.onRequest(setInformantAttributeRequest, async (p) => (await settled(), setAttribute(ws!, p, versionOf)));
connection.onRequest(formatQuoteRequest, async (p) => (await settled(), formatQuoteRequestHandler(ws!, p)));
connection.onRequest(quotableSegmentsRequest, async () => (await settled(), quotableSegments(ws!)));
connection.onRequest(exportQuotesRequest, async (p) => (await settled(), exportQuotes(ws!, p)));
connection.onRequest(renameItemRequest, async (p) => (await settled(), renameItemHandler(ws!, p, versionOf)));
connection.onRequest(mergeCodesRequest, async (p) => (await settled(), mergeCodesHandler(ws!, p, versionOf)));
connection.onRequest(moveItemsRequest, async (p) => (await settled(), moveItemsHandler(ws!, p, versionOf)));
connection.onRequest(newCategoryRequest, async (p) => (await settled(), newCategoryHandler(ws!, p, versionOf)));
connection.onRequest(deleteCodeRequest, async (p) => (await settled(), deleteCodeHandler(ws!, p, versionOf)));
connection.onRequest(setDescriptionRequest, async (p) => (await settled(), setDescriptionHandler(ws!, p, versionOf)));
connection.onRequest(setColorRequest, async (p) => (await settled(), setColorHandler(ws!, p, versionOf)));
connection.onRequest(exportCodebookRequest, async (p) => (await settled(), exportCodebookHandler(ws!, p)));
const openText = (uri: string): string | undefined => openDocuments.get(uri)?.getText();
connection.onRequest(matrixRequest, async (p) => (await settled(), matrix(ws!, p)));
connection.onRequest(matrixCellRequest, async (p) => (await settled(), matrixCell(ws!, p)));
connection.onRequest(disagreementsRequest, async (p) => (await settled(), disagreements(ws!, p, openText)));
connection.onRequest(disagreementStepRequest, async (p) => (await settled(), disagreementStep(ws!, p, openText)));
connection.onRequest(agreementSummaryRequest, async (p) => (await settled(), agreementSummary(ws!, p, openText)));
connection.onRequest(settleDisagreementRequest, async (p) => (await settled(), settle(ws!, p, versionOf, openText)));

connection.listen();
