// A minimal editor for tests: spawns the built server over stdio and speaks LSP to it, the
// way VS Code's language client does (initialize, open documents, apply returned edits).
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { cpSync, mkdtempSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { InitializeRequest, InitializedNotification, PublishDiagnosticsNotification, DidOpenTextDocumentNotification, DidChangeWatchedFilesNotification, FileChangeType, RegistrationRequest, ShutdownRequest, ExitNotification, type Diagnostic, type WorkspaceEdit, type TextEdit } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { LineIndex } from '../../server/src/core/text/text';
import { commitEditRequest, readyNotification, type EditResult } from '../../server/src/protocol';

export const SERVER = path.resolve(__dirname, '../../../dist/server.js');

export class TestEditor {
  readonly connection: ProtocolConnection;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** How many times each file's diagnostics were published. */
  readonly diagnosticsSent = new Map<string, number>();
  readonly ready: Promise<unknown>;
  private readonly versions = new Map<string, number>();
  private stderr = '';

  private constructor(readonly root: string, private readonly child: ChildProcess) {
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.diagnosticsSent.set(p.uri, (this.diagnosticsSent.get(p.uri) ?? 0) + 1);
    });
    this.connection.onRequest(RegistrationRequest.type, () => null);
    // The server's own log lines (errors it caught), shown when a wait fails.
    this.connection.onNotification('window/logMessage', (p: { message: string }) => (this.stderr += p.message + '\n'));
    this.ready = new Promise((resolve) =>
      this.connection.onNotification(readyNotification, (p) => {
        this.isReady = true;
        resolve(p);
      }),
    );
    this.connection.listen();
  }

  /**
   * `env`: extra environment variables for the server (e.g. QDA_TIMINGS); `init`: more
   * initializationOptions (e.g. the l10n bundle the extension sends in Norwegian).
   */
  static async start(root: string, coder = 'anna', env: Record<string, string> = {}, init: Record<string, unknown> = {}): Promise<TestEditor> {
    const editor = await TestEditor.launch(root, coder, env, init);
    await editor.ready;
    return editor;
  }

  /**
   * Initialises the server and returns at once, while it is still loading the project (as
   * VS Code does: it restores open editors and sends their events without waiting).
   * `isReady` says whether qda/ready has arrived yet.
   */
  static async launch(root: string, coder = 'anna', env: Record<string, string> = {}, init: Record<string, unknown> = {}): Promise<TestEditor> {
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const editor = new TestEditor(root, child);
    await editor.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: editor.uri(''),
      workspaceFolders: [{ uri: editor.uri(''), name: 'test' }],
      capabilities: { workspace: { workspaceEdit: { documentChanges: true } } },
      initializationOptions: { coder, ...init },
    });
    await editor.connection.sendNotification(InitializedNotification.type, {});
    return editor;
  }

  /** Whether the server has said qda/ready (its index is loaded). */
  isReady = false;

  /** What the server wrote to stderr so far, and its log messages. */
  get log(): string {
    return this.stderr;
  }

  uri(rel: string): string {
    return URI.file(path.join(this.root, rel)).toString();
  }

  async open(rel: string): Promise<string> {
    const text = await fsp.readFile(path.join(this.root, rel), 'utf8');
    this.versions.set(rel, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: this.uri(rel), languageId: rel.endsWith('.md') ? 'markdown' : 'plaintext', version: 1, text } });
    return text;
  }

  /** Applies a WorkspaceEdit to the files on disk (as VS Code does, then saves) and tells the server. */
  async applyAndSave(edit: WorkspaceEdit): Promise<void> {
    const changed: string[] = [];
    const events: Array<{ uri: string; type: FileChangeType }> = [];
    for (const change of edit.documentChanges ?? []) {
      if ('kind' in change) {
        if (change.kind === 'create') {
          const p = URI.parse(change.uri).fsPath;
          await fsp.mkdir(path.dirname(p), { recursive: true });
          await fsp.writeFile(p, '', { flag: 'a' });
        } else if (change.kind === 'rename') {
          const to = URI.parse(change.newUri).fsPath;
          await fsp.mkdir(path.dirname(to), { recursive: true });
          await fsp.rename(URI.parse(change.oldUri).fsPath, to);
          events.push({ uri: change.oldUri, type: FileChangeType.Deleted }, { uri: change.newUri, type: FileChangeType.Created });
        } else if (change.kind === 'delete') {
          await fsp.rm(URI.parse(change.uri).fsPath, { force: true });
          events.push({ uri: change.uri, type: FileChangeType.Deleted });
        }
        continue;
      }
      const p = URI.parse(change.textDocument.uri).fsPath;
      const text = await fsp.readFile(p, 'utf8');
      await fsp.writeFile(p, applyTextEdits(text, change.edits as TextEdit[]));
      changed.push(change.textDocument.uri);
    }
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [...events, ...changed.map((uri) => ({ uri, type: FileChangeType.Changed }))] });
  }

  /**
   * Applies an operation's reply as the extension does: its WorkspaceEdit (the user's files) to
   * disk, then — when the operation also changes the server's own files — the commit, after
   * which the server writes those itself. Returns the commit's reply (or the reply itself).
   */
  async applyResult(result: Pick<EditResult, 'edit' | 'commit'>): Promise<EditResult> {
    if (result.edit) await this.applyAndSave(result.edit);
    if (result.commit === undefined) return result;
    const committed = await this.connection.sendRequest(commitEditRequest, { commit: result.commit });
    if (committed.error) throw new Error(`commit refused: ${committed.error}`);
    return committed;
  }

  /** Renames (or moves) a file on disk outside the editor and tells the server, as a file watcher does. */
  async renameOnDisk(from: string, to: string, transform: (text: string) => string = (t) => t): Promise<void> {
    const text = await fsp.readFile(path.join(this.root, from), 'utf8');
    await fsp.mkdir(path.dirname(path.join(this.root, to)), { recursive: true });
    await fsp.writeFile(path.join(this.root, to), transform(text));
    await fsp.rm(path.join(this.root, from));
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: this.uri(from), type: FileChangeType.Deleted }, { uri: this.uri(to), type: FileChangeType.Created }],
    });
  }

  /** Waits until the server has published diagnostics for a file that satisfy `test`. */
  async waitForDiagnostics(rel: string, test: (d: Diagnostic[]) => boolean, timeoutMs = 5000): Promise<Diagnostic[]> {
    const uri = this.uri(rel);
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      const d = this.diagnostics.get(uri);
      if (d && test(d)) return d;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no matching diagnostics for ${rel}: ${JSON.stringify(this.diagnostics.get(uri))}\n${this.stderr}`);
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.child.kill();
        resolve();
      }, 2000);
      this.child.on('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.connection.dispose();
  }
}

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const li = new LineIndex(text);
  const offs = edits.map((e) => ({ start: li.offsetAt(e.range.start), end: li.offsetAt(e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of offs) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** The demo thesis (examples/demo-thesis), copied to a new folder under the system's temp dir. */
export function copyOfDemo(prefix: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  cpSync(path.resolve(__dirname, '../../../examples/demo-thesis'), root, { recursive: true });
  return root;
}

/** The server on a fresh project for a suite: started before it (or each test), stopped and the folder removed after. */
export interface ServerSuite {
  editor: TestEditor;
  root: string;
}

export function serverSuite(makeProject: () => Promise<string>, options: { each?: boolean; coder?: string; env?: Record<string, string>; init?: Record<string, unknown> } = {}): ServerSuite {
  const ctx = {} as ServerSuite;
  (options.each ? beforeEach : before)(async () => {
    ctx.root = await makeProject();
    ctx.editor = await TestEditor.start(ctx.root, options.coder, options.env, options.init);
  });
  (options.each ? afterEach : after)(async () => {
    await ctx.editor?.stop();
    if (ctx.root) await fsp.rm(ctx.root, { recursive: true, force: true });
  });
  return ctx;
}

/** The LSP position `delta` characters into the first occurrence of `needle` in `text`. */
export function positionIn(text: string, needle: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in the text`);
  return new LineIndex(text).positionAt(at + delta);
}
