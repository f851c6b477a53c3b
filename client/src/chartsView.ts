// The Charts view: code or theme frequency by informant or attribute (stacked bars), codes per
// informant, and the co-occurrence heat map with its table of pairs (a pair lists its segments
// in the Coded Segments view). The SVG comes from the server (core/analysis/charts.ts, the same
// drawing as `qda export chart-svg`); its colour classes are mapped here to the VS Code theme's
// chart colours. "Save SVG…" writes the chart with a light or dark palette for the chapter;
// "Save PNG…" has the page draw that same SVG on a canvas at twice its size, for print.
//
// The page is an AnalysisPanel's (webviewPanel.ts): a strict Content-Security-Policy (no
// network, a nonce for the one script and style; images from blob: only, for the PNG); the SVG
// is parsed as XML with DOMParser and adopted (never innerHTML), and every other value is set
// as textContent.
import * as vscode from 'vscode';
import type { QdaConnection } from './connection';
import { chartRequest, type ChartParams, type ChartResult } from '../../server/src/protocol';
import { SegmentsPanel } from './segmentsView';
import { writeFileAtomic } from './analysisExport';
import { AnalysisPanel, type PageMessage } from './webviewPanel';

/** What the page reported after drawing (for tests and the first-paint measurement). */
export interface ChartRendered {
  /** Which data message the page drew (AnalysisPanel.drawn() waits for the latest). */
  seq: number;
  chart: ChartParams['chart'];
  /** The SVG's <desc>: every bar's total, or every pair's count, as the page holds it. */
  desc: string;
  /** Rows of the co-occurrence table. */
  tableRows: number;
  /** The "how many are shown" dropdown as the page drew it: its label, its value and its choices. */
  top?: { label: string; value: string; options: string[] };
}

/** A PNG is drawn at this many times the SVG's size: 2× makes a 900 px wide chart print sharp at 15 cm. */
export const PNG_SCALE = 2;

type PngReply = { data?: string; error?: string; width?: number; height?: number };

export class ChartsPanel extends AnalysisPanel<ChartRendered> {
  static current: ChartsPanel | undefined;
  params: ChartParams = { chart: 'bars', rows: 'themes', cols: 'informants', count: 'codings', coder: '', measure: 'overlapping', top: 30 };
  shown: ChartResult | undefined;
  private pngs = 0;
  private readonly pngWaiters = new Map<number, (reply: PngReply) => void>();

  private constructor(connection: QdaConnection) {
    super(connection, { viewType: 'qda.charts', title: vscode.l10n.t('Charts'), column: vscode.ViewColumn.Active }, {
      labels: ChartsPanel.labels(),
      style: STYLE,
      body: '<div class="controls" id="controls"></div>\n<div id="chart"></div>\n<div id="table"></div>',
      script: SCRIPT,
      imgSrc: 'blob:',
    });
  }

  static async show(connection: QdaConnection, params: Partial<ChartParams> = {}): Promise<ChartsPanel> {
    let panel = ChartsPanel.current;
    if (panel) panel.panel.reveal();
    else ChartsPanel.current = panel = new ChartsPanel(connection);
    await panel.update(params);
    await panel.drawn();
    return panel;
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
    await this.post({ type: 'data', params: this.params, result });
    return result;
  }

  protected refresh(): Promise<ChartResult> {
    return this.update();
  }

  protected async onMessage(m: PageMessage): Promise<void> {
    if (m.type === 'params') {
      await this.update(m.params as Partial<ChartParams>);
    } else if (m.type === 'pair') {
      const a = String(m.a);
      const b = String(m.b);
      const scope = this.params.measure === 'sameTurn' ? 'turn' : 'overlap';
      await SegmentsPanel.show(this.connection, { both: [a, b], scope, coder: this.params.coder || undefined }, this.params.measure === 'sameTurn' ? vscode.l10n.t('{0} and {1} in the same turn', a, b) : vscode.l10n.t('{0} and {1}, overlapping', a, b), { preserveFocus: true });
    } else if (m.type === 'save') {
      await this.save();
    } else if (m.type === 'savePng') {
      await this.savePng();
    } else if (m.type === 'png') {
      const waiter = this.pngWaiters.get(Number(m.id));
      this.pngWaiters.delete(Number(m.id));
      waiter?.({ data: typeof m.data === 'string' ? m.data : undefined, error: typeof m.error === 'string' ? m.error : undefined, width: Number(m.width), height: Number(m.height) });
    }
  }

  /** The chart as a standalone SVG in the palette of the current theme (light, or dark for dark and high-contrast themes). */
  private async standaloneSvg(): Promise<string | undefined> {
    const dark = vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.Dark || vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.HighContrast;
    const result = await this.connection.request(chartRequest, { ...this.params, ...this.texts(this.params), theme: dark ? 'dark' : 'light' });
    if (result.error || !result.svg) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The chart could not be saved: {0}', result.error ?? ''));
      return undefined;
    }
    return result.svg;
  }

  private async target(extension: 'svg' | 'png', title: string, given?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (given) return given;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return vscode.window.showSaveDialog({ defaultUri: folder && vscode.Uri.joinPath(folder, `${this.params.chart}.${extension}`), filters: { [extension.toUpperCase()]: [extension] }, title });
  }

  /** Writes the chart as an SVG file, in the palette of the current theme (light or dark). */
  async save(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const svg = await this.standaloneSvg();
    if (svg === undefined) return undefined;
    const uri = await this.target('svg', vscode.l10n.t('Save Chart as SVG'), target);
    if (!uri) return undefined;
    await writeFileAtomic(uri, new TextEncoder().encode(svg));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Saved {0}.', vscode.workspace.asRelativePath(uri, false)), 4000);
    return uri;
  }

  /**
   * Writes the chart as a PNG at PNG_SCALE × its size: the page draws the standalone SVG (the
   * one Save SVG writes) on a canvas and hands back the bytes; the file is written atomically.
   */
  async savePng(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const svg = await this.standaloneSvg();
    if (svg === undefined) return undefined;
    const uri = await this.target('png', vscode.l10n.t('Save Chart as PNG'), target);
    if (!uri) return undefined;
    const id = ++this.pngs;
    const reply = new Promise<PngReply>((resolve) => this.pngWaiters.set(id, resolve));
    await this.post({ type: 'png', id, svg, scale: PNG_SCALE });
    const png = await reply;
    const base64 = png.data?.match(/^data:image\/png;base64,(.+)$/)?.[1];
    if (!base64) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The chart could not be drawn as PNG: {0}', png.error ?? ''));
      return undefined;
    }
    await writeFileAtomic(uri, Buffer.from(base64, 'base64'));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Saved {0}.', vscode.workspace.asRelativePath(uri, false)), 4000);
    return uri;
  }

  /** Labels in the UI language, handed to the page as data (never as markup). */
  private static labels(): Record<string, string> {
    return {
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
      topThemes: vscode.l10n.t('Themes shown'),
      topGroups: vscode.l10n.t('Groups shown'),
      all: vscode.l10n.t('All'),
      save: vscode.l10n.t('Save SVG…'),
      savePng: vscode.l10n.t('Save PNG…'),
      codeA: vscode.l10n.t('Code'),
      codeB: vscode.l10n.t('Code'),
      overlapCount: vscode.l10n.t('Overlapping'),
      turnCount: vscode.l10n.t('Same turn'),
      pairLabel: vscode.l10n.t('{0} and {1}: {2}. Enter lists the segments.'),
      tableCaption: vscode.l10n.t('Pairs of codes, most frequent first. A pair lists its segments.'),
      empty: vscode.l10n.t('No codings to chart yet.'),
    };
  }

  override dispose(): void {
    super.dispose();
    for (const w of this.pngWaiters.values()) w({ error: 'closed' });
    this.pngWaiters.clear();
    if (ChartsPanel.current === this) ChartsPanel.current = undefined;
  }
}

const STYLE = `  .controls { display: flex; gap: 8px 16px; flex-wrap: wrap; margin-bottom: 12px; align-items: center; }
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
`;

const SCRIPT = `  let params, result, seq;

  const param = (name, label, options, value) => select('sel-' + name, label, options, value, (v) => vscode.postMessage({ type: 'params', params: { [name]: name === 'top' ? Number(v) : v } }));

  // How many codes (or rows) the chart shows; 0 is all, as the server reads it.
  const top = (label) => param('top', label, [...[10, 20, 30, 50, 100].map((n) => [String(n), String(n)]), ['0', L.all]], String(params.top ?? 30));

  function render() {
    const co = params.chart === 'cooccurrence';
    const save = el('button', { class: 'save', id: 'save', text: L.save });
    save.addEventListener('click', () => vscode.postMessage({ type: 'save' }));
    const savePng = el('button', { class: 'save', id: 'save-png', text: L.savePng });
    savePng.addEventListener('click', () => vscode.postMessage({ type: 'savePng' }));
    keepFocus(() => document.getElementById('controls').replaceChildren(
      param('chart', L.chart, [['bars', L.bars], ['informants', L.informants], ['cooccurrence', L.cooccurrence]], params.chart),
      ...(co
        ? [param('measure', L.measure, [['overlapping', L.overlapping], ['sameTurn', L.sameTurn]], params.measure), top(L.top)]
        : [
            param('rows', L.rows, [['themes', L.themes], ['groups', L.groups], ['codes', L.codes]], params.rows),
            param('cols', L.columns, [['informants', L.informantsCol], ...result.attributes.map((a) => [a, a])], params.cols),
            param('count', L.count, [['codings', L.codings], ['informants', L.informantsCount], ['words', L.words]], params.count),
            // A bar chart of 500 codes takes ECharts seconds to lay out: the longest bars, the rest as "Other".
            top(params.rows === 'themes' ? L.topThemes : params.rows === 'groups' ? L.topGroups : L.top),
          ]),
      param('coder', L.coder, [['', L.allCoders], ...result.coders.map((c) => [c, c])], params.coder || ''),
      save,
      savePng,
    ));
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
    const topSelect = document.getElementById('sel-top');
    const shownTop = topSelect && { label: topSelect.parentElement.querySelector('span').textContent, value: topSelect.value, options: [...topSelect.options].map((o) => o.textContent) };
    vscode.postMessage({ type: 'rendered', rendered: { seq, chart: params.chart, desc, tableRows: rows, top: shownTop } });
  }

  // The chart as PNG for print: the standalone SVG (its own palette) drawn on a canvas at
  // \`scale\` × its size, from a blob: URL (the page's CSP allows images from blob: only).
  async function png({ id, svg, scale }) {
    const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    try {
      const root = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
      const width = Math.round(Number(root.getAttribute('width')) * scale);
      const height = Math.round(Number(root.getAttribute('height')) * scale);
      if (!(width > 0 && height > 0)) throw new Error('no size');
      const img = new Image();
      await new Promise((resolve, reject) => { img.onload = resolve; img.onerror = () => reject(new Error('the SVG could not be loaded as an image')); img.src = url; });
      const canvas = el('canvas', { width, height });
      canvas.getContext('2d').drawImage(img, 0, 0, width, height);
      vscode.postMessage({ type: 'png', id, data: canvas.toDataURL('image/png'), width, height });
    } catch (err) {
      vscode.postMessage({ type: 'png', id, error: String(err?.message ?? err) });
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  window.addEventListener('message', (e) => {
    if (e.data?.type === 'png') return void png(e.data);
    if (e.data?.type !== 'data') return;
    params = e.data.params; result = e.data.result; seq = e.data.seq;
    render();
  });
`;

export function registerChartsView(context: vscode.ExtensionContext, connection: QdaConnection): void {
  context.subscriptions.push(
    // Returns what the page drew (for tests): the data and its report.
    vscode.commands.registerCommand('qda.chartsShow', async (params?: Partial<ChartParams>) => {
      const panel = await ChartsPanel.show(connection, params ?? {});
      return { result: panel.shown, rendered: panel.rendered };
    }),
    vscode.commands.registerCommand('qda.chartSave', async (target?: vscode.Uri) => ChartsPanel.current?.save(target)),
    vscode.commands.registerCommand('qda.chartSavePng', async (target?: vscode.Uri) => ChartsPanel.current?.savePng(target)),
  );
}
