// Coded passages painted in their code's colour: one decoration type per colour, with a
// semi-transparent background (overlapping codings stay visible as a darker mix) and a mark in
// the overview ruler. Fed by qda/documentCodings for every visible editor; refreshed when the
// index changes, when editors come and go and (debounced) while a document is edited.
// Orphaned codings (not placed in the current text) are not painted: their diagnostic says why.
import * as vscode from 'vscode';
import { documentCodingsRequest, type DocumentCoding } from '../../server/src/protocol';
import type { QdaConnection } from './connection';
import { isHexColor } from './swatches';

const EDIT_DEBOUNCE_MS = 250;
const INDEX_DEBOUNCE_MS = 60;

/** `#rgb`, `#rrggbb` (or with alpha) → `#rrggbb` + the given alpha byte; other colours unchanged. */
export function withAlpha(color: string, alpha: string): string {
  if (!isHexColor(color)) return color;
  let hex = color.slice(1);
  if (hex.length === 3 || hex.length === 4) hex = [...hex.slice(0, 3)].map((c) => c + c).join('');
  return `#${hex.slice(0, 6)}${alpha}`;
}

export class CodingDecorations implements vscode.Disposable {
  private readonly types = new Map<string, vscode.TextEditorDecorationType>();
  /** Painted ranges per document URI (what the test API reports). */
  private readonly painted = new Map<string, { byColor: Map<string, vscode.Range[]>; all: vscode.Range[] }>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  private readonly generation = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly connection: QdaConnection) {
    this.subscriptions.push(
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        // Paint what is known at once (a re-shown editor starts bare), then ask again.
        for (const editor of editors) this.paintCached(editor);
        this.refreshVisible(0);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && this.isVisible(e.document)) this.schedule(e.document.uri.toString(), EDIT_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.painted.delete(doc.uri.toString())),
      connection.onIndexChanged((p) => {
        // A changed codings file, codebook (colours) or qda.yaml can move the paint of any
        // transcript, so anything but visible transcripts themselves refreshes all of them.
        const visible = this.visibleUris();
        if (p.uris.length === 0 || p.uris.some((uri) => !visible.has(uri))) this.refreshVisible(INDEX_DEBOUNCE_MS);
        else for (const uri of p.uris) this.schedule(uri, INDEX_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('qda.decorations.enabled')) this.refreshVisible(0);
      }),
    );
    void connection.ready.then(() => this.refreshVisible(0), () => undefined);
  }

  /** The ranges currently painted in this editor's document. */
  rangesFor(editor: vscode.TextEditor): vscode.Range[] {
    return [...(this.painted.get(editor.document.uri.toString())?.all ?? [])];
  }

  private enabled(): boolean {
    return vscode.workspace.getConfiguration('qda').get<boolean>('decorations.enabled', true);
  }

  private isCandidate(doc: vscode.TextDocument): boolean {
    return doc.uri.scheme === 'file' && (doc.languageId === 'markdown' || doc.languageId === 'plaintext');
  }

  private isVisible(doc: vscode.TextDocument): boolean {
    return vscode.window.visibleTextEditors.some((e) => e.document === doc);
  }

  private visibleUris(): Set<string> {
    return new Set(vscode.window.visibleTextEditors.filter((e) => this.isCandidate(e.document)).map((e) => e.document.uri.toString()));
  }

  private refreshVisible(delay: number): void {
    for (const uri of this.visibleUris()) this.schedule(uri, delay);
  }

  /** Updates a document after `delay` ms; a later update already due (while typing) wins. */
  private schedule(uri: string, delay: number): void {
    const due = Date.now() + delay;
    const pending = this.timers.get(uri);
    if (pending) {
      if (pending.due >= due) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      void this.update(uri);
    }, delay);
    this.timers.set(uri, { timer, due });
  }

  private async update(uri: string): Promise<void> {
    const generation = (this.generation.get(uri) ?? 0) + 1;
    this.generation.set(uri, generation);
    let codings: DocumentCoding[] = [];
    if (this.enabled()) {
      try {
        codings = await this.connection.request(documentCodingsRequest, { uri });
      } catch (err) {
        this.connection.output.appendLine(vscode.l10n.t('Could not read the codings of {0}: {1}', uri, err instanceof Error ? err.message : String(err)));
        return;
      }
    }
    // A newer request for this document was sent meanwhile: its answer wins.
    if (this.generation.get(uri) !== generation) return;
    const byColor = new Map<string, vscode.Range[]>();
    const all: vscode.Range[] = [];
    for (const c of codings) {
      if (!c.anchored) continue;
      const range = this.connection.p2c.asRange(c.range);
      const list = byColor.get(c.color) ?? [];
      list.push(range);
      byColor.set(c.color, list);
      all.push(range);
    }
    const previous = this.painted.get(uri);
    this.painted.set(uri, { byColor, all });
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== uri) continue;
      for (const [color, ranges] of byColor) editor.setDecorations(this.typeFor(color), ranges);
      // Colours painted before but no longer used in this document.
      for (const color of previous?.byColor.keys() ?? []) {
        if (!byColor.has(color)) editor.setDecorations(this.typeFor(color), []);
      }
    }
  }

  private paintCached(editor: vscode.TextEditor): void {
    const known = this.painted.get(editor.document.uri.toString());
    if (!known) return;
    for (const [color, ranges] of known.byColor) editor.setDecorations(this.typeFor(color), ranges);
  }

  private typeFor(color: string): vscode.TextEditorDecorationType {
    let type = this.types.get(color);
    if (!type) {
      type = vscode.window.createTextEditorDecorationType({
        backgroundColor: withAlpha(color, '38'),
        overviewRulerColor: withAlpha(color, 'cc'),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      });
      this.types.set(color, type);
    }
    return type;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t.timer);
    for (const t of this.types.values()) t.dispose();
    for (const d of this.subscriptions) d.dispose();
  }
}
