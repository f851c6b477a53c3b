// The Charts view: code or theme frequency by informant or attribute (stacked bars), codes per
// informant, and the co-occurrence heat map with its table of pairs (a pair lists its segments
// in the Coded Segments view). The SVG comes from the server (core/analysis/charts.ts, the same
// drawing as `qda export chart-svg`); its colour classes are mapped here to the VS Code theme's
// chart colours. "Save SVG…" writes the chart with a light or dark palette for the chapter.
//
// Strict Content-Security-Policy (no network, a nonce for the one script and style); the SVG is
// parsed as XML with DOMParser and adopted (never innerHTML), and every other value is set as
// textContent.
import * as vscode from 'vscode';
import type { QdaConnection } from './connection';
import { chartRequest, type ChartParams, type ChartResult } from '../../server/src/protocol';
import { SegmentsPanel } from './segmentsView';

/** What the page reported after drawing (for tests and the first-paint measurement). */
export interface ChartRendered {
  chart: ChartParams['chart'];
  /** The SVG's <desc>: every bar's total, or every pair's count, as the page holds it. */
  desc: string;
  /** Rows of the co-occurrence table. */
  tableRows: number;
}

export class ChartsPanel implements vscode.Disposable {
  static current: ChartsPanel | undefined;
  readonly panel: vscode.WebviewPanel;
  params: ChartParams = { chart: 'bars', rows: 'themes', cols: 'informants', count: 'codings', coder: '', measure: 'overlapping', top: 30 };
  shown: ChartResult | undefined;
  rendered: ChartRendered | undefined;
  private ready = false;
  private readonly readyWaiters: Array<() => void> = [];
  private readonly renderWaiters: Array<(r: ChartRendered) => void> = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly connection: QdaConnection) {
    this.panel = vscode.window.createWebviewPanel('qda.charts', vscode.l10n.t('Charts'), vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [] });
    this.panel.webview.html = this.html();
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: { type: string; [k: string]: unknown }) => void this.receive(m)),
      this.panel.onDidChangeViewState(() => {
        if (!this.panel.visible) this.ready = false;
      }),
      connection.onIndexChanged(() => {
        if (!this.panel.visible) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.update(), 300);
      }),
    );
  }

  static async show(connection: QdaConnection, params: Partial<ChartParams> = {}): Promise<ChartsPanel> {
    let panel = ChartsPanel.current;
    if (panel) panel.panel.reveal();
    else ChartsPanel.current = panel = new ChartsPanel(connection);
    const rendered = panel.nextRender();
    await panel.update(params);
    await rendered;
    return panel;
  }

  nextRender(): Promise<ChartRendered> {
    return new Promise((resolve) => this.renderWaiters.push(resolve));
  }

  /** The chart's title and unit in the UI's language. */
  private texts(p: ChartParams): { title: string; unit: string } {
    const unit = { codings: vscode.l10n.t('codings'), informants: vscode.l10n.t('informants'), words: vscode.l10n.t('words coded') }[p.count];
    const by = p.cols === 'informants' ? vscode.l10n.t('informant') : p.cols;
    if (p.chart === 'cooccurrence') return { title: p.measure === 'sameTurn' ? vscode.l10n.t('Co-occurrence: codings in the same turn') : vscode.l10n.t('Co-occurrence: overlapping codings'), unit: '' };
    const what = { themes: vscode.l10n.t('Themes'), groups: vscode.l10n.t('Groups'), codes: vscode.l10n.t('Codes') }[p.rows];
    return { title: p.chart === 'bars' ? vscode.l10n.t('{0}: {1} by {2}', what, unit, by) : vscode.l10n.t('{0}: {1} per {2}', what, unit, by), unit };
  }

  async update(params: Partial<ChartParams> = {}): Promise<ChartResult> {
    this.params = { ...this.params, ...params };
    const result = await this.connection.request(chartRequest, { ...this.params, ...this.texts(this.params), theme: 'none' });
    this.shown = result;
    if (!this.ready) await new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    await this.panel.webview.postMessage({ type: 'data', params: this.params, result });
    return result;
  }

  /** Handles a message of the page (tests hand it the same messages a click sends). */
  async receive(m: { type: string; [k: string]: unknown }): Promise<void> {
    if (m.type === 'ready') {
      this.ready = true;
      const waiting = this.readyWaiters.splice(0);
      for (const w of waiting) w();
      if (!waiting.length && this.shown) await this.update();
    } else if (m.type === 'rendered') {
      this.rendered = m.rendered as ChartRendered;
      for (const w of this.renderWaiters.splice(0)) w(this.rendered);
    } else if (m.type === 'params') {
      await this.update(m.params as Partial<ChartParams>);
    } else if (m.type === 'pair') {
      const a = String(m.a);
      const b = String(m.b);
      const scope = this.params.measure === 'sameTurn' ? 'turn' : 'overlap';
      await SegmentsPanel.show(this.connection, { both: [a, b], scope, coder: this.params.coder || undefined }, this.params.measure === 'sameTurn' ? vscode.l10n.t('{0} and {1} in the same turn', a, b) : vscode.l10n.t('{0} and {1}, overlapping', a, b), vscode.ViewColumn.Beside);
    } else if (m.type === 'save') {
      await this.save();
    }
  }

  /** Writes the chart as an SVG file, in the palette of the current theme (light or dark). */
  async save(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const dark = vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.Dark || vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.HighContrast;
    const result = await this.connection.request(chartRequest, { ...this.params, ...this.texts(this.params), theme: dark ? 'dark' : 'light' });
    if (result.error || !result.svg) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The chart could not be saved: {0}', result.error ?? ''));
      return undefined;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = target ?? (await vscode.window.showSaveDialog({ defaultUri: folder && vscode.Uri.joinPath(folder, `${this.params.chart}.svg`), filters: { SVG: ['svg'] }, title: vscode.l10n.t('Save Chart as SVG') }));
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(result.svg));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Saved {0}.', vscode.workspace.asRelativePath(uri, false)), 4000);
    return uri;
  }

  private html(): string {
    const nonce = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'none'; font-src 'none'; connect-src 'none'`;
    const labels = {
      chart: vscode.l10n.t('Chart'),
      bars: vscode.l10n.t('Frequency by informant or attribute'),
      informants: vscode.l10n.t('Codings per informant'),
      cooccurrence: vscode.l10n.t('Co-occurrence heat map'),
      rows: vscode.l10n.t('Rows'),
      themes: vscode.l10n.t('Themes'),
      groups: vscode.l10n.t('Groups'),
      codes: vscode.l10n.t('Codes'),
      columns: vscode.l10n.t('Columns'),
      informantsCol: vscode.l10n.t('Informants'),
      count: vscode.l10n.t('Count'),
      codings: vscode.l10n.t('Codings'),
      informantsCount: vscode.l10n.t('Informants (distinct)'),
      words: vscode.l10n.t('Words coded'),
      coder: vscode.l10n.t('Coder'),
      allCoders: vscode.l10n.t('All coders'),
      measure: vscode.l10n.t('Together means'),
      overlapping: vscode.l10n.t('overlapping'),
      sameTurn: vscode.l10n.t('in the same turn'),
      top: vscode.l10n.t('Codes shown'),
      save: vscode.l10n.t('Save SVG…'),
      codeA: vscode.l10n.t('Code'),
      codeB: vscode.l10n.t('Code'),
      overlapCount: vscode.l10n.t('Overlapping'),
      turnCount: vscode.l10n.t('Same turn'),
      pairLabel: vscode.l10n.t('{0} and {1}: {2}. Enter lists the segments.'),
      tableCaption: vscode.l10n.t('Pairs of codes, most frequent first. A pair lists its segments.'),
      empty: vscode.l10n.t('No codings to chart yet.'),
    };
    return `<!DOCTYPE html>
<html lang="${vscode.env.language.startsWith('nb') || vscode.env.language.startsWith('no') ? 'nb' : 'en'}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 8px 16px; }
  .controls { display: flex; gap: 8px 16px; flex-wrap: wrap; margin-bottom: 12px; align-items: center; }
  label { display: flex; gap: 6px; align-items: center; }
  select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border: 1px solid var(--vscode-dropdown-border); padding: 2px 4px; }
  button.save { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 3px 10px; cursor: pointer; font: inherit; }
  #chart svg { max-width: 100%; height: auto; }
  #chart text { font-family: var(--vscode-font-family); font-size: 12px; }
  #chart .title { font-size: 14px; font-weight: 600; }
  #chart .value { font-size: 11px; }
  #chart .bg { fill: var(--vscode-editor-background); }
  #chart .fg { fill: var(--vscode-foreground); }
  #chart .muted { fill: var(--vscode-descriptionForeground); }
  #chart .grid { stroke: var(--vscode-charts-lines, var(--vscode-panel-border)); }
  #chart .heat { fill: var(--vscode-charts-blue); }
  #chart .s0 { fill: var(--vscode-charts-blue); }
  #chart .s1 { fill: var(--vscode-charts-orange); }
  #chart .s2 { fill: var(--vscode-charts-green); }
  #chart .s3 { fill: var(--vscode-charts-purple); }
  #chart .s4 { fill: var(--vscode-charts-yellow); }
  #chart .s5 { fill: var(--vscode-charts-red); }
  #chart .s6 { fill: color-mix(in srgb, var(--vscode-charts-blue) 50%, var(--vscode-charts-foreground, var(--vscode-foreground))); }
  #chart .s7 { fill: color-mix(in srgb, var(--vscode-charts-orange) 50%, var(--vscode-charts-foreground, var(--vscode-foreground))); }
  #chart .s8 { fill: color-mix(in srgb, var(--vscode-charts-green) 50%, var(--vscode-charts-foreground, var(--vscode-foreground))); }
  #chart .s9 { fill: color-mix(in srgb, var(--vscode-charts-purple) 50%, var(--vscode-charts-foreground, var(--vscode-foreground))); }
  body.vscode-high-contrast #chart path[class^="s"], body.vscode-high-contrast #chart path.heat { stroke: var(--vscode-contrastBorder); stroke-width: 1; }
  table { border-collapse: collapse; margin-top: 16px; }
  caption { text-align: left; color: var(--vscode-descriptionForeground); padding-bottom: 6px; }
  th, td { border: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); padding: 2px 8px; text-align: left; }
  td.n { text-align: right; }
  td button { all: unset; cursor: pointer; display: block; width: 100%; }
  td button:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
  .error { color: var(--vscode-errorForeground); }
</style>
</head>
<body>
<div class="controls" id="controls"></div>
<div id="chart"></div>
<div id="table"></div>
<script nonce="${nonce}">
(() => {
  const vscode = acquireVsCodeApi();
  const L = ${JSON.stringify(labels).replace(/</g, '\\u003c')};
  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else if (k.startsWith('aria') || k === 'role' || k === 'scope' || k === 'value' || k === 'id' || k === 'for') e.setAttribute(k.replace(/^aria([A-Z])/, (m, c) => 'aria-' + c.toLowerCase()), v);
      else e[k] = v;
    }
    for (const c of children) if (c !== undefined && c !== null) e.append(c);
    return e;
  };
  const format = (template, ...args) => template.replace(/\\{(\\d+)\\}/g, (m, i) => String(args[Number(i)]));
  let params, result;

  function select(name, label, options, value) {
    const s = el('select', { id: 'sel-' + name });
    for (const [v, text] of options) s.append(el('option', { value: v, text }));
    s.value = String(value);
    s.addEventListener('change', () => vscode.postMessage({ type: 'params', params: { [name]: name === 'top' ? Number(s.value) : s.value } }));
    return el('label', { for: 'sel-' + name }, el('span', { text: label }), s);
  }

  function render() {
    const co = params.chart === 'cooccurrence';
    const save = el('button', { class: 'save', text: L.save });
    save.addEventListener('click', () => vscode.postMessage({ type: 'save' }));
    document.getElementById('controls').replaceChildren(
      select('chart', L.chart, [['bars', L.bars], ['informants', L.informants], ['cooccurrence', L.cooccurrence]], params.chart),
      ...(co
        ? [select('measure', L.measure, [['overlapping', L.overlapping], ['sameTurn', L.sameTurn]], params.measure), select('top', L.top, [10, 20, 30, 50, 100].map((n) => [String(n), String(n)]), params.top)]
        : [
            select('rows', L.rows, [['themes', L.themes], ['groups', L.groups], ['codes', L.codes]], params.rows),
            select('cols', L.columns, [['informants', L.informantsCol], ...result.attributes.map((a) => [a, a])], params.cols),
            select('count', L.count, [['codings', L.codings], ['informants', L.informantsCount], ['words', L.words]], params.count),
          ]),
      select('coder', L.coder, [['', L.allCoders], ...result.coders.map((c) => [c, c])], params.coder || ''),
      save,
    );
    const chart = document.getElementById('chart');
    let desc = '';
    if (result.error || !result.svg) chart.replaceChildren(el('p', { class: 'error', text: result.error || L.empty }));
    else {
      // Parsed as XML and adopted: the SVG's text stays text, and no script could run from it.
      const doc = new DOMParser().parseFromString(result.svg, 'image/svg+xml');
      if (doc.querySelector('parsererror')) chart.replaceChildren(el('p', { class: 'error', text: L.empty }));
      else {
        chart.replaceChildren(document.importNode(doc.documentElement, true));
        desc = chart.querySelector('desc')?.textContent ?? '';
      }
    }
    const table = document.getElementById('table');
    let rows = 0;
    if (co && result.pairs?.length) {
      const t = el('table', {}, el('caption', { text: L.tableCaption }), el('thead', {}, el('tr', {}, ...[L.codeA, L.codeB, L.overlapCount, L.turnCount].map((h) => el('th', { scope: 'col', text: h })))));
      const body = el('tbody');
      for (const p of result.pairs) {
        const n = params.measure === 'sameTurn' ? p.sameTurn : p.overlapping;
        const b = el('button', { text: String(n), ariaLabel: format(L.pairLabel, p.a, p.b, n) });
        b.addEventListener('click', () => vscode.postMessage({ type: 'pair', a: p.a, b: p.b }));
        const other = el('td', { class: 'n', text: String(params.measure === 'sameTurn' ? p.overlapping : p.sameTurn) });
        const mine = el('td', { class: 'n' }, b);
        body.append(el('tr', {}, el('td', { text: p.a }), el('td', { text: p.b }), ...(params.measure === 'sameTurn' ? [other, mine] : [mine, other])));
        rows++;
      }
      t.append(body);
      table.replaceChildren(t);
    } else table.replaceChildren();
    vscode.postMessage({ type: 'rendered', rendered: { chart: params.chart, desc, tableRows: rows } });
  }

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
    if (ChartsPanel.current === this) ChartsPanel.current = undefined;
  }
}

export function registerChartsView(context: vscode.ExtensionContext, connection: QdaConnection): void {
  context.subscriptions.push(
    // Returns what the page drew (for tests): the data and its report.
    vscode.commands.registerCommand('qda.chartsShow', async (params?: Partial<ChartParams>) => {
      const panel = await ChartsPanel.show(connection, params ?? {});
      return { result: panel.shown, rendered: panel.rendered };
    }),
    vscode.commands.registerCommand('qda.chartSave', async (target?: vscode.Uri) => ChartsPanel.current?.save(target)),
  );
}
