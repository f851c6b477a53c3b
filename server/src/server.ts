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
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { NodeFileSystem } from './core/nodeFs';
import { Project } from './core/project';
import { ServerWorkspace } from './workspace';
import { DiagnosticsPublisher } from './features/diagnostics';
import { hover } from './features/hover';
import { definition } from './features/definition';
import { references } from './features/references';
import { completion } from './features/completion';
import { workspaceSymbols } from './features/workspaceSymbols';
import { codebookTree, codeSummaries, documentCodings, segments } from './features/codebookTree';
import { codeSelection, uncodeSelection } from './features/codingCommands';
import {
  codeSelectionRequest,
  codeSummariesRequest,
  codebookTreeRequest,
  documentCodingsRequest,
  indexChangedNotification,
  readyNotification,
  segmentsRequest,
  uncodeSelectionRequest,
  type InitializationOptions,
} from './protocol';

const connection = createConnection(ProposedFeatures.all);
const openDocuments = new Map<string, TextDocument>();
let ws: ServerWorkspace | undefined;
let diagnostics: DiagnosticsPublisher | undefined;
let ready: Promise<void> = Promise.resolve();
let changedUris = new Set<string>();
let changeTimer: NodeJS.Timeout | undefined;

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
  });
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      completionProvider: { triggerCharacters: ['['] },
      workspaceSymbolProvider: true,
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

async function updateFromEditor(uri: string, text: string | undefined): Promise<void> {
  await ready;
  if (!ws) return;
  const path = ws.pathOf(uri);
  if (!path) return;
  if (await ws.project.update(path, text)) noteChanged(uri);
}

async function updateFromDisk(uri: string): Promise<void> {
  await ready;
  if (!ws) return;
  const path = ws.pathOf(uri);
  if (!path) return;
  const text = await ws.project.fs.readText(path);
  if (await ws.project.update(path, text)) noteChanged(uri);
}

connection.onDidOpenTextDocument((p) => {
  const doc = TextDocument.create(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text);
  openDocuments.set(doc.uri, doc);
  void updateFromEditor(doc.uri, doc.getText());
});

connection.onDidChangeTextDocument((p) => {
  const doc = openDocuments.get(p.textDocument.uri);
  if (!doc) return;
  const updated = TextDocument.update(doc, p.contentChanges, p.textDocument.version);
  openDocuments.set(doc.uri, updated);
  void updateFromEditor(doc.uri, updated.getText());
});

connection.onDidCloseTextDocument((p) => {
  openDocuments.delete(p.textDocument.uri);
  // Unsaved edits are discarded with the editor: the disk is the truth again.
  void updateFromDisk(p.textDocument.uri);
});

connection.onDidChangeWatchedFiles((p) => {
  for (const change of p.changes) {
    if (openDocuments.has(change.uri)) continue; // the editor's text wins while it is open
    if (change.type === FileChangeType.Deleted) void updateFromEditor(change.uri, undefined);
    else void updateFromDisk(change.uri);
  }
});

const versionOf = (uri: string): number | null => openDocuments.get(uri)?.version ?? null;

connection.onHover(async (p) => (await ready, ws ? hover(ws, p) : null));
connection.onDefinition(async (p) => (await ready, ws ? definition(ws, p) : null));
connection.onReferences(async (p) => (await ready, ws ? references(ws, p) : []));
connection.onCompletion(async (p) => (await ready, ws ? completion(ws, p) : null));
connection.onWorkspaceSymbol(async (p) => (await ready, ws ? workspaceSymbols(ws, p) : []));

connection.onRequest(codebookTreeRequest, async () => (await ready, codebookTree(ws!)));
connection.onRequest(segmentsRequest, async (p) => (await ready, segments(ws!, p)));
connection.onRequest(codeSummariesRequest, async () => (await ready, codeSummaries(ws!)));
connection.onRequest(documentCodingsRequest, async (p) => (await ready, documentCodings(ws!, p.uri)));
connection.onRequest(codeSelectionRequest, async (p) => (await ready, codeSelection(ws!, p, versionOf)));
connection.onRequest(uncodeSelectionRequest, async (p) => (await ready, uncodeSelection(ws!, p, versionOf)));

connection.listen();
