// The framework matrix as a webview: themes › groups › codes by informant or by the values of an
// informant attribute, counting codings, informants or words, with heat shading. A cell opens its
// segments. Counts come from the server's qda/matrix (the same core as `qda matrix`), and follow
// edits: the panel asks again whenever the index changes.
//
// The page is an AnalysisPanel's (webviewPanel.ts): a strict Content-Security-Policy (no
// network, a nonce for its one script and style), every element built with textContent, so a
// name holding HTML stays text. It paints a screenful of rows first and the rest in slices, and
// reports both: `firstScreen` once painted, `rendered` (its rows and non-empty cells) when whole.
import * as vscode from 'vscode';
import type { QdaConnection } from './connection';
import { AnalysisPanel, type PageMessage, type PageParts } from './webviewPanel';
import { SegmentsPanel } from './segmentsView';
import { saveXlsx } from './analysisExport';
import { applyServerEdit } from './serverEdits';
import { frameworkNoteRequest, frameworkRequest, matrixRequest, type FrameworkNoteResult, type MatrixParams, type MatrixResult } from '../../server/src/protocol';

/** What the page reports after drawing (for tests: what the student sees). */
export interface MatrixRendered {
  /** Which data message the page drew (AnalysisPanel.drawn() waits for the latest). */
  seq: number;
  /** The parameters of the data drawn. */
  params: MatrixParams;
  /** Rows drawn (collapsed rows' children are not drawn). */
  rows: number;
  /** The header's columns, as the page shows them. */
  columns: string[];
  /** Cells (not totals) with a count above zero. */
  cells: number;
  /** The message shown instead of a table (no codings, an error), else ''. */
  message: string;
  mode: 'counts' | 'framework';
  /** Each non-empty body cell's text, by 'row × column' (framework mode: note or first segment, and count). */
  texts: Record<string, string>;
}

export class MatrixPanel extends AnalysisPanel<MatrixRendered> {
  static current: MatrixPanel | undefined;
  params: MatrixParams = { rows: 'codes', cols: 'informants', count: 'codings', coder: '' };
  /** The data last sent to the page (for tests: what the student sees). */
  shown: MatrixResult | undefined;
  /** The cell the page's focus is in, for "Edit Note of Matrix Cell…" from the command palette. */
  focused: { row: string; column: string } | undefined;
  /**
   * When the page last reported its first screenful painted (performance.now(), for the
   * first-paint bench), how many rows it held, and the page's own time from the data's arrival
   * to that report (the rest is the messages' way). The rest of the table follows in slices;
   * `rendered` reports the whole.
   */
  readonly firstScreen = { at: 0, rows: 0, pageMs: 0 };
  /** When the server's last answer arrived (performance.now(); the bench splits server from page load). */
  answeredAt = 0;

  private constructor(connection: QdaConnection) {
    super(connection, { viewType: 'qda.matrix', title: vscode.l10n.t('Framework Matrix'), column: vscode.ViewColumn.Active }, matrixPage());
  }

  /** Opens (or reveals) the matrix and resolves once the page has drawn `params`. */
  static async show(connection: QdaConnection, params: Partial<MatrixParams> = {}): Promise<MatrixPanel> {
    let panel = MatrixPanel.current;
    if (panel) panel.panel.reveal();
    else MatrixPanel.current = panel = new MatrixPanel(connection);
    await panel.update(params);
    await panel.drawn();
    return panel;
  }

  async update(params: Partial<MatrixParams> = {}): Promise<MatrixResult> {
    this.params = { ...this.params, ...params };
    // Framework mode asks for the counts and the cells' summaries in one request.
    const result = this.params.mode === 'framework' ? await this.connection.request(frameworkRequest, this.params) : await this.connection.request(matrixRequest, this.params);
    this.answeredAt = performance.now();
    this.shown = result;
    await this.post({ type: 'data', params: this.params, result });
    return result;
  }

  protected refresh(): Promise<MatrixResult> {
    return this.update();
  }

  protected async onMessage(m: PageMessage): Promise<void> {
    if (m.type === 'params') await this.update(m.params as Partial<MatrixParams>);
    else if (m.type === 'saveXlsx') await this.saveXlsx();
    else if (m.type === 'cell') await this.openCell(String(m.row), m.kind as 'theme' | 'group' | 'code', String(m.column));
    else if (m.type === 'firstScreen') Object.assign(this.firstScreen, { at: performance.now(), rows: Number(m.rows), pageMs: Number(m.pageMs) });
    else if (m.type === 'focus') this.focused = m.row === undefined ? undefined : { row: String(m.row), column: String(m.column) };
    else if (m.type === 'editNote') await this.editNote(String(m.row), String(m.column));
  }

  /**
   * "Edit note…" on a cell: framework.md opens beside the matrix at the cell's note, its
   * headings made first when they are missing — a note runs to paragraphs and lists, which an
   * editor holds and an input box does not, and the file stays the one the supervisor reads.
   * With `text` (scripts, tests) the note is written without opening an editor. Both go
   * through the server's WorkspaceEdit; the page follows the file's edits as it follows codings.
   */
  editNote(row: string, column: string, text?: string): Promise<FrameworkNoteResult> {
    return editFrameworkNote(this.connection, row, column, text);
  }

  /** Writes what the matrix shows as an Excel workbook (as `qda export matrix-xlsx`). */
  saveXlsx(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const framework = this.params.mode === 'framework';
    return saveXlsx(this.connection, { kind: 'matrix', matrix: this.params, framework }, framework ? 'framework.xlsx' : 'matrix.xlsx', target);
  }

  /** Lists a cell's segments (column '' for the whole row) in the Coded Segments view of the Thesis QDA container. */
  async openCell(row: string, kind: 'theme' | 'group' | 'code', column: string): Promise<SegmentsPanel> {
    const source = column ? vscode.l10n.t('Framework matrix: {0} × {1}', row, column) : vscode.l10n.t('Framework matrix: {0}', row);
    return SegmentsPanel.show(this.connection, { cell: { ...this.params, row, kind, column } }, source, { preserveFocus: true });
  }

  /** Labels in the UI language, handed to the page as data (never as markup). */
  static labels(): Record<string, string> {
    return {
      rows: vscode.l10n.t('Rows'),
      columns: vscode.l10n.t('Columns'),
      count: vscode.l10n.t('Count'),
      coder: vscode.l10n.t('Coder'),
      themes: vscode.l10n.t('Themes'),
      groups: vscode.l10n.t('Themes and groups'),
      codes: vscode.l10n.t('Themes, groups and codes'),
      informants: vscode.l10n.t('Informants'),
      codings: vscode.l10n.t('Codings'),
      informantsCount: vscode.l10n.t('Informants (distinct)'),
      words: vscode.l10n.t('Words coded'),
      allCoders: vscode.l10n.t('All coders'),
      total: vscode.l10n.t('Total'),
      cell: vscode.l10n.t('{0} × {1}: {2}'),
      collapse: vscode.l10n.t('Collapse or expand {0}'),
      caption: vscode.l10n.t('Framework matrix: a coding counts for the informant of the turn where it starts. Press Enter on a cell to list its segments.'),
      empty: vscode.l10n.t('No codings to count yet.'),
      saveXlsx: vscode.l10n.t('Save as Excel…'),
      show: vscode.l10n.t('Show'),
      counts: vscode.l10n.t('Counts'),
      framework: vscode.l10n.t('Framework'),
      editNote: vscode.l10n.t('Edit note…'),
      frameworkCaption: vscode.l10n.t('Framework matrix: each cell shows your note from {0}, else its first coded segment. Enter lists a cell\'s segments, F2 edits its note.'),
      frameworkCell: vscode.l10n.t('{0} × {1}: {2}. {3}'),
      note: vscode.l10n.t('Note: {0}'),
      firstSegment: vscode.l10n.t('First segment, {0}: {1}'),
      noSummary: vscode.l10n.t('No note, no segment.'),
    };
  }

  override dispose(): void {
    super.dispose();
    if (MatrixPanel.current === this) MatrixPanel.current = undefined;
  }
}

/** The page's parts (exported for test/e2e/matrixPage.mjs: the page alone in Chromium, for its test and bench/vscode/matrix-page.mjs). */
export function matrixPage(): PageParts {
  return { labels: MatrixPanel.labels(), style: STYLE, body: '<div class="controls" id="controls"></div>\n<div id="out"></div>', script: SCRIPT };
}

const STYLE = `  .controls { display: flex; gap: 16px; flex-wrap: wrap; margin-bottom: 12px; }
  button.save { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 3px 10px; cursor: pointer; font: inherit; }
  select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border: 1px solid var(--vscode-dropdown-border); padding: 2px 4px; }
  table { border-collapse: collapse; }
  caption { text-align: left; color: var(--vscode-descriptionForeground); padding-bottom: 6px; }
  th, td { border: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); padding: 0; }
  thead th { padding: 4px 8px; font-weight: 600; white-space: nowrap; }
  th[scope=row] { text-align: left; font-weight: normal; padding: 2px 8px; white-space: nowrap; }
  tr.theme th[scope=row] { font-weight: 700; }
  tr.group th[scope=row] { font-weight: 600; }
  td button { all: unset; display: block; box-sizing: border-box; width: 100%; min-width: 3em; padding: 2px 8px; text-align: right; cursor: pointer; }
  td button:focus-visible, th button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
  td.zero button { color: var(--vscode-disabledForeground); cursor: default; }
  /* Heat in ten steps of the theme's blue over the page: the deepest step keeps the cell's number
     at 4.5:1 or more (WCAG AA) against it, so the mix stops lower where the text is light (dark
     themes) or the blue is deep (high contrast light); test/e2e/themes.e2e.mjs measures it. */
${Array.from({ length: 10 }, (_, i) => `  td.h${i + 1} { background: color-mix(in srgb, var(--vscode-charts-blue) ${10 + Math.round((40 * i) / 9)}%, transparent); }`).join('\n')}
${Array.from({ length: 10 }, (_, i) => `  body.vscode-dark td.h${i + 1}, body.vscode-high-contrast td.h${i + 1} { background: color-mix(in srgb, var(--vscode-charts-blue) ${8 + Math.round((30 * i) / 9)}%, transparent); }`).join('\n')}
  td.heat button { color: var(--vscode-editor-foreground, var(--vscode-foreground)); }
  th button.toggle { all: unset; cursor: pointer; width: 1em; display: inline-block; }
  th span.toggle { width: 1em; display: inline-block; }
  td.total { font-weight: 600; }
  /* High contrast: a heat cell is marked with a dashed line inside its border (over the border, in
     the border's own colour, it did not show), on the cell, so the button's focus ring stays its own. */
  body.vscode-high-contrast td.heat { outline: 1px dashed var(--vscode-contrastBorder); outline-offset: -3px; }
  .mode { display: flex; gap: 0; align-items: center; }
  .mode span { margin-right: 6px; }
  .mode button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: 1px solid var(--vscode-button-border, transparent); padding: 3px 10px; cursor: pointer; font: inherit; }
  .mode button[aria-pressed=true] { background: var(--vscode-button-background); color: var(--vscode-button-foreground); }
  .mode button:focus-visible, button.save:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
  table.framework td button { text-align: left; white-space: normal; min-width: 12em; max-width: 22em; vertical-align: top; }
  table.framework td.total button { text-align: right; min-width: 3em; }
  td .summary { font-style: italic; }
  td .who, td .count { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
  td .note { white-space: pre-wrap; }
`;

const SCRIPT = `  let params, result, seq, lastCell, refocus, received = 0;
  const collapsed = new Set();
  // The drawing under way: a newer one (new data, a row folded) stops an older one's slices.
  let drawing = 0;
  // The first paint draws a screenful of rows at once (no row is shorter than ~16 px) and the
  // rest in slices of SLICE_MS after it has been painted: laying out the whole table of a codes ×
  // informants matrix (560 rows × 14 cells on the bench corpus) took most of its first paint.
  const ROW_PX = 16;
  const SLICE_MS = 8;

  const param = (name, label, options, value) => select('sel-' + name, label, options, value, (v) => vscode.postMessage({ type: 'params', params: { [name]: v } }));

  /** Rows of the table shown now down to the bottom of the window: a redraw draws these at once, so the place is kept. */
  function rowsInView() {
    const rows = document.querySelector('#out tbody')?.rows;
    if (!rows || !rows.length) return 0;
    let lo = 0, hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rows[mid].getBoundingClientRect().top < window.innerHeight) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The element with the keyboard focus in the table, as a key its redrawn self will have. */
  function focusKey() {
    const a = document.activeElement;
    if (!(a instanceof HTMLButtonElement) || !a.closest('#out tbody')) return undefined;
    return a.dataset.key ?? a.dataset.kind + '\\u0000' + a.dataset.row + '\\u0000' + a.dataset.column;
  }

  function render() {
    // Measured before anything changes, while the layout is the one on screen (reading it later would lay out the whole old table again).
    const inView = rowsInView();
    const focused = focusKey();
    const controls = document.getElementById('controls');
    const save = el('button', { class: 'save', id: 'save', text: L.saveXlsx });
    save.addEventListener('click', () => vscode.postMessage({ type: 'saveXlsx' }));
    const framework = params.mode === 'framework';
    // Counts | Framework: two toggle buttons, the pressed one the mode shown.
    const mode = el('div', { class: 'mode', role: 'group', ariaLabel: L.show }, el('span', { text: L.show }));
    for (const [m, text] of [['counts', L.counts], ['framework', L.framework]]) {
      const b = el('button', { text, id: 'mode-' + m, ariaPressed: String((params.mode || 'counts') === m) });
      b.addEventListener('click', () => { refocus = b.id; vscode.postMessage({ type: 'params', params: { mode: m } }); });
      mode.append(b);
    }
    const edit = el('button', { class: 'save', text: L.editNote, id: 'edit-note' });
    edit.addEventListener('click', () => lastCell && vscode.postMessage({ type: 'editNote', row: lastCell.row, column: lastCell.column }));
    keepFocus(() => controls.replaceChildren(
      mode,
      param('rows', L.rows, [['themes', L.themes], ['groups', L.groups], ['codes', L.codes]], params.rows),
      param('cols', L.columns, [['informants', L.informants], ...result.attributes.map((a) => [a, a])], params.cols),
      param('count', L.count, [['codings', L.codings], ['informants', L.informantsCount], ['words', L.words]], params.count),
      param('coder', L.coder, [['', L.allCoders], ...result.coders.map((c) => [c, c])], params.coder || ''),
      save,
      ...(framework ? [edit] : []),
    ));
    const out = document.getElementById('out');
    // The toggle pressed from the keyboard keeps the focus across the redrawing it causes.
    if (refocus) document.getElementById(refocus)?.focus();
    refocus = undefined;
    const gen = ++drawing;
    if (!result.rows.length) {
      out.replaceChildren(el('p', { text: result.error || L.empty }));
      vscode.postMessage({ type: 'firstScreen', rows: 0, pageMs: performance.now() - received });
      return report(out, {});
    }
    const max = Math.max(1, ...result.rows.filter((r) => r.kind === 'code' || params.rows !== 'codes').flatMap((r) => result.columns.map((c) => r.cells[c])));
    const fileName = framework ? decodeURIComponent(String(result.uri).split('/').pop()) : '';
    const table = el('table', { role: 'grid', class: framework ? 'framework' : '' }, el('caption', { text: framework ? format(L.frameworkCaption, fileName) : L.caption }));
    const shownCells = {};
    table.append(el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: '' }), ...result.columns.map((c) => el('th', { scope: 'col', text: c })), el('th', { scope: 'col', text: L.total }))));
    const body = el('tbody');
    // The rows not folded away, in order.
    const shown = [];
    let hiddenBelow = Infinity;
    result.rows.forEach((r, rowIndex) => {
      if (r.depth > hiddenBelow) return;
      hiddenBelow = Infinity;
      if (collapsed.has(r.kind + '\\u0000' + r.name)) hiddenBelow = r.depth;
      shown.push(rowIndex);
    });
    let refocusTo;
    const row = (rowIndex) => {
      const r = result.rows[rowIndex];
      const key = r.kind + '\\u0000' + r.name;
      // A row folds when rows are shown below it: a theme unless only themes are shown, a group
      // only when codes are, and either only when it has some (a theme of codes alone, by themes
      // and groups, has none). A row of a kind that folds but has nothing to fold keeps the
      // toggle's place, so the names of one level stay in line.
      const foldingKind = r.kind === 'theme' ? params.rows !== 'themes' : r.kind === 'group' && params.rows === 'codes';
      const hasChildren = foldingKind && rowIndex + 1 < result.rows.length && result.rows[rowIndex + 1].depth > r.depth;
      const isCollapsed = collapsed.has(key);
      const head = el('th', { scope: 'row' });
      head.style.paddingLeft = (8 + r.depth * 16) + 'px';
      if (foldingKind && !hasChildren) head.append(el('span', { class: 'toggle', ariaHidden: 'true' }), ' ');
      if (hasChildren) {
        const t = el('button', { class: 'toggle', text: isCollapsed ? '▸' : '▾', ariaExpanded: String(!isCollapsed), ariaLabel: format(L.collapse, r.name) });
        t.dataset.key = 'toggle\\u0000' + key;
        if (focused === t.dataset.key) refocusTo = t;
        t.addEventListener('click', () => { isCollapsed ? collapsed.delete(key) : collapsed.add(key); render(); });
        head.append(t, ' ');
      }
      head.append(r.name);
      const tr = el('tr', { class: r.kind }, head);
      for (const c of [...result.columns, '']) {
        const n = c === '' ? r.total : r.cells[c];
        const fw = framework && c !== '' ? (result.cells[rowIndex] || {})[c] : undefined;
        const td = el('td', { class: (n || fw ? 'heat' : 'zero') + (c === '' ? ' total' : '') });
        // Shading in ten steps (classes h1–h10 of the stylesheet): one style rule per step, not a
        // style per cell, which a matrix of codes × informants (thousands of cells) recalculates.
        if (n && c !== '' && !framework) td.classList.add('h' + Math.max(1, Math.ceil((10 * n) / max)));
        let b;
        if (framework && c !== '') {
          // The note, else the first segment and its informant, then the count; text only.
          const said = fw && fw.note !== undefined ? format(L.note, fw.note) : fw && fw.summary !== undefined ? format(L.firstSegment, fw.informant || '', fw.summary) : L.noSummary;
          b = el('button', { ariaLabel: format(L.frameworkCell, r.name, c, n, said), tabindex: '0' },
            fw && fw.note !== undefined ? el('div', { class: 'note', text: fw.note }) : null,
            fw && fw.note === undefined && fw.summary !== undefined ? el('div', {}, el('span', { class: 'summary', text: '“' + fw.summary + '”' }), ' ', el('span', { class: 'who', text: '(' + (fw.informant || '') + ')' })) : null,
            n ? el('div', { class: 'count', text: String(n) }) : null);
          if (fw) shownCells[r.name + ' × ' + c] = b.textContent;
        } else b = el('button', { text: n ? String(n) : '·', ariaLabel: format(L.cell, r.name, c || L.total, n), tabindex: '0' });
        b.dataset.row = r.name; b.dataset.kind = r.kind; b.dataset.column = c;
        if (n) b.dataset.count = String(n);
        if (focused === r.kind + '\\u0000' + r.name + '\\u0000' + c) refocusTo = b;
        td.append(b);
        tr.append(td);
      }
      return tr;
    };
    /** Appends the next rows; puts the focus back on the element that had it, once it is drawn again. */
    let next = 0;
    const draw = (until) => {
      const rows = document.createDocumentFragment();
      while (next < shown.length && until()) rows.append(row(shown[next++]));
      body.append(rows);
      if (refocusTo && refocusTo.isConnected) { refocusTo.focus({ preventScroll: true }); refocusTo = undefined; }
    };
    const first = Math.max(Math.ceil(window.innerHeight / ROW_PX), inView);
    table.append(body);
    out.replaceChildren(table);
    draw(() => next < first);
    if (next < shown.length) table.setAttribute('aria-busy', 'true');
    // One listener each for the whole table (cells carry their row, kind and column): thousands
    // of cells need no listener of their own, which is most of a large matrix's first paint.
    table.addEventListener('focusin', (e) => {
      const b = e.target.closest('td button');
      if (!b || b.dataset.column === '') return;
      lastCell = { row: b.dataset.row, column: b.dataset.column };
      vscode.postMessage({ type: 'focus', row: b.dataset.row, column: b.dataset.column });
    });
    table.addEventListener('click', (e) => {
      const b = e.target.closest('td button');
      if (b && b.dataset.count) vscode.postMessage({ type: 'cell', row: b.dataset.row, kind: b.dataset.kind, column: b.dataset.column });
    });
    // Once the first screenful is painted (the task after the next frame; a timer too, as a
    // hidden page gets no frames), the page says so and draws the rest, a slice per task, with
    // input and painting between the slices. The last one reports the whole table.
    let started = false;
    const rest = () => {
      if (started || gen !== drawing) return;
      started = true;
      vscode.postMessage({ type: 'firstScreen', rows: next, pageMs: performance.now() - received });
      const slice = () => {
        if (gen !== drawing) return;
        const end = performance.now() + SLICE_MS;
        draw(() => performance.now() < end);
        if (next < shown.length) return void setTimeout(slice, 0);
        table.removeAttribute('aria-busy');
        report(out, shownCells);
      };
      slice();
    };
    requestAnimationFrame(() => setTimeout(rest, 0));
    setTimeout(rest, 1000);
  }

  /** What the page drew: its rows, the columns of its header, the cells with a count, and each cell's text in framework mode. */
  function report(out, texts) {
    const columns = [...out.querySelectorAll('thead th')].slice(1, -1).map((th) => th.textContent);
    const cells = out.querySelectorAll('tbody td.heat:not(.total)').length;
    vscode.postMessage({ type: 'rendered', rendered: { seq, params, rows: out.querySelectorAll('tbody tr').length, columns, cells, message: out.querySelector('p')?.textContent ?? '', mode: params.mode === 'framework' ? 'framework' : 'counts', texts } });
  }

  // Arrow keys move between cells, as in a spreadsheet.
  document.addEventListener('keydown', (e) => {
    const b = document.activeElement;
    if (!(b instanceof HTMLButtonElement) || !b.closest('td')) return;
    const td = b.closest('td'), tr = td.parentElement;
    // F2 on a cell edits its note (framework.md), as F2 renames elsewhere in VS Code.
    if (e.key === 'F2' && b.dataset.column) {
      vscode.postMessage({ type: 'editNote', row: b.dataset.row, column: b.dataset.column });
      e.preventDefault();
      return;
    }
    const col = [...tr.children].indexOf(td);
    let target;
    if (e.key === 'ArrowRight') target = td.nextElementSibling;
    else if (e.key === 'ArrowLeft') target = td.previousElementSibling;
    else if (e.key === 'ArrowDown') target = tr.nextElementSibling?.children[col];
    else if (e.key === 'ArrowUp') target = tr.previousElementSibling?.children[col];
    const next = target?.querySelector('button');
    if (next) { next.focus(); e.preventDefault(); }
  });

  window.addEventListener('message', (e) => {
    if (e.data?.type !== 'data') return;
    received = performance.now();
    params = e.data.params; result = e.data.result; seq = e.data.seq;
    render();
  });
`;

export async function editFrameworkNote(connection: QdaConnection, row: string, column: string, text?: string): Promise<FrameworkNoteResult> {
  const result = await connection.request(frameworkNoteRequest, { row, column, text });
  if (result.error || result.edit) {
    if (!(await applyServerEdit(connection, result))) return result;
  }
  if (text === undefined) {
    const at = new vscode.Position(result.position.line, result.position.character);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(result.uri));
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(at, at), preview: false });
  }
  return result;
}

export function registerMatrixView(context: vscode.ExtensionContext, connection: QdaConnection): void {
  context.subscriptions.push(
    // Resolves with the data the page has drawn (for tests and the first-paint bench).
    vscode.commands.registerCommand('qda.matrixShow', async (params?: Partial<MatrixParams>) => (await MatrixPanel.show(connection, params ?? {})).shown),
    vscode.commands.registerCommand('qda.matrixSaveXlsx', async (target?: vscode.Uri) => MatrixPanel.current?.saveXlsx(target)),
    // The focused cell's note (F2 in the page does the same); { row, column, text } writes one.
    vscode.commands.registerCommand('qda.matrixEditNote', async (cell?: { row: string; column: string; text?: string }) => {
      const target = cell ?? MatrixPanel.current?.focused;
      if (!target) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Move the focus to a cell of the framework matrix first.'));
        return undefined;
      }
      return editFrameworkNote(connection, target.row, target.column, cell?.text);
    }),
  );
}
