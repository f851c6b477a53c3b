// Quotes into chapters: "Insert Quote into Chapter" on a segment in the Codebook tree, the
// "Find Coded Segment…" quick pick, dragging segments from the tree into a chapter editor, and
// exporting the quote bank. The server formats every quote (qda/formatQuote): style, informant,
// ellipses and anchor come from the project, never from here.
import * as vscode from 'vscode';
import { exportQuotesRequest, formatQuoteRequest, quotableSegmentsRequest, type QuotableSegment, type SegmentInfo } from '../../server/src/protocol';
import type { QdaConnection } from './connection';
import type { CodebookElement } from './codebookTree';

/** MIME type of segments dragged from the Codebook tree (JSON: [{ id }]). */
export const SEGMENT_MIME = 'application/vnd.code.tree.qda.codebook.segment';

interface SegmentArg {
  id: string;
}

function segmentIdsOf(arg: unknown): string[] {
  if (!arg || typeof arg !== 'object') return [];
  const a = arg as { kind?: string; segment?: SegmentInfo; id?: string };
  if (a.kind === 'segment' && a.segment) return [a.segment.id];
  if (typeof a.id === 'string' && a.kind === undefined) return [a.id];
  return [];
}

/** Remembers the markdown editors the user worked in, most recent first. */
class RecentEditors implements vscode.Disposable {
  private readonly uris: string[] = [];
  private readonly subscription: vscode.Disposable;

  constructor() {
    const note = (e: vscode.TextEditor | undefined): void => {
      if (!e || e.document.languageId !== 'markdown') return;
      const uri = e.document.uri.toString();
      const i = this.uris.indexOf(uri);
      if (i !== -1) this.uris.splice(i, 1);
      this.uris.unshift(uri);
      this.uris.length = Math.min(this.uris.length, 10);
    };
    note(vscode.window.activeTextEditor);
    this.subscription = vscode.window.onDidChangeActiveTextEditor(note);
  }

  /** Visible editors first (in recency order), then the other recent ones. */
  candidates(): vscode.TextEditor[] {
    const visible = vscode.window.visibleTextEditors;
    const out: vscode.TextEditor[] = [];
    for (const uri of this.uris) {
      const e = visible.find((v) => v.document.uri.toString() === uri);
      if (e) out.push(e);
    }
    return out;
  }

  recentUris(): string[] {
    return [...this.uris];
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

export class QuoteFeatures implements vscode.Disposable, vscode.TreeDragAndDropController<CodebookElement>, vscode.DocumentDropEditProvider {
  readonly dragMimeTypes = [SEGMENT_MIME, 'text/plain'];
  readonly dropMimeTypes: string[] = [];
  private readonly recent = new RecentEditors();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly connection: QdaConnection) {
    this.disposables.push(
      this.recent,
      vscode.commands.registerCommand('qda.segmentInsertQuote', (arg?: unknown, selected?: unknown[]) => this.insertFromTree(arg, selected)),
      vscode.commands.registerCommand('qda.segmentFind', () => this.findSegment()),
      vscode.commands.registerCommand('qda.quotesExport', () => this.exportBank()),
      vscode.languages.registerDocumentDropEditProvider({ language: 'markdown' }, this),
    );
  }

  // ---- inserting -------------------------------------------------------------------------

  /** The chapter editor a quote goes into: the most recent visible markdown editor that is a chapter. */
  private async targetFor(id: string): Promise<{ editor: vscode.TextEditor; text: string } | { error: string }> {
    for (const editor of this.recent.candidates()) {
      const result = await this.connection.request(formatQuoteRequest, { id, uri: editor.document.uri.toString(), position: editor.selection.active });
      if (!result.chapter) continue;
      if (result.error || result.text === undefined) return { error: result.error ?? vscode.l10n.t('The quote could not be formatted.') };
      return { editor, text: result.text };
    }
    return { error: vscode.l10n.t('Open a chapter (a Markdown file under "chapters" in qda.yaml) and place the cursor where the quote should go, then try again.') };
  }

  private async insert(ids: string[]): Promise<boolean> {
    let inserted = 0;
    for (const id of ids) {
      const target = await this.targetFor(id);
      if ('error' in target) {
        void vscode.window.showWarningMessage(target.error);
        break;
      }
      const { editor, text } = target;
      const ok = await editor.edit((b) => b.replace(editor.selection, text));
      if (!ok) break;
      inserted++;
      await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, selection: editor.selection, preserveFocus: false });
    }
    return inserted > 0;
  }

  private async insertFromTree(arg?: unknown, selected?: unknown[]): Promise<void> {
    const ids = (selected && selected.length > 0 ? selected : [arg]).flatMap(segmentIdsOf);
    if (ids.length === 0) {
      await this.findSegment();
      return;
    }
    await this.insert(ids);
  }

  private async findSegment(): Promise<void> {
    let segments: QuotableSegment[];
    try {
      segments = await this.connection.request(quotableSegmentsRequest, {});
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not read the coded segments: {0}', err instanceof Error ? err.message : String(err)));
      return;
    }
    if (segments.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No coded segments yet. Code a passage in a transcript first.'));
      return;
    }
    type Item = vscode.QuickPickItem & { segment: QuotableSegment };
    const items: Item[] = segments.map((s) => ({
      label: oneLine(s.text, 110),
      description: [s.informants.join(', ') || vscode.l10n.t('no informant'), s.code].join(' · '),
      detail: [s.categoryPath.join(' › '), vscode.workspace.asRelativePath(vscode.Uri.parse(s.uri), false), s.quotedIn.length > 0 ? vscode.l10n.t('quoted in {0}', s.quotedIn.join(', ')) : ''].filter((x) => x).join(' · '),
      segment: s,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Find Coded Segment'),
      placeHolder: vscode.l10n.t('Search by words, code, category or informant; Enter inserts the quote into the chapter'),
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked) return;
    if (this.recent.candidates().length === 0) {
      const uri = vscode.Uri.parse(picked.segment.uri);
      const r = picked.segment.range;
      await vscode.window.showTextDocument(uri, { selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) });
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a chapter and run this again to insert the quote there.'));
      return;
    }
    await this.insert([picked.segment.id]);
  }

  // ---- drag and drop ---------------------------------------------------------------------

  handleDrag(source: readonly CodebookElement[], dataTransfer: vscode.DataTransfer): void {
    const ids: SegmentArg[] = source.filter((e) => e.kind === 'segment').map((e) => ({ id: (e as { segment: SegmentInfo }).segment.id }));
    if (ids.length === 0) return;
    dataTransfer.set(SEGMENT_MIME, new vscode.DataTransferItem(JSON.stringify(ids)));
    const texts = source.filter((e) => e.kind === 'segment').map((e) => (e as { segment: SegmentInfo }).segment.text);
    dataTransfer.set('text/plain', new vscode.DataTransferItem(texts.join('\n\n')));
  }

  async provideDocumentDropEdits(document: vscode.TextDocument, position: vscode.Position, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<vscode.DocumentDropEdit | undefined> {
    const item = dataTransfer.get(SEGMENT_MIME);
    if (!item) return undefined;
    let ids: SegmentArg[];
    try {
      ids = JSON.parse(await item.asString()) as SegmentArg[];
    } catch {
      return undefined;
    }
    const parts: string[] = [];
    for (const { id } of ids) {
      if (token.isCancellationRequested) return undefined;
      const result = await this.connection.request(formatQuoteRequest, { id, uri: document.uri.toString(), position }, token);
      if (!result.chapter) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Quotes go into chapters (Markdown files under "chapters" in qda.yaml).'));
        return undefined;
      }
      if (result.error || result.text === undefined) {
        void vscode.window.showWarningMessage(result.error ?? vscode.l10n.t('The quote could not be formatted.'));
        return undefined;
      }
      parts.push(result.text);
    }
    if (parts.length === 0) return undefined;
    return new vscode.DocumentDropEdit(parts.join(''));
  }

  // ---- the quote bank --------------------------------------------------------------------

  private async exportBank(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return;
    const word = vscode.l10n.t('Word document (.docx)');
    const markdown = vscode.l10n.t('Markdown (.md)');
    const choice = await vscode.window.showQuickPick([word, markdown], { title: vscode.l10n.t('Export Quote Bank') });
    if (!choice) return;
    const format = choice === word ? 'docx' : 'md';
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder.uri, format === 'docx' ? 'quote-bank.docx' : 'quote-bank.md'),
      filters: format === 'docx' ? { [word]: ['docx'] } : { [markdown]: ['md'] },
    });
    if (!target) return;
    const result = await this.connection.request(exportQuotesRequest, { format });
    if (result.error) {
      void vscode.window.showErrorMessage(result.error);
      return;
    }
    const bytes = format === 'docx' ? Buffer.from(result.base64 ?? '', 'base64') : Buffer.from(result.text ?? '', 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    const open = vscode.l10n.t('Open');
    const what = result.segments === 1 ? vscode.l10n.t('1 coded segment') : vscode.l10n.t('{0} coded segments', result.segments);
    const answer = await vscode.window.showInformationMessage(vscode.l10n.t('Wrote {0} ({1}).', vscode.workspace.asRelativePath(target, false), what), open);
    if (answer === open) await vscode.commands.executeCommand('vscode.open', target);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** One call from extension.ts: registers the quote commands and returns the tree's drag controller. */
export function registerQuotes(context: vscode.ExtensionContext, connection: QdaConnection): QuoteFeatures {
  const features = new QuoteFeatures(connection);
  context.subscriptions.push(features);
  return features;
}
