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
  readyNotification,
  type IndexChangedParams,
  type InitializationOptions,
  type ReadyParams,
} from '../../server/src/protocol';
import { fileRenameMiddleware } from './fileRenames';

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
      // Codings follow a transcript renamed in the explorer; the edited files are saved after it.
      middleware: { workspace: fileRenameMiddleware },
      // A function, so a restart after a change of `qda.coder` sends the new value.
      initializationOptions: (): InitializationOptions => {
        const coder = vscode.workspace.getConfiguration('qda').get<string>('coder', '').trim();
        return coder ? { coder } : {};
      },
    };
    const client = new LanguageClient(CLIENT_ID, 'Thesis QDA', serverOptions, clientOptions);
    // Handlers registered before start() stay registered across restarts.
    client.onNotification(readyNotification, (p: ReadyParams) => {
      this.output.appendLine(
        vscode.l10n.t('Index ready: {0} documents, {1} codes, {2} codings in {3} ms.', p.documents, p.codes, p.codings, p.millis),
      );
      if (!this.isReady) {
        this.isReady = true;
        this.resolveReady();
      } else {
        // A restarted server rebuilt its index: everything shown may be stale.
        this.indexChangedEmitter.fire({ version: -1, uris: [] });
      }
    });
    client.onNotification(indexChangedNotification, (p: IndexChangedParams) => this.indexChangedEmitter.fire(p));
    return client;
  }

  /** Starts the server once; later calls return the same promise. */
  start(): Promise<void> {
    this.started ??= this.client.start().catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      this.output.appendLine(vscode.l10n.t('The Thesis QDA language server could not start: {0}', message));
      void vscode.commands.executeCommand('setContext', 'qda.serverFailed', true);
      this.rejectReady(err);
      throw err;
    });
    return this.started;
  }

  async restart(): Promise<void> {
    if (!this.started) return this.start();
    await this.started.catch(() => undefined);
    await this.client.restart();
  }

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

  dispose(): void {
    this.indexChangedEmitter.dispose();
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
