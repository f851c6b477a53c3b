// The framework matrix as a webview: themes › groups › codes by informant or by the values of an
// informant attribute, counting codings, informants or words, with heat shading. A cell opens its
// segments. Counts come from the server's qda/matrix (the same core as `qda matrix`), and follow
// edits: the panel asks again whenever the index changes.
//
// The page is an AnalysisPanel's (webviewPanel.ts): a strict Content-Security-Policy (no
// network, a nonce for its one script and style), every element built with textContent, so a
// name holding HTML stays text. After drawing it reports its rows and non-empty cells.
import * as vscode from 'vscode';
import type { QdaConnection } from './connection';
import { AnalysisPanel, type PageMessage } from './webviewPanel';
import { SegmentsPanel } from './segmentsView';
import { saveXlsx } from './analysisExport';
import { matrixRequest, type MatrixParams, type MatrixResult } from '../../server/src/protocol';

export interface MatrixRendered {
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
}

export class MatrixPanel extends AnalysisPanel<MatrixRendered> {
  static current: MatrixPanel | undefined;
  params: MatrixParams = { rows: 'codes', cols: 'informants', count: 'codings', coder: '' };
  /** The data last sent to the page (for tests: what the student sees). */
  shown: MatrixResult | undefined;

  private constructor(connection: QdaConnection) {
    super(connection, { viewType: 'qda.matrix', title: vscode.l10n.t('Framework Matrix'), column: vscode.ViewColumn.Active }, {
      labels: MatrixPanel.labels(),
      style: STYLE,
      body: '<div class="controls" id="controls"></div>\n<div id="out"></div>',
      script: SCRIPT,
    });
  }

  /** Opens (or reveals) the matrix and resolves once the page has drawn `params`. */
  static async show(connection: QdaConnection, params: Partial<MatrixParams> = {}): Promise<MatrixPanel> {
    let panel = MatrixPanel.current;
    if (panel) panel.panel.reveal();
    else MatrixPanel.current = panel = new MatrixPanel(connection);
    const rendered = panel.nextRender();
    await panel.update(params);
    await rendered;
    return panel;
  }

  async update(params: Partial<MatrixParams> = {}): Promise<MatrixResult> {
    this.params = { ...this.params, ...params };
    const result = await this.connection.request(matrixRequest, this.params);
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
  }

  /** Writes what the matrix shows as an Excel workbook (as `qda export matrix-xlsx`). */
  saveXlsx(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    return saveXlsx(this.connection, { kind: 'matrix', matrix: this.params }, 'matrix.xlsx', target);
  }

  /** Lists a cell's segments (column '' for the whole row) in the Coded Segments view, beside the matrix. */
  async openCell(row: string, kind: 'theme' | 'group' | 'code', column: string): Promise<SegmentsPanel> {
    const source = column ? vscode.l10n.t('Framework matrix: {0} × {1}', row, column) : vscode.l10n.t('Framework matrix: {0}', row);
    return SegmentsPanel.show(this.connection, { cell: { ...this.params, row, kind, column } }, source, vscode.ViewColumn.Beside);
  }

  /** Labels in the UI language, handed to the page as data (never as markup). */
  private static labels(): Record<string, string> {
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
    };
  }

  override dispose(): void {
    super.dispose();
    if (MatrixPanel.current === this) MatrixPanel.current = undefined;
  }
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
  th button.toggle { all: unset; cursor: pointer; width: 1em; display: inline-block; }
  td.total { font-weight: 600; }
  body.vscode-high-contrast td.heat button { outline: 1px dashed var(--vscode-contrastBorder); }
`;

const SCRIPT = `  let params, result;
  const collapsed = new Set();

  const param = (name, label, options, value) => select('sel-' + name, label, options, value, (v) => vscode.postMessage({ type: 'params', params: { [name]: v } }));

  function render() {
    const controls = document.getElementById('controls');
    const save = el('button', { class: 'save', id: 'save', text: L.saveXlsx });
    save.addEventListener('click', () => vscode.postMessage({ type: 'saveXlsx' }));
    keepFocus(() => controls.replaceChildren(
      param('rows', L.rows, [['themes', L.themes], ['groups', L.groups], ['codes', L.codes]], params.rows),
      param('cols', L.columns, [['informants', L.informants], ...result.attributes.map((a) => [a, a])], params.cols),
      param('count', L.count, [['codings', L.codings], ['informants', L.informantsCount], ['words', L.words]], params.count),
      param('coder', L.coder, [['', L.allCoders], ...result.coders.map((c) => [c, c])], params.coder || ''),
      save,
    ));
    const out = document.getElementById('out');
    if (!result.rows.length) {
      out.replaceChildren(el('p', { text: result.error || L.empty }));
      return report(out);
    }
    const max = Math.max(1, ...result.rows.filter((r) => r.kind === 'code' || params.rows !== 'codes').flatMap((r) => result.columns.map((c) => r.cells[c])));
    const table = el('table', { role: 'grid' }, el('caption', { text: L.caption }));
    table.append(el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: '' }), ...result.columns.map((c) => el('th', { scope: 'col', text: c })), el('th', { scope: 'col', text: L.total }))));
    const body = el('tbody');
    let hiddenBelow = Infinity;
    for (const r of result.rows) {
      if (r.depth > hiddenBelow) continue;
      hiddenBelow = Infinity;
      const key = r.kind + '\\u0000' + r.name;
      // A theme has rows below it unless only themes are shown; a group only when codes are.
      const hasChildren = r.kind === 'theme' ? params.rows !== 'themes' : r.kind === 'group' && params.rows === 'codes';
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
        const td = el('td', { class: (n ? 'heat' : 'zero') + (c === '' ? ' total' : '') });
        if (n && c !== '') td.style.background = 'color-mix(in srgb, var(--vscode-charts-blue) ' + Math.round(10 + 60 * n / max) + '%, transparent)';
        const b = el('button', { text: n ? String(n) : '·', ariaLabel: format(L.cell, r.name, c || L.total, n), tabindex: '0' });
        b.dataset.row = r.name; b.dataset.kind = r.kind; b.dataset.column = c;
        if (n) b.addEventListener('click', () => vscode.postMessage({ type: 'cell', row: r.name, kind: r.kind, column: c }));
        td.append(b);
        tr.append(td);
      }
      body.append(tr);
    }
    table.append(body);
    out.replaceChildren(table);
    report(out);
  }

  /** What the page drew: its rows, the columns of its header and the cells with a count. */
  function report(out) {
    const columns = [...out.querySelectorAll('thead th')].slice(1, -1).map((th) => th.textContent);
    const cells = out.querySelectorAll('tbody td.heat:not(.total)').length;
    vscode.postMessage({ type: 'rendered', rendered: { params, rows: out.querySelectorAll('tbody tr').length, columns, cells, message: out.querySelector('p')?.textContent ?? '' } });
  }

  // Arrow keys move between cells, as in a spreadsheet.
  document.addEventListener('keydown', (e) => {
    const b = document.activeElement;
    if (!(b instanceof HTMLButtonElement) || !b.closest('td')) return;
    const td = b.closest('td'), tr = td.parentElement;
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
`;

export function registerMatrixView(context: vscode.ExtensionContext, connection: QdaConnection): void {
  context.subscriptions.push(
    // Resolves with the data the page has drawn (for tests and the first-paint bench).
    vscode.commands.registerCommand('qda.matrixShow', async (params?: Partial<MatrixParams>) => (await MatrixPanel.show(connection, params ?? {})).shown),
    vscode.commands.registerCommand('qda.matrixSaveXlsx', async (target?: vscode.Uri) => MatrixPanel.current?.saveXlsx(target)),
  );
}
