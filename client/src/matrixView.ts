// The framework matrix as a webview: themes › groups › codes by informant or by the values of an
// informant attribute, counting codings, informants or words, with heat shading. A cell opens its
// segments. Counts come from the server's qda/matrix (the same core as `qda matrix`), and follow
// edits: the panel asks again whenever the index changes.
//
// The page gets a strict Content-Security-Policy (no network, a nonce for its one script and
// style) and builds every element with textContent, so a name holding HTML stays text.
import * as vscode from 'vscode';
import type { QdaConnection } from './connection';
import { SegmentsPanel } from './segmentsView';
import { saveXlsx } from './analysisExport';
import { applyServerEdit } from './serverEdits';
import { frameworkNoteRequest, frameworkRequest, matrixRequest, type FrameworkNoteResult, type MatrixParams, type MatrixResult } from '../../server/src/protocol';

/** What the page reports after drawing (for tests: what the student sees). */
export interface MatrixRendered {
  mode: 'counts' | 'framework';
  /** Each non-empty body cell's text, by 'row × column'. */
  cells: Record<string, string>;
}

export class MatrixPanel implements vscode.Disposable {
  static current: MatrixPanel | undefined;
  readonly panel: vscode.WebviewPanel;
  params: MatrixParams = { rows: 'codes', cols: 'informants', count: 'codings', coder: '' };
  /** The data last sent to the page (for tests: what the student sees). */
  shown: MatrixResult | undefined;
  rendered: MatrixRendered | undefined;
  /** The cell the page's focus is in, for "Edit Note of Matrix Cell…" from the command palette. */
  focused: { row: string; column: string } | undefined;
  private renderWaiters: Array<(r: MatrixRendered) => void> = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: Array<() => void> = [];

  private constructor(private readonly connection: QdaConnection) {
    this.panel = vscode.window.createWebviewPanel('qda.matrix', vscode.l10n.t('Framework Matrix'), vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [] });
    this.panel.webview.html = this.html();
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: { type: string; [k: string]: unknown }) => void this.receive(m)),
      connection.onIndexChanged(() => {
        // A hidden panel's page is gone (no retained context) and asks again when shown: no
        // recount of the whole matrix for every coding made meanwhile.
        if (!this.panel.visible) {
          this.shown = undefined;
          return;
        }
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.update(), 300);
      }),
    );
  }

  static show(connection: QdaConnection): MatrixPanel {
    if (MatrixPanel.current) MatrixPanel.current.panel.reveal();
    else MatrixPanel.current = new MatrixPanel(connection);
    return MatrixPanel.current;
  }

  /** Resolves once the page has been sent data for the current parameters. */
  onUpdated(listener: () => void): void {
    this.listeners.push(listener);
  }

  async update(params: Partial<MatrixParams> = {}): Promise<MatrixResult> {
    this.params = { ...this.params, ...params };
    // Framework mode asks for the counts and the cells' summaries in one request.
    const result = this.params.mode === 'framework' ? await this.connection.request(frameworkRequest, this.params) : await this.connection.request(matrixRequest, this.params);
    this.shown = result;
    await this.panel.webview.postMessage({ type: 'data', params: this.params, result });
    for (const l of this.listeners.splice(0)) l();
    return result;
  }

  /** Handles a message of the page (tests hand it the same messages a click or a typed query sends). */
  async receive(m: { type: string; [k: string]: unknown }): Promise<void> {
    if (m.type === 'ready') await this.update();
    else if (m.type === 'params') await this.update(m.params as Partial<MatrixParams>);
    else if (m.type === 'saveXlsx') await this.saveXlsx();
    else if (m.type === 'cell') await this.openCell(String(m.row), m.kind as 'theme' | 'group' | 'code', String(m.column));
    else if (m.type === 'focus') this.focused = m.row === undefined ? undefined : { row: String(m.row), column: String(m.column) };
    else if (m.type === 'editNote') await this.editNote(String(m.row), String(m.column));
    else if (m.type === 'rendered') {
      this.rendered = m.rendered as MatrixRendered;
      for (const w of this.renderWaiters.splice(0)) w(this.rendered);
    }
  }

  /** Resolves with what the page reports after its next drawing. */
  nextRender(): Promise<MatrixRendered> {
    return new Promise((resolve) => this.renderWaiters.push(resolve));
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

  /** Lists a cell's segments (column '' for the whole row) in the Coded Segments view, beside the matrix. */
  async openCell(row: string, kind: 'theme' | 'group' | 'code', column: string): Promise<SegmentsPanel> {
    const source = column ? vscode.l10n.t('Framework matrix: {0} × {1}', row, column) : vscode.l10n.t('Framework matrix: {0}', row);
    return SegmentsPanel.show(this.connection, { cell: { ...this.params, row, kind, column } }, source, vscode.ViewColumn.Beside);
  }

  private html(): string {
    const nonce = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'none'; font-src 'none'; connect-src 'none'`;
    // Labels in the UI language, handed to the page as data (never as markup).
    const labels = {
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
    return `<!DOCTYPE html>
<html lang="${vscode.env.language.startsWith('nb') || vscode.env.language.startsWith('no') ? 'nb' : 'en'}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 8px 16px; }
  .controls { display: flex; gap: 16px; flex-wrap: wrap; margin-bottom: 12px; }
  label { display: flex; gap: 6px; align-items: center; }
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
  th button.toggle { all: unset; cursor: pointer; width: 1em; display: inline-block; }
  td.total { font-weight: 600; }
  body.vscode-high-contrast td.heat button { outline: 1px dashed var(--vscode-contrastBorder); }
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
</style>
</head>
<body>
<div class="controls" id="controls"></div>
<div id="out"></div>
<script nonce="${nonce}">
(() => {
  const vscode = acquireVsCodeApi();
  const L = ${JSON.stringify(labels).replace(/</g, '\\u003c')};
  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else if (k.startsWith('aria') || k === 'role' || k === 'scope' || k === 'value' || k === 'id' || k === 'for' || k === 'tabindex') e.setAttribute(k.replace(/^aria([A-Z])/, (m, c) => 'aria-' + c.toLowerCase()), v);
      else e[k] = v;
    }
    for (const c of children) if (c) e.append(c);
    return e;
  };
  const format = (template, ...args) => template.replace(/\\{(\\d+)\\}/g, (m, i) => String(args[Number(i)]));
  let params, result, lastCell, refocus;
  const collapsed = new Set();

  function select(name, label, options, value) {
    const s = el('select', { id: 'sel-' + name });
    for (const [v, text] of options) s.append(el('option', { value: v, text }));
    s.value = value;
    s.addEventListener('change', () => vscode.postMessage({ type: 'params', params: { [name]: s.value } }));
    return el('label', { for: 'sel-' + name }, el('span', { text: label }), s);
  }

  function render() {
    const controls = document.getElementById('controls');
    const save = el('button', { class: 'save', text: L.saveXlsx });
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
    controls.replaceChildren(
      mode,
      select('rows', L.rows, [['themes', L.themes], ['groups', L.groups], ['codes', L.codes]], params.rows),
      select('cols', L.columns, [['informants', L.informants], ...result.attributes.map((a) => [a, a])], params.cols),
      select('count', L.count, [['codings', L.codings], ['informants', L.informantsCount], ['words', L.words]], params.count),
      select('coder', L.coder, [['', L.allCoders], ...result.coders.map((c) => [c, c])], params.coder || ''),
      save,
      framework ? edit : null,
    );
    const out = document.getElementById('out');
    // The toggle pressed from the keyboard keeps the focus across the redrawing it causes.
    if (refocus) document.getElementById(refocus)?.focus();
    refocus = undefined;
    if (!result.rows.length) {
      out.replaceChildren(el('p', { text: result.error || L.empty }));
      return vscode.postMessage({ type: 'rendered', rendered: { mode: framework ? 'framework' : 'counts', cells: {} } });
    }
    const max = Math.max(1, ...result.rows.filter((r) => r.kind === 'code' || params.rows !== 'codes').flatMap((r) => result.columns.map((c) => r.cells[c])));
    const fileName = framework ? decodeURIComponent(String(result.uri).split('/').pop()) : '';
    const table = el('table', { role: 'grid', class: framework ? 'framework' : '' }, el('caption', { text: framework ? format(L.frameworkCaption, fileName) : L.caption }));
    const shownCells = {};
    table.append(el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: '' }), ...result.columns.map((c) => el('th', { scope: 'col', text: c })), el('th', { scope: 'col', text: L.total }))));
    const body = el('tbody');
    let hiddenBelow = Infinity;
    result.rows.forEach((r, rowIndex) => {
      if (r.depth > hiddenBelow) return;
      hiddenBelow = Infinity;
      const key = r.kind + '\\u0000' + r.name;
      const hasChildren = r.kind !== 'code' && params.rows !== 'themes';
      const isCollapsed = collapsed.has(key);
      if (isCollapsed) hiddenBelow = r.depth;
      const head = el('th', { scope: 'row' });
      head.style.paddingLeft = (8 + r.depth * 16) + 'px';
      if (hasChildren) {
        const t = el('button', { class: 'toggle', text: isCollapsed ? '▸' : '▾', ariaExpanded: String(!isCollapsed), ariaLabel: format(L.collapse, r.name) });
        t.addEventListener('click', () => { isCollapsed ? collapsed.delete(key) : collapsed.add(key); render(); });
        head.append(t, ' ');
      }
      head.append(r.name);
      const tr = el('tr', { class: r.kind }, head);
      for (const c of [...result.columns, '']) {
        const n = c === '' ? r.total : r.cells[c];
        const fw = framework && c !== '' ? (result.cells[rowIndex] || {})[c] : undefined;
        const td = el('td', { class: (n || fw ? 'heat' : 'zero') + (c === '' ? ' total' : '') });
        if (n && c !== '' && !framework) td.style.background = 'color-mix(in srgb, var(--vscode-charts-blue) ' + Math.round(10 + 60 * n / max) + '%, transparent)';
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
        if (c !== '') b.addEventListener('focus', () => { lastCell = { row: r.name, column: c }; vscode.postMessage({ type: 'focus', row: r.name, column: c }); });
        if (n) b.addEventListener('click', () => vscode.postMessage({ type: 'cell', row: r.name, kind: r.kind, column: c }));
        td.append(b);
        tr.append(td);
      }
      body.append(tr);
    });
    table.append(body);
    out.replaceChildren(table);
    vscode.postMessage({ type: 'rendered', rendered: { mode: framework ? 'framework' : 'counts', cells: shownCells } });
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
    params = e.data.params; result = e.data.result;
    render();
  });
  vscode.postMessage({ type: 'ready' });
})();
</script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    if (MatrixPanel.current === this) MatrixPanel.current = undefined;
  }
}

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
    vscode.commands.registerCommand('qda.matrixShow', async (params?: Partial<MatrixParams>) => {
      const fresh = !MatrixPanel.current;
      const panel = MatrixPanel.show(connection);
      // A new page asks for data when it has loaded; wait for that first answer.
      if (fresh) await new Promise<void>((resolve) => panel.onUpdated(resolve));
      return params ? panel.update(params) : (panel.shown ?? panel.update());
    }),
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
