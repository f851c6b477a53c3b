// The language client and the few things every part of the extension needs from it: typed
// requests that wait until the server runs, the qda/ready and qda/indexChanged notifications
// as VS Code events, and the protocol <-> vscode type converters.
import * as vscode from 'vscode';
import {
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type RequestType,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  indexChangedNotification,
  loadDocumentsRequest,
  type LoadDocumentsParams,
  readyNotification,
  type IndexChangedParams,
  type InitializationOptions,
  type ReadyParams,
} from '../../server/src/protocol';
import type { ProvideRenameEditsSignature } from 'vscode-languageclient';

/** The client id: VS Code reads the `qda.trace.server` setting through it. */
const CLIENT_ID = 'qda';

export class QdaConnection implements vscode.Disposable {
  /** Resolves on the first qda/ready notification; rejects when the server cannot start. */
  readonly ready: Promise<void>;
  private readonly indexChangedEmitter = new vscode.EventEmitter<IndexChangedParams>();
  /** The index changed (after edits, saves, outside changes) or was rebuilt after a restart. */
  readonly onIndexChanged = this.indexChangedEmitter.event;
  private languageClient: LanguageClient | undefined;
  private started: Promise<void> | undefined;
  private resolveReady!: () => void;
  private rejectReady!: (reason: unknown) => void;
  private isReady = false;
  /** qda/ready notifications so far: one per (re)start of the server, once its index is built. */
  readyCount = 0;
  /**
   * Whether the folder is a Thesis QDA project (qda.yaml or codebook.md at its root). Until it
   * is, no server runs: a server on an arbitrary folder would index it with default settings
   * and offer coding in files that belong to nothing (a half-working extension).
   */
  hasProject = true;
  private projectFoundGate: Promise<void> = Promise.resolve();
  private resolveProjectFound: () => void = () => undefined;
  private offeredProject = false;
  private readonly projectFoundEmitter = new vscode.EventEmitter<void>();
  /** The folder became a project (New Thesis Project…, `qda init`, a qda.yaml written by hand). */
  readonly onDidFindProject = this.projectFoundEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.OutputChannel,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Callers that never await `ready` must not produce unhandled-rejection noise.
    this.ready.catch(() => undefined);
  }

  /**
   * The language client, made on first use: activation registers the Codebook view first and
   * only then pays for building the client (its ~40 protocol features).
   */
  get client(): LanguageClient {
    this.languageClient ??= this.createClient();
    return this.languageClient;
  }

  private createClient(): LanguageClient {
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(),
      outputChannel: this.output,
      traceOutputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // F2 through the server's commit protocol (lspEdits.ts, which sets renameEdits).
      middleware: {
        provideRenameEdits: (document, position, newName, token, next) =>
          this.renameEdits ? this.renameEdits(document, position, newName, token) : next(document, position, newName, token),
      },
      // A function, so a restart after a change of `qda.coder` sends the new value.
      // The l10n bundle too: the server's refusals and quick fixes come in the editor's language.
      initializationOptions: (): InitializationOptions => {
        const coder = vscode.workspace.getConfiguration('qda').get<string>('coder', '').trim();
        const l10n = vscode.l10n.bundle;
        return { ...(coder ? { coder } : {}), ...(l10n ? { l10n } : {}) };
      },
    };
    const client = new LanguageClient(CLIENT_ID, 'Thesis QDA', serverOptions, clientOptions);
    // Handlers registered before start() stay registered across restarts.
    client.onNotification(readyNotification, (p: ReadyParams) => {
      this.output.appendLine(
        vscode.l10n.t('Index ready: {0} documents, {1} codes, {2} codings in {3} ms.', p.documents, p.codes, p.codings, p.millis),
      );
      this.readyCount++;
      if (!this.isReady) {
        this.isReady = true;
        this.resolveReady();
      } else {
        // A restarted server rebuilt its index: everything shown may be stale.
        this.indexChangedEmitter.fire({ version: -1, uris: [] });
      }
    });
    client.onNotification(indexChangedNotification, (p: IndexChangedParams) => this.indexChangedEmitter.fire(p));
    client.onRequest(loadDocumentsRequest, loadDocuments);
    return client;
  }

  /** Called at activation when the folder is not a project yet: start() waits for projectFound(). */
  waitForProject(): void {
    this.hasProject = false;
    this.projectFoundGate = new Promise<void>((resolve) => (this.resolveProjectFound = resolve));
    void vscode.commands.executeCommand('setContext', 'qda.noProject', true);
  }

  /** The folder is a project now: the server starts and every view reloads. */
  projectFound(): void {
    if (this.hasProject) return;
    this.hasProject = true;
    void vscode.commands.executeCommand('setContext', 'qda.noProject', false);
    this.resolveProjectFound();
    void this.start().catch(() => undefined);
    // Views and decorations asked nothing while there was no project: let them load now.
    void this.ready.then(() => this.indexChangedEmitter.fire({ version: -1, uris: [] }), () => undefined);
    this.projectFoundEmitter.fire();
  }

  /** Starts the server once (once the folder is a project); later calls return the same promise. */
  start(): Promise<void> {
    if (!this.hasProject) {
      this.offerProject();
      return this.projectFoundGate.then(() => this.start());
    }
    this.started ??= this.client.start().catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      this.output.appendLine(vscode.l10n.t('The Thesis QDA language server could not start: {0}', message));
      void vscode.commands.executeCommand('setContext', 'qda.serverFailed', true);
      this.rejectReady(err);
      throw err;
    });
    return this.started;
  }

  /** Whether the language client runs (initialised; its open documents sent to the server). */
  get running(): boolean {
    return this.languageClient?.isRunning() ?? false;
  }

  async restart(): Promise<void> {
    if (!this.started) return this.start();
    await this.started.catch(() => undefined);
    await this.client.restart();
    this.restartCount++;
  }

  /** F2's provider: the server's edit, with its codings committed once VS Code applied it (lspEdits.ts). */
  renameEdits: ProvideRenameEditsSignature | undefined;

  /** Restarts completed (the new client running, its open documents sent). */
  restartCount = 0;

  /** Sends a request once the server has built its first index. */
  async request<P, R>(type: RequestType<P, R, void>, params: P, token?: vscode.CancellationToken): Promise<R> {
    await this.start();
    await this.ready;
    return this.client.sendRequest(type, params, token);
  }

  get p2c() {
    return this.client.protocol2CodeConverter;
  }

  get c2p() {
    return this.client.code2ProtocolConverter;
  }

  /** Once per session, when something needs the server in a folder that is no project. */
  private offerProject(): void {
    if (this.offeredProject) return;
    this.offeredProject = true;
    const create = vscode.l10n.t('New Thesis Project…');
    void vscode.window
      .showInformationMessage(vscode.l10n.t('This folder is not a Thesis QDA project yet (it has no qda.yaml). Start one here?'), create)
      .then((choice) => (choice === create ? vscode.commands.executeCommand('qda.projectNew') : undefined));
  }

  dispose(): void {
    this.indexChangedEmitter.dispose();
    this.projectFoundEmitter.dispose();
  }

  async stop(): Promise<void> {
    if (this.started && this.languageClient?.isRunning()) await this.languageClient.stop();
  }
}

/**
 * The documents the server is told about: the workspace's Markdown and plain-text files (the
 * transcripts, codebook, memos and chapters) and its codings files, on disk only.
 */
function documentSelector(): DocumentSelector {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    return [
      { scheme: 'file', language: 'markdown' },
      { scheme: 'file', language: 'plaintext' },
      { scheme: 'file', pattern: '**/.qda/codings/**/*.jsonl' },
    ];
  }
  // vscode.languages.match() (which the client uses to pick documents) understands a
  // vscode.RelativePattern; the protocol type only knows its serialisable cousin.
  const inFolder = (folder: vscode.WorkspaceFolder, glob: string) => new vscode.RelativePattern(folder, glob) as unknown as string;
  return folders.flatMap((folder) => [
    { scheme: 'file', language: 'markdown', pattern: inFolder(folder, '**/*') },
    { scheme: 'file', language: 'plaintext', pattern: inFolder(folder, '**/*') },
    { scheme: 'file', pattern: inFolder(folder, '.qda/codings/**/*.jsonl') },
  ]);
}

/** qda/loadDocuments: loads codings files (no editor shown) before the server first writes them. */
async function loadDocuments(p: LoadDocumentsParams): Promise<void> {
  for (const uri of p.uris) {
    try {
      await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    } catch {
      // Not loadable (too large, gone): the server writes it all the same.
    }
  }
  // The language client sends each didOpen a few promise steps after the open; let them go
  // out before this reply, so the server sees the open before it writes.
  await new Promise((resolve) => setTimeout(resolve, 0));
}
