// Coded passages painted in their code's colour: one decoration type per colour, with a
// semi-transparent background (overlapping codings stay visible as a darker mix) and a mark in
// the overview ruler. Fed by qda/documentPaint for every visible editor; refreshed when the
// index changes, when editors come and go and (debounced) while a document is edited. A document
// is asked for as soon as it opens, so its editor is painted from that answer when it shows. A
// refresh re-sends only the colours whose ranges changed (or that lie on lines edited since the
// last paint): one keystroke in a transcript with 5,000 codings re-sends a colour or two.
// Orphaned codings (not placed in the current text) are not painted: their diagnostic says why.
import * as vscode from 'vscode';
import { documentPaintRequest, type DocumentPaint } from '../../server/src/protocol';
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

/** One paint of a document, for the benchmark (bench/vscode): performance.now() times. */
export interface DecorationApply {
  uri: string;
  /** qda/documentPaint sent, answered, and every visible editor's setDecorations done
   * (a paint from the last answer, when an editor shows, has requested = answered). */
  requested: number;
  answered: number;
  applied: number;
  /** The synchronous part: ranges compared, converted and setDecorations called. */
  applyMs: number;
  /** Colours sent to setDecorations, of `colors` in the document; ranges painted in all. */
  colorsSet: number;
  colors: number;
  ranges: number;
  /** Editors painted (0: the document is not shown yet). */
  editors: number;
  cached: boolean;
}

/** A colour's ranges as the server sent them, flat (start line, start char, end line, end char)…, and as vscode Ranges. */
interface ColorPaint {
  flat: number[];
  ranges: vscode.Range[];
}

/** Lines edited since the last paint (current coordinates, inclusive). */
interface LineSpan {
  from: number;
  to: number;
}

function sameNumbers(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function touches(flat: number[], span: LineSpan | undefined): boolean {
  if (!span) return false;
  for (let i = 0; i < flat.length; i += 4) if (flat[i + 2] >= span.from && flat[i] <= span.to) return true;
  return false;
}

function toRanges(flat: number[]): vscode.Range[] {
  const out = new Array<vscode.Range>(flat.length / 4);
  for (let i = 0, j = 0; i < flat.length; i += 4, j++) out[j] = new vscode.Range(flat[i], flat[i + 1], flat[i + 2], flat[i + 3]);
  return out;
}

export class CodingDecorations implements vscode.Disposable {
  /** Counters and the last paint (read by the test API; no logging). */
  readonly stats = { applies: 0, maxApplyMs: 0, last: undefined as DecorationApply | undefined, recent: [] as DecorationApply[] };
  private readonly paintedEmitter = new vscode.EventEmitter<string>();
  /** A document's paint changed (its URI): the passage menu's context keys follow it. */
  readonly onDidPaint = this.paintedEmitter.event;
  private readonly types = new Map<string, vscode.TextEditorDecorationType>();
  /** Painted ranges per document URI (what the test API reports). */
  private readonly painted = new Map<string, Map<string, ColorPaint>>();
  private readonly edited = new Map<string, LineSpan>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  private readonly generation = new Map<string, number>();
  /** Documents with a qda/documentPaint request under way (its generation). */
  private readonly inFlight = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly connection: QdaConnection) {
    this.subscriptions.push(
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        // Paint what is known at once (a re-shown editor starts bare), then ask again, unless an
        // answer is on its way (asked for on open): it paints every visible editor when it lands.
        for (const editor of editors) this.paintCached(editor);
        for (const uri of this.visibleUris()) if (!this.inFlight.has(uri)) this.schedule(uri, 0);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        const uri = e.document.uri.toString();
        if (this.painted.has(uri)) this.markEdited(uri, e.contentChanges);
        if (this.isVisible(e.document)) this.schedule(uri, EDIT_DEBOUNCE_MS);
      }),
      // Asked for at once, so the editor that is about to show is painted from the answer.
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (this.isCandidate(doc) && this.enabled()) this.schedule(doc.uri.toString(), 0);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.painted.delete(doc.uri.toString());
        this.edited.delete(doc.uri.toString());
      }),
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
    return [...(this.painted.get(editor.document.uri.toString())?.values() ?? [])].flatMap((p) => p.ranges);
  }

  /** Widens the document's edited-lines span by these changes (a refresh re-sends colours on them). */
  private markEdited(uri: string, changes: readonly vscode.TextDocumentContentChangeEvent[]): void {
    let span = this.edited.get(uri);
    for (const ch of changes) {
      const first = ch.range.start.line;
      const last = ch.range.end.line;
      let added = 0;
      for (let i = ch.text.indexOf('\n'); i !== -1; i = ch.text.indexOf('\n', i + 1)) added++;
      if (!span) {
        span = { from: first, to: first + added };
        continue;
      }
      // Lines below the change move by the lines it added or removed.
      if (span.to > last) span.to += added - (last - first);
      span.from = Math.min(span.from, first);
      span.to = Math.max(span.to, first + added);
    }
    if (span) this.edited.set(uri, span);
  }

  private record(apply: DecorationApply): void {
    this.paintedEmitter.fire(apply.uri);
    this.stats.applies++;
    this.stats.maxApplyMs = Math.max(this.stats.maxApplyMs, apply.applyMs);
    this.stats.last = apply;
    this.stats.recent.push(apply);
    if (this.stats.recent.length > 20) this.stats.recent.shift();
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
    let paint: DocumentPaint = { colors: {} };
    const requested = performance.now();
    if (this.enabled() && this.connection.hasProject) {
      this.inFlight.set(uri, generation);
      try {
        paint = await this.connection.request(documentPaintRequest, { uri });
      } catch (err) {
        this.connection.output.appendLine(vscode.l10n.t('Could not read the codings of {0}: {1}', uri, err instanceof Error ? err.message : String(err)));
        return;
      } finally {
        if (this.inFlight.get(uri) === generation) this.inFlight.delete(uri);
      }
    }
    // A newer request for this document was sent meanwhile: its answer wins.
    if (this.generation.get(uri) !== generation) return;
    const answered = performance.now();
    // Per colour, the anchored codings' ranges as line/character quadruples (orphans are not painted).
    const flat = new Map<string, number[]>(Object.entries(paint.colors));
    let count = 0;
    for (const list of flat.values()) count += list.length / 4;
    // Visible editors of this document show `previous` (shifted by VS Code through any edits):
    // a colour is re-sent when its ranges changed or lie on a line edited since.
    const previous = this.painted.get(uri);
    const edited = this.edited.get(uri);
    this.edited.delete(uri);
    const byColor = new Map<string, ColorPaint>();
    const changed: string[] = [];
    for (const [color, list] of flat) {
      const old = previous?.get(color);
      if (old && sameNumbers(old.flat, list) && !touches(list, edited)) byColor.set(color, old);
      else {
        byColor.set(color, { flat: list, ranges: toRanges(list) });
        changed.push(color);
      }
    }
    // Colours painted before but no longer used in this document.
    for (const color of previous?.keys() ?? []) if (!byColor.has(color)) changed.push(color);
    this.painted.set(uri, byColor);
    let editors = 0;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== uri) continue;
      editors++;
      for (const color of changed) editor.setDecorations(this.typeFor(color), byColor.get(color)?.ranges ?? []);
    }
    const applied = performance.now();
    this.record({ uri, requested, answered, applied, applyMs: applied - answered, colorsSet: changed.length, colors: byColor.size, ranges: count, editors, cached: false });
  }

  private paintCached(editor: vscode.TextEditor): void {
    const uri = editor.document.uri.toString();
    const known = this.painted.get(uri);
    if (!known) return;
    const started = performance.now();
    let count = 0;
    for (const [color, paint] of known) {
      editor.setDecorations(this.typeFor(color), paint.ranges);
      count += paint.ranges.length;
    }
    const applied = performance.now();
    this.record({ uri, requested: started, answered: started, applied, applyMs: applied - started, colorsSet: known.size, colors: known.size, ranges: count, editors: 1, cached: true });
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
    this.paintedEmitter.dispose();
    for (const t of this.timers.values()) clearTimeout(t.timer);
    for (const t of this.types.values()) t.dispose();
    for (const d of this.subscriptions) d.dispose();
  }
}
