// The Coded Segments view: a readable list of the segments of a query, of a code or theme,
// or of a framework-matrix cell, grouped by code, informant or transcript, each with its
// informant, attributes, transcript and line; a segment opens its place in the transcript.
// It lives in the Thesis QDA container (a webview view, `qda.segmentsView`), where every command
// that lists segments reveals it; "Open in Editor" puts the same page, with the same query,
// filters and grouping, in an editor panel for long lists. In a narrow side bar the page reads
// in a compact layout (the quote wraps, its meta on one line).
// The query is typed in a box (the language of `qda query`) or built from the codebook's names
// with AND / OR / AND NOT, and narrowed by coder, informant or attribute and transcript; the list follows edits. Segments come from the server's qda/codedSegments (the same
// core as `qda query` and the segment table).
//
// The page is an AnalysisPanel's (webviewPanel.ts) in either host: a strict
// Content-Security-Policy (no network, a nonce for its one script and style), every element
// built with textContent, so a name or a transcript holding HTML stays text.
import * as vscode from 'vscode';
import type { QdaConnection } from './connection';
import { AnalysisPanel, viewHost, type PageMessage, type PanelOptions, type WebviewHost } from './webviewPanel';
import { saveDocx, saveXlsx } from './analysisExport';
import { applyServerEdit } from './serverEdits';
import { appendQueryTerm, type QueryJoin } from '../../server/src/core/analysis/queryText';
import { codedSegmentsRequest, saveQueryRequest, type CodedSegment, type CodedSegmentsParams, type CodedSegmentsResult } from '../../server/src/protocol';

export type GroupBy = 'code' | 'informant' | 'doc' | 'none';

/** What the page reported after drawing: for tests (what the student sees) and the first-paint bench. */
export interface SegmentsRendered {
  /** Segment entries in the page. */
  items: number;
  /** Group headings in the page. */
  groups: number;
  /** The text of the first entry's quote, as the page shows it. */
  firstText: string;
  /** The summary line above the list. */
  summary: string;
  /** The query the list is of (to tell one drawing from the next). */
  query: string;
  /** What the query box holds after the drawing (words typed and not yet run stay). */
  box: string;
  /** The transcript filter when the page drew ('' for all). */
  doc: string;
  /** Names the query builder offers. */
  terms: number;
  /** Transcripts the transcript filter offers. */
  transcripts: number;
  /** The grouping the page drew with. */
  groupBy: GroupBy;
  /** Which data message the page drew (AnalysisPanel.drawn() waits for the latest). */
  seq: number;
}

/** What the list is of and how it is shown: what "Open in Editor" carries over and a view shown again restores. */
interface SegmentsState {
  params: CodedSegmentsParams;
  source: string;
  groupBy: GroupBy;
}

/** The id of the view in the Thesis QDA container (package.json `contributes.views`). */
export const SEGMENTS_VIEW_ID = 'qda.segmentsView';

export class SegmentsPanel extends AnalysisPanel<SegmentsRendered> {
  /** The list the commands and tests act on: the one last shown (the view, or the editor panel after "Open in Editor"). */
  static current: SegmentsPanel | undefined;
  /** The page in the Thesis QDA container, while VS Code has it resolved. */
  static view: SegmentsPanel | undefined;
  /** The page opened in the editor area by "Open in Editor". */
  static editor: SegmentsPanel | undefined;
  /** The view's last state: a view VS Code resolves again (closed, moved) starts from it. */
  private static viewState: SegmentsState = { params: { query: '' }, source: '', groupBy: 'code' };
  private static viewWaiters: Array<(view: SegmentsPanel) => void> = [];
  params: CodedSegmentsParams = {};
  groupBy: GroupBy = 'code';
  /** What the list is of, shown above it (a code, a matrix cell, a query). */
  source = '';
  /** The data last sent to the page. */
  shown: CodedSegmentsResult | undefined;
  /** Words typed in the page's query box and not yet run, and the query the list was of then. */
  private typed: { text: string; forQuery: string } | undefined;
  /** Words for the box of a page "Open in Editor" just made, sent with its next data only. */
  private draft: string | undefined;
  /** The first drawing of a view VS Code has just resolved. */
  private opening: Promise<unknown> = Promise.resolve();
  /** The last request for segments made, and the last data message sent to the page. */
  private requestSeq = 0;
  private latest: Promise<unknown> = Promise.resolve();

  private constructor(connection: QdaConnection, host: PanelOptions | WebviewHost, state: SegmentsState) {
    super(connection, host, {
      labels: SegmentsPanel.labels(),
      style: STYLE,
      body: '<div class="querybar" id="querybar"></div>\n<details id="refine" open><summary id="refine-summary"></summary>\n<div class="controls" id="builder" role="group"></div>\n<div class="controls" id="controls"></div>\n</details>\n<div class="source" id="source"></div>\n<div id="summary" class="summary" role="status"></div>\n<div id="out"></div>',
      script: SCRIPT,
    });
    this.params = { ...state.params };
    this.source = state.source || SegmentsPanel.sourceOf(state.params.query ?? '');
    this.groupBy = state.groupBy;
  }

  private static sourceOf(query: string): string {
    return query.trim() ? vscode.l10n.t('Query: {0}', query) : vscode.l10n.t('All coded segments');
  }

  private get state(): SegmentsState {
    return { params: { ...this.params }, source: this.source, groupBy: this.groupBy };
  }

  /**
   * VS Code resolved the view (shown for the first time, or again after it was closed): the
   * page starts from the view's last state and draws it.
   */
  static resolveView(connection: QdaConnection, view: vscode.WebviewView): SegmentsPanel {
    const panel = new SegmentsPanel(connection, viewHost(view), SegmentsPanel.viewState);
    SegmentsPanel.view = panel;
    SegmentsPanel.current ??= panel;
    panel.opening = panel.update().then(() => panel.drawn(), () => undefined);
    for (const w of SegmentsPanel.viewWaiters.splice(0)) w(panel);
    return panel;
  }

  /**
   * Reveals the view in the Thesis QDA container (opening the side bar and the container, and
   * expanding the view, as needed) and lists the segments of `params` in it. `preserveFocus`
   * (a click in the matrix or a chart): the focus stays in the page clicked, so a keyboard user
   * goes on from cell to cell while the view follows; from the Codebook or a query the focus
   * moves to the list, as Find All References moves it to its results.
   */
  static async show(connection: QdaConnection, params: CodedSegmentsParams, source: string, { preserveFocus = false } = {}): Promise<SegmentsPanel> {
    SegmentsPanel.viewState = { params, source, groupBy: SegmentsPanel.view?.groupBy ?? SegmentsPanel.viewState.groupBy };
    let view = SegmentsPanel.view;
    if (view) {
      view.panel.reveal(preserveFocus);
      view.params = { ...params };
      view.source = source;
      await view.update();
      await view.drawn();
    } else {
      // The view is not resolved yet: focusing it makes VS Code resolve it, with the state above.
      const resolved = new Promise<SegmentsPanel>((resolve) => SegmentsPanel.viewWaiters.push(resolve));
      await vscode.commands.executeCommand(`${SEGMENTS_VIEW_ID}.focus`, { preserveFocus });
      view = await resolved;
      await view.opening;
    }
    SegmentsPanel.current = view;
    return view;
  }

  /** "Open in Editor": the view's list (query, filters, grouping) in a panel in the editor area, for long lists. */
  static async openInEditor(connection: QdaConnection): Promise<SegmentsPanel> {
    const view = SegmentsPanel.view;
    const state = view?.state ?? SegmentsPanel.viewState;
    // Words typed in the view's box and not yet run go along: the panel is the view, made wider.
    const typed = view?.typed && view.typed.forQuery === (state.params.query ?? '') ? view.typed.text : undefined;
    let panel = SegmentsPanel.editor;
    if (panel) {
      panel.panel.reveal(false);
      panel.params = state.params;
      panel.source = state.source;
      panel.groupBy = state.groupBy;
    } else {
      SegmentsPanel.editor = panel = new SegmentsPanel(connection, { viewType: 'qda.segments', title: vscode.l10n.t('Coded Segments'), column: vscode.ViewColumn.Active, enableFindWidget: true }, state);
    }
    panel.draft = typed;
    SegmentsPanel.current = panel;
    await panel.update();
    await panel.drawn();
    return panel;
  }

  async update(params: Partial<CodedSegmentsParams> = {}): Promise<CodedSegmentsResult> {
    this.params = { ...this.params, ...params };
    // An answer overtaken by a later request (a refresh after an edit still running when a
    // command asked for other segments) is not shown: the list is the latest request's, and a
    // caller whose request was overtaken waits for that one, so that it sees what the page shows.
    const seq = ++this.requestSeq;
    let mine: Promise<unknown> = this.connection.request(codedSegmentsRequest, this.params).then(async (result) => {
      if (seq !== this.requestSeq) return;
      this.shown = result;
      await this.send();
    });
    this.latest = mine;
    await mine;
    while (this.latest !== mine) await (mine = this.latest);
    return this.shown!;
  }

  protected refresh(): Promise<CodedSegmentsResult> {
    return this.update();
  }

  private send(): Promise<boolean> {
    if (this === SegmentsPanel.view) SegmentsPanel.viewState = this.state;
    const draft = this.draft;
    this.draft = undefined;
    const params = { query: this.params.query ?? '', scope: String(this.params.scope ?? 'overlap'), withChildren: this.params.withChildren !== false, coder: this.params.coder ?? '', filter: this.params.informant ? 'i:' + this.params.informant : this.params.attribute ? 'a:' + this.params.attribute : '', doc: this.params.doc ?? '' };
    return this.post({ type: 'data', source: this.source, groupBy: this.groupBy, params, result: this.shown, ...(draft !== undefined ? { draft } : {}) });
  }

  protected async onMessage(m: PageMessage): Promise<void> {
    if (m.type === 'typed') {
      this.typed = { text: String(m.query ?? ''), forQuery: this.params.query ?? '' };
    } else if (m.type === 'query') {
      // A typed query replaces whatever the list was of (names, a matrix cell).
      const query = String(m.query ?? '');
      this.source = query.trim() ? vscode.l10n.t('Query: {0}', query) : vscode.l10n.t('All coded segments');
      this.params = { ...this.params, query, names: undefined, cell: undefined };
      await this.update();
    } else if (m.type === 'addTerm') {
      await this.addTerm(m.join as QueryJoin, String(m.name ?? ''), typeof m.query === 'string' ? m.query : undefined);
    } else if (m.type === 'options') {
      const o = m.options as { scope?: string; withChildren?: boolean; coder?: string; filter?: string; doc?: string; groupBy?: GroupBy };
      if (o.groupBy) {
        this.groupBy = o.groupBy;
        await this.send();
        return;
      }
      const next: Partial<CodedSegmentsParams> = {};
      if (o.scope !== undefined) next.scope = o.scope === 'overlap' || o.scope === 'turn' ? o.scope : Number(o.scope);
      if (o.withChildren !== undefined) next.withChildren = o.withChildren;
      if (o.coder !== undefined) next.coder = o.coder || undefined;
      if (o.doc !== undefined) next.doc = o.doc || undefined;
      if (o.filter !== undefined) {
        next.informant = o.filter.startsWith('i:') ? o.filter.slice(2) : undefined;
        next.attribute = o.filter.startsWith('a:') ? o.filter.slice(2) : undefined;
      }
      await this.update(next);
    } else if (m.type === 'saved') {
      const saved = this.shown?.saved.find((q) => q.name === m.name);
      if (!saved) return;
      this.source = vscode.l10n.t('Saved query: {0}', saved.name);
      this.params = { ...this.params, query: saved.query, scope: saved.scope ?? 'overlap', names: undefined, cell: undefined, both: undefined };
      await this.update();
    } else if (m.type === 'saveQuery') {
      await this.saveQuery(typeof m.name === 'string' ? m.name : undefined);
    } else if (m.type === 'saveXlsx') {
      await this.saveXlsx();
    } else if (m.type === 'saveDocx') {
      await this.saveDocx();
    } else if (m.type === 'open') {
      const s = this.shown?.segments[Number(m.index)];
      if (s) await this.open(s);
    }
  }

  /**
   * The query builder: adds "AND / OR / AND NOT name" to the query in the box (`typed`, when the
   * student has typed in it since it was run) and runs it. The box shows the query written out,
   * so what a click built can be read, edited and saved like a typed one.
   */
  async addTerm(join: QueryJoin, name: string, typed?: string): Promise<CodedSegmentsResult | undefined> {
    if (!name.trim() || !['and', 'or', 'andNot'].includes(join)) return undefined;
    let query: string;
    try {
      query = appendQueryTerm(typed ?? this.params.query ?? '', join, name);
    } catch (err) {
      void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
      return undefined;
    }
    this.source = vscode.l10n.t('Query: {0}', query);
    this.params = { ...this.params, query, names: undefined, cell: undefined, both: undefined };
    return this.update();
  }

  /** Saves the query in the box under a name in qda.yaml's `queries:` (an edit that keeps its comments; Undo works). */
  async saveQuery(name?: string): Promise<boolean> {
    const query = this.params.query?.trim();
    if (!query) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Type a query first; a code, a theme or a matrix cell is not a query.'));
      return false;
    }
    const chosen = name ?? (await vscode.window.showInputBox({ prompt: vscode.l10n.t('Save the query "{0}" in qda.yaml as…', query), placeHolder: vscode.l10n.t('A name, e.g. Training without leadership') }));
    if (!chosen?.trim()) return false;
    const result = await this.connection.request(saveQueryRequest, { name: chosen, query, scope: this.params.scope });
    if (result.error) {
      void vscode.window.showErrorMessage(result.error);
      return false;
    }
    if (!result.edit) return false;
    const applied = await applyServerEdit(this.connection, result);
    if (applied && result.message) vscode.window.setStatusBarMessage(result.message, 5000);
    return applied;
  }

  /** Writes every listed segment (not only the first shown) as the segment table in Excel. */
  saveXlsx(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const { limit: _limit, ...params } = this.params;
    return saveXlsx(this.connection, { kind: 'segments', segments: params }, 'segments.xlsx', target);
  }

  /** The same segments as a landscape Word table (as `qda export segments-docx`), titled with what the list is of. */
  saveDocx(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const { limit: _limit, ...params } = this.params;
    return saveDocx(this.connection, { segments: params, title: this.source || undefined }, 'segments.docx', target);
  }

  /**
   * Opens a segment's place: from a panel, beside it, so the list stays in view; from the view
   * in the side bar, in the editor group the student last worked in.
   */
  async open(s: CodedSegment): Promise<vscode.TextEditor> {
    const range = this.connection.p2c.asRange(s.range);
    const from = this.panel.viewColumn;
    const column = from === undefined ? vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One : from === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    const editor = await vscode.window.showTextDocument(vscode.Uri.parse(s.uri), { viewColumn: column, preview: true, selection: range });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }

  /** Labels in the UI language, handed to the page as data (never as markup). */
  private static labels(): Record<string, string> {
    return {
      query: vscode.l10n.t('Query'),
      queryPlaceholder: vscode.l10n.t('e.g. "Tid og kø" AND NOT Ledelse — Enter to run'),
      run: vscode.l10n.t('Run'),
      saveXlsx: vscode.l10n.t('Save as Excel…'),
      saveDocx: vscode.l10n.t('Save as Word…'),
      saveQuery: vscode.l10n.t('Save Query…'),
      savedQueries: vscode.l10n.t('Saved queries'),
      pickSaved: vscode.l10n.t('(choose)'),
      scope: vscode.l10n.t('Near means'),
      overlap: vscode.l10n.t('overlapping'),
      sameTurn: vscode.l10n.t('in the same turn'),
      withinTurns: vscode.l10n.t('within {0} turns'),
      children: vscode.l10n.t('with child codes'),
      coder: vscode.l10n.t('Coder'),
      allCoders: vscode.l10n.t('All coders'),
      who: vscode.l10n.t('Informants'),
      transcript: vscode.l10n.t('Transcript'),
      allTranscripts: vscode.l10n.t('All transcripts'),
      build: vscode.l10n.t('Add to the query'),
      refine: vscode.l10n.t('Query builder and filters'),
      refineActive: vscode.l10n.t('Query builder and filters ({0} on)'),
      pickName: vscode.l10n.t('Theme, group or code'),
      theme: vscode.l10n.t('Theme: {0}'),
      groupName: vscode.l10n.t('Group: {0}'),
      addAnd: vscode.l10n.t('Add {0} with AND: codings near it'),
      addOr: vscode.l10n.t('Add {0} with OR: its codings too'),
      addAndNot: vscode.l10n.t('Add {0} with AND NOT: codings near none of it'),
      everyone: vscode.l10n.t('Everyone'),
      groupBy: vscode.l10n.t('Group by'),
      byCode: vscode.l10n.t('Code'),
      byInformant: vscode.l10n.t('Informant'),
      byDoc: vscode.l10n.t('Transcript'),
      byNone: vscode.l10n.t('No grouping'),
      count: vscode.l10n.t('{0} segments'),
      countLimited: vscode.l10n.t('{0} segments (the first {1} are listed)'),
      none: vscode.l10n.t('No coded segments match.'),
      noInformant: vscode.l10n.t('no informant'),
      open: vscode.l10n.t('Open {0}, line {1}'),
      lineOf: vscode.l10n.t('{0}, line {1}'),
      group: vscode.l10n.t('{0} ({1})'),
      list: vscode.l10n.t('Coded segments. Arrow keys move between segments; Enter opens one in its transcript.'),
    };
  }

  override dispose(): void {
    super.dispose();
    if (SegmentsPanel.view === this) {
      SegmentsPanel.viewState = this.state;
      SegmentsPanel.view = undefined;
    }
    if (SegmentsPanel.editor === this) SegmentsPanel.editor = undefined;
    if (SegmentsPanel.current === this) SegmentsPanel.current = SegmentsPanel.view ?? SegmentsPanel.editor;
  }
}

const STYLE = `  body { max-width: 60em; }
  .controls { display: flex; gap: 8px 16px; flex-wrap: wrap; margin-bottom: 8px; align-items: center; }
  .querybar { display: flex; gap: 6px; margin-bottom: 8px; }
  .querybar input { flex: 1; }
  input[type=text], select { background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, var(--vscode-dropdown-border)); padding: 3px 6px; font: inherit; }
  button.run { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 3px 10px; cursor: pointer; font: inherit; }
  .source { font-weight: 600; margin: 4px 0; }
  .summary, .error { color: var(--vscode-descriptionForeground); margin: 4px 0 12px; }
  .error { color: var(--vscode-errorForeground); }
  h2 { font-size: 1.1em; margin: 18px 0 6px; border-bottom: 1px solid var(--vscode-panel-border); padding-bottom: 2px; }
  ol { list-style: none; padding: 0; margin: 0; }
  li { margin: 0 0 10px; }
  li button { all: unset; display: block; box-sizing: border-box; width: 100%; padding: 6px 10px; cursor: pointer; border-left: 3px solid var(--vscode-textBlockQuote-border, var(--vscode-focusBorder)); background: var(--vscode-textBlockQuote-background); }
  li button:hover { background: var(--vscode-list-hoverBackground); }
  li button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
  .meta { color: var(--vscode-descriptionForeground); font-size: 0.92em; margin-bottom: 3px; }
  .meta .who { color: var(--vscode-foreground); font-weight: 600; }
  .text { white-space: pre-wrap; line-height: 1.45; }
  /* The link colour a fifth of the way to the text's: on the quote's background some themes'
     link blue alone falls short of 4.5:1 (Light 2026: 4.48); test/e2e/themes.e2e.mjs measures it. */
  .where { color: color-mix(in srgb, var(--vscode-textLink-foreground) 80%, var(--vscode-foreground)); font-size: 0.92em; margin-top: 3px; }
  select { max-width: 100%; min-width: 0; }
  #refine > summary { cursor: pointer; color: var(--vscode-descriptionForeground); margin-bottom: 6px; }
  #refine > summary:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
  .text { overflow-wrap: anywhere; }
  /* Compact, for the view in a narrow side bar (or a narrow panel): controls one to a line, the
     quote wrapping at full width, its meta and place one line each, cut with an ellipsis (the
     whole of them in the tooltip). */
  @media (min-width: 481px) {
    #refine > summary { display: none; }
  }
  @media (max-width: 480px) {
    body { padding: 4px 8px; }
    .querybar { flex-wrap: wrap; }
    .querybar input { flex: 1 1 100%; }
    .controls { gap: 4px 8px; }
    .controls > label { flex: 1 1 100%; min-width: 0; justify-content: space-between; }
    /* width 0: a dropdown's own width is its longest option (a long code name), wider than the bar. */
    .controls > label > select { flex: 1 1 0; width: 0; }
    h2 { margin: 12px 0 4px; }
    li { margin: 0 0 6px; }
    li button { padding: 4px 6px; }
    .meta, .where { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; margin: 0; }
  }
`;

const SCRIPT = `  let state;
  let queryInput;
  // What survives the page being destroyed while hidden (the extension keeps the list's state
  // and sends it again): the words typed in the box and not yet run, and where the list was
  // scrolled to — both for the query they belong to.
  const kept = vscode.getState() || {};
  let restored = false;
  const keep = (more) => vscode.setState(Object.assign(vscode.getState() || {}, { query: state.params.query }, more));

  const options = (o) => vscode.postMessage({ type: 'options', options: o });

  // The builder: pick a name, then AND / OR / AND NOT add it to the query in the box and run it.
  // The extension writes the query (quoting names as the query language reads them). The buttons
  // show the operator words of the query language, which are the same in every UI language.
  let builtFrom;
  function builder() {
    const r = state.result;
    const key = JSON.stringify(r.names);
    if (builtFrom === key) return;
    builtFrom = key;
    const pick = el('select', { id: 'term', ariaLabel: L.pickName });
    for (const n of r.names) pick.append(el('option', { value: n.name, text: n.kind === 'theme' ? format(L.theme, n.name) : n.kind === 'group' ? '\u2003' + format(L.groupName, n.name) : '\u2003\u2003' + n.name }));
    const button = (join, text, title) => {
      const b = el('button', { class: 'run', text, type: 'button' });
      const label = () => format(title, pick.value);
      b.setAttribute('aria-label', label());
      pick.addEventListener('change', () => b.setAttribute('aria-label', label()));
      b.addEventListener('click', () => pick.value && vscode.postMessage({ type: 'addTerm', join, name: pick.value, query: queryInput.value }));
      return b;
    };
    const box = document.getElementById('builder');
    box.setAttribute('aria-label', L.build);
    box.replaceChildren(el('label', { for: 'term' }, el('span', { text: L.build }), pick), button('and', 'AND', L.addAnd), button('or', 'OR', L.addOr), button('andNot', 'AND NOT', L.addAndNot));
  }

  function controls() {
    const p = state.params, r = state.result;
    if (!queryInput) {
      queryInput = el('input', { type: 'text', id: 'query', placeholder: L.queryPlaceholder, ariaLabel: L.query });
      queryInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') vscode.postMessage({ type: 'query', query: queryInput.value }); });
      queryInput.addEventListener('input', () => {
        keep({ typed: queryInput.value });
        vscode.postMessage({ type: 'typed', query: queryInput.value });
      });
      const run = el('button', { class: 'run', text: L.run });
      run.addEventListener('click', () => vscode.postMessage({ type: 'query', query: queryInput.value }));
      const save = el('button', { class: 'run', text: L.saveXlsx });
      save.addEventListener('click', () => vscode.postMessage({ type: 'saveXlsx' }));
      const saveQuery = el('button', { class: 'run', text: L.saveQuery });
      saveQuery.addEventListener('click', () => vscode.postMessage({ type: 'saveQuery' }));
      const saveWord = el('button', { class: 'run', text: L.saveDocx });
      saveWord.addEventListener('click', () => vscode.postMessage({ type: 'saveDocx' }));
      document.getElementById('querybar').replaceChildren(queryInput, run, saveQuery, save, saveWord);
    }
    if (typeof state.draft === 'string') {
      // "Open in Editor" from the view: the words typed there and not yet run.
      queryInput.value = state.draft;
      keep({ typed: state.draft });
    } else if (!restored && kept.query === p.query && typeof kept.typed === 'string') {
      // A page rebuilt (shown again, or its view resolved anew) gets back what was typed, and
      // tells the extension, which may have lost it with the view.
      queryInput.value = kept.typed;
      vscode.postMessage({ type: 'typed', query: kept.typed });
    } else if (document.activeElement !== queryInput) queryInput.value = p.query;
    const children = el('input', { type: 'checkbox', id: 'children' });
    children.checked = p.withChildren;
    children.addEventListener('change', () => options({ withChildren: children.checked }));
    keepFocus(() => document.getElementById('controls').replaceChildren(
      ...(r.saved.length ? [select('saved', L.savedQueries, [['', L.pickSaved], ...r.saved.map((q) => [q.name, q.name])], '', (v) => v && vscode.postMessage({ type: 'saved', name: v }))] : []),
      select('scope', L.scope, [['overlap', L.overlap], ['turn', L.sameTurn], ...[1, 2, 3, 5].map((n) => [String(n), format(L.withinTurns, n)])], p.scope, (v) => options({ scope: v })),
      el('label', { for: 'children' }, children, el('span', { text: L.children })),
      select('coder', L.coder, [['', L.allCoders], ...r.coders.map((c) => [c, c])], p.coder, (v) => options({ coder: v })),
      select('doc', L.transcript, [['', L.allTranscripts], ...r.docs.map((d) => [d, d])], p.doc, (v) => options({ doc: v })),
      select('who', L.who, [['', L.everyone], ...r.informants.map((i) => ['i:' + i, i]), ...r.attributeValues.map((a) => ['a:' + a, a])], p.filter, (v) => options({ filter: v })),
      select('group', L.groupBy, [['code', L.byCode], ['informant', L.byInformant], ['doc', L.byDoc], ['none', L.byNone]], state.groupBy, (v) => options({ groupBy: v })),
    ));
  }

  // At side-bar width the builder and the filters fold under one line (saying how many filters
  // are on), so the segments are in sight; wider, they are always open (the line is hidden).
  const narrow = window.matchMedia('(max-width: 480px)');
  const refine = document.getElementById('refine');
  refine.open = !narrow.matches || !!kept.refineOpen;
  refine.addEventListener('toggle', () => { if (state && narrow.matches) keep({ refineOpen: refine.open }); });
  narrow.addEventListener('change', () => { if (!narrow.matches) refine.open = true; });
  function refineSummary() {
    const p = state.params;
    const on = [p.scope !== 'overlap', !p.withChildren, !!p.coder, !!p.doc, !!p.filter].filter(Boolean).length;
    document.getElementById('refine-summary').textContent = on ? format(L.refineActive, on) : L.refine;
  }

  function entry(s, index) {
    const attrs = Object.entries(s.attributes).map(([k, v]) => k + ': ' + v).join(', ');
    const meta = el('div', { class: 'meta', title: (s.informant ?? L.noInformant) + (attrs ? ' (' + attrs + ')' : '') + ' · ' + [s.theme, s.group, s.code].filter(Boolean).join(' › ') + ' · ' + s.coder },
      el('span', { class: 'who', text: s.informant ?? L.noInformant }),
      attrs ? ' (' + attrs + ')' : '',
      ' · ' + [s.theme, s.group, s.code].filter(Boolean).join(' › ') + ' · ' + s.coder);
    const b = el('button', { ariaLabel: format(L.open, s.doc, s.line) },
      meta,
      el('div', { class: 'text', text: s.text }),
      el('div', { class: 'where', text: format(L.lineOf, s.doc, s.line), title: format(L.lineOf, s.doc, s.line) }));
    b.dataset.index = String(index);
    b.addEventListener('click', () => vscode.postMessage({ type: 'open', index }));
    return el('li', {}, b);
  }

  function render() {
    controls();
    builder();
    refineSummary();
    const r = state.result;
    document.getElementById('source').textContent = state.source;
    const summary = document.getElementById('summary');
    summary.className = r.error ? 'error' : 'summary';
    summary.textContent = r.error ? r.error : r.total === 0 ? L.none : r.total > r.segments.length ? format(L.countLimited, r.total, r.segments.length) : format(L.count, r.total);
    const keyOf = { code: (s) => s.code, informant: (s) => s.informant ?? L.noInformant, doc: (s) => s.doc, none: () => '' }[state.groupBy];
    const groups = new Map();
    r.segments.forEach((s, i) => {
      const k = keyOf(s);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push([s, i]);
    });
    const out = document.getElementById('out');
    const parts = [];
    const keys = [...groups.keys()];
    if (state.groupBy !== 'doc') keys.sort((a, b) => a.localeCompare(b));
    for (const k of keys) {
      const list = groups.get(k);
      if (state.groupBy !== 'none') parts.push(el('h2', { text: format(L.group, k, list.length) }));
      parts.push(el('ol', { ariaLabel: state.groupBy !== 'none' ? k : L.list }, ...list.map(([s, i]) => entry(s, i))));
    }
    out.replaceChildren(...parts);
    out.setAttribute('aria-label', L.list);
    if (!restored) {
      restored = true;
      if (kept.query === state.params.query && kept.scrollY) window.scrollTo(0, kept.scrollY);
    }
    const first = out.querySelector('li .text');
    vscode.postMessage({ type: 'rendered', rendered: { items: out.querySelectorAll('li').length, groups: out.querySelectorAll('h2').length, firstText: first ? first.textContent : '', summary: summary.textContent, query: state.params.query, box: queryInput.value, doc: state.params.doc, terms: document.querySelectorAll('#term option').length, transcripts: document.querySelectorAll('#doc option').length - 1, groupBy: state.groupBy, seq: state.seq } });
  }

  // Arrow keys move between segments.
  document.addEventListener('keydown', (e) => {
    const b = document.activeElement;
    if (!(b instanceof HTMLButtonElement) || !b.closest('li') || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    const all = [...document.querySelectorAll('li button')];
    const next = all[all.indexOf(b) + (e.key === 'ArrowDown' ? 1 : -1)];
    if (next) { next.focus(); e.preventDefault(); }
  });

  let scrolled;
  window.addEventListener('scroll', () => {
    clearTimeout(scrolled);
    scrolled = setTimeout(() => state && keep({ scrollY: window.scrollY }), 150);
  });

  window.addEventListener('message', (e) => {
    if (e.data?.type !== 'data') return;
    state = e.data;
    render();
  });
`;

export function registerSegmentsView(context: vscode.ExtensionContext, connection: QdaConnection): void {
  context.subscriptions.push(
    // From the palette: a query typed in the view (or given, e.g. by a test or a saved query).
    vscode.commands.registerCommand('qda.segmentsQuery', async (query?: string) => {
      const q = typeof query === 'string' ? query : '';
      const panel = await SegmentsPanel.show(connection, { query: q }, q ? vscode.l10n.t('Query: {0}', q) : vscode.l10n.t('All coded segments'));
      return { result: panel.shown, rendered: panel.rendered };
    }),
    // The view's title-bar action: the same list in the editor area, for long lists.
    vscode.commands.registerCommand('qda.segmentsOpenInEditor', async () => {
      const panel = await SegmentsPanel.openInEditor(connection);
      return { result: panel.shown, rendered: panel.rendered };
    }),
    vscode.window.registerWebviewViewProvider(SEGMENTS_VIEW_ID, { resolveWebviewView: (view) => void SegmentsPanel.resolveView(connection, view) }),
    vscode.commands.registerCommand('qda.segmentsSaveXlsx', async (target?: vscode.Uri) => SegmentsPanel.current?.saveXlsx(target)),
    vscode.commands.registerCommand('qda.segmentsSaveDocx', async (target?: vscode.Uri) => SegmentsPanel.current?.saveDocx(target)),
  );
}
