// Charts for the findings chapter, defined once here in core: pure functions from a matrix or a
// co-occurrence to an Apache ECharts option (the library draws them: server/src/chartRender.ts
// renders the option to SVG with ECharts' server-side renderer, in the server and the CLI), plus
// what ECharts' server-side rendering does not write and a chapter needs: the title and a
// description listing every number (<title>/<desc>, for screen readers) and a tooltip for each
// bar part and cell (a <title> on the element). chartSvg.ts finishes the SVG with them.
//
// Colours: the option uses a fixed palette (light or dark; 'none' uses the light one); every
// colour of a palette stands for one class (`s0`…`s9` for series, `heat`, `fg`, `muted`, `grid`,
// `bg`), which chartSvg.ts puts on the elements. A standalone file gets a <style> with the
// palette; the Charts webview maps the classes to the VS Code theme's chart colours.
//
// Names reach ECharts as text only (axis labels, legend, title): ECharts escapes text; names lose
// the characters XML forbids (clean) and are never a formatter template (`{a}` stays text).
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, HeatmapSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TitleComponentOption, VisualMapComponentOption } from 'echarts/components';
import * as l10n from '../text/l10n';
import type { Matrix, MatrixRow } from './matrix';
import type { Cooccurrence } from './cooccur';

export type ChartOption = ComposeOption<BarSeriesOption | HeatmapSeriesOption | GridComponentOption | LegendComponentOption | TitleComponentOption | VisualMapComponentOption>;

export type ChartTheme = 'light' | 'dark' | 'none';

export interface Palette {
  bg: string;
  fg: string;
  muted: string;
  grid: string;
  heat: string;
  series: string[];
}

export const PALETTES: Record<'light' | 'dark', Palette> = {
  // Okabe–Ito and Tableau colours: distinguishable with the common colour-vision deficiencies.
  light: { bg: '#ffffff', fg: '#1f1f1f', muted: '#616161', grid: '#d9d9d9', heat: '#1f6fb2', series: ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#7f7f7f', '#8c564b', '#17becf'] },
  dark: { bg: '#1e1e1e', fg: '#e6e6e6', muted: '#a0a0a0', grid: '#3c3c3c', heat: '#4fa3e0', series: ['#56b4e9', '#e69f00', '#009e73', '#cc79a7', '#0072b2', '#d55e00', '#f0e442', '#9e9e9e', '#c49c94', '#17becf'] },
};
export const SERIES_CLASSES = 10;

export function paletteOf(theme: ChartTheme): Palette {
  return PALETTES[theme === 'dark' ? 'dark' : 'light'];
}

/** A chart ready for the renderer: the library's option and what chartSvg.ts adds to its SVG. */
export interface ChartSpec {
  option: ChartOption;
  width: number;
  height: number;
  theme: ChartTheme;
  title: string;
  /** Every number the chart shows, for screen readers. */
  desc: string;
  /** tips[seriesIndex][dataIndex]: the tooltip of the element ECharts drew for that datum. */
  tips: Array<Array<string | undefined>>;
}

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

/** A name as text for the library: the characters XML forbids are dropped. */
export function clean(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

/** An estimate of a label's width at `size` px, for layout without a browser (wide glyphs count more). */
export function textWidth(s: string, size = 12): number {
  let w = 0;
  for (const ch of s) w += /[MWmw@%]/.test(ch) ? 0.9 : /[A-ZÆØÅ0-9]/.test(ch) ? 0.68 : /[ilj.,:;'|!()[\] ]/.test(ch) ? 0.3 : /[\u3000-\u9fff\uac00-\ud7af]/.test(ch) ? 1 : 0.56;
  return Math.ceil(w * size);
}

/** Round tick steps (1, 2, 5 × 10^n) for an axis up to `max`. */
export function ticks(max: number, count = 5): number[] {
  if (max <= 0) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Math.round(v * 1e9) / 1e9);
  if (out[out.length - 1] < max) out.push(out[out.length - 1] + step);
  return out;
}

export interface BarChartOptions {
  title?: string;
  /** false: a bar per row stacked by column (codes by informant); true: a bar per column stacked by row (codes per informant). */
  transpose?: boolean;
  theme?: ChartTheme;
  width?: number;
  /** The unit on the axis, e.g. "codings". */
  unit?: string;
  /** Only rows of this kind (default: the matrix's finest level, e.g. codes when rows are codes). */
  kind?: MatrixRow['kind'];
  /**
   * At most this many rows, those with the longest bars (default TOP_ROWS, as the heat map's
   * codes; 0 for all): ECharts lays out 500 bars for seconds, and nobody reads them.
   */
  top?: number;
}

/** The rows a bar chart and the heat map show by default. */
export const TOP_ROWS = 30;

export interface LimitedRows {
  rows: MatrixRow[];
  /** How many rows there were, and how many of them are shown on their own. */
  of: number;
  shown: number;
  /** The row that sums the rest ("Other (N codes)"), last in `rows`, when there is one. */
  other?: MatrixRow;
  /** The sentence the chart shows under its title when rows were summed. */
  note?: string;
}

/**
 * The `top` rows with the largest sums over the columns (ties in the matrix's order), in the
 * matrix's order, and one more row summing the rest cell by cell, so that every bar's total and
 * the chart's grand total stay those of the whole matrix. One row left over is shown, not summed.
 */
export function limitRows(rows: MatrixRow[], columns: string[], top: number = TOP_ROWS): LimitedRows {
  if (!(top > 0) || rows.length <= top + 1) return { rows, of: rows.length, shown: rows.length };
  const sum = (r: MatrixRow): number => columns.reduce((n, c) => n + (r.cells[c] ?? 0), 0);
  const sums = rows.map(sum);
  const chosen = new Set(rows.map((_, i) => i).sort((a, b) => sums[b] - sums[a] || a - b).slice(0, top));
  const rest = rows.filter((_, i) => !chosen.has(i));
  const cells: Record<string, number> = {};
  for (const c of columns) cells[c] = rest.reduce((n, r) => n + (r.cells[c] ?? 0), 0);
  const kind = rows[0].kind;
  const name = otherName(kind, rest.length);
  const other: MatrixRow = { name, kind, depth: rows[0].depth, cells, total: rest.reduce((n, r) => n + sum(r), 0) };
  const note =
    kind === 'theme'
      ? l10n.t('Top {0} of {1} themes; the rest in "{2}".', top, rows.length, name)
      : kind === 'group'
        ? l10n.t('Top {0} of {1} groups; the rest in "{2}".', top, rows.length, name)
        : l10n.t('Top {0} of {1} codes; the rest in "{2}".', top, rows.length, name);
  return { rows: [...rows.filter((_, i) => chosen.has(i)), other], of: rows.length, shown: top, other, note };
}

function otherName(kind: MatrixRow['kind'], n: number): string {
  if (kind === 'theme') return l10n.t('Other ({0} themes)', n);
  if (kind === 'group') return l10n.t('Other ({0} groups)', n);
  return l10n.t('Other ({0} codes)', n);
}

/** The rows a chart draws: one level of the tree (themes, or codes), never a parent with its children. */
export function chartRows(matrix: Matrix, kind?: MatrixRow['kind']): MatrixRow[] {
  const want = kind ?? (matrix.rows.some((r) => r.kind === 'code') ? 'code' : matrix.rows.some((r) => r.kind === 'group') ? 'group' : 'theme');
  return matrix.rows.filter((r) => r.kind === want);
}

function titleOption(title: string, p: Palette, subtext?: string): TitleComponentOption | undefined {
  if (!title && !subtext) return undefined;
  return {
    text: clean(title),
    left: 16,
    top: 10,
    textStyle: { color: p.fg, fontSize: 14, fontWeight: 600, width: 0, overflow: 'none' },
    ...(subtext ? { subtext: clean(subtext), itemGap: 6, subtextStyle: { color: p.muted, fontSize: 12 } } : {}),
  };
}

/**
 * A horizontal stacked bar chart of a matrix: a bar per row (or per column when transposed),
 * its parts the other dimension, with a legend, an axis with round ticks and each bar's total.
 * Series are the parts (one per column, in the column's colour class) and, last, an empty
 * series whose zero-length bar at the end of each stack carries the total as its label.
 */
export function barChart(matrix: Matrix, options: BarChartOptions = {}): ChartSpec {
  const limited = limitRows(chartRows(matrix, options.kind), matrix.columns, options.top);
  const rows = limited.rows;
  const note = limited.note;
  const theme = options.theme ?? 'light';
  const p = paletteOf(theme);
  const width = options.width ?? 760;
  const bars = options.transpose
    ? matrix.columns.map((c) => ({ label: c, parts: rows.map((r) => r.cells[c] ?? 0) }))
    : rows.map((r) => ({ label: r.name, parts: matrix.columns.map((c) => r.cells[c] ?? 0) }));
  const series = options.transpose ? rows.map((r) => r.name) : matrix.columns;
  const totals = bars.map((b) => b.parts.reduce((s, v) => s + v, 0));
  const unit = options.unit ?? matrix.count;
  const title = options.title ?? '';
  const labelWidth = Math.min(280, Math.max(60, ...bars.map((b) => textWidth(b.label))) + 12);
  const left = 16 + labelWidth;
  // The legend wraps across the width; its height is estimated as ECharts lays it out (an item
  // is its 12 px mark, 5 px, its text up to 200 px, and a 16 px gap; a line is 12 px high and
  // the next starts 16 px below it).
  let lines = 1;
  let lx = 16;
  for (const name of series) {
    const w = 12 + 5 + Math.min(textWidth(name), 200) + 16;
    if (lx + w > width - 16 && lx > 16) {
      lines++;
      lx = 16;
    }
    lx += w;
  }
  // The title is 14 px at 10; the note under it 12 px, 6 px lower.
  const legendTop = (title ? 36 : 12) + (note ? (title ? 18 : 24) : 0);
  const plotTop = (series.length ? legendTop + lines * 28 : legendTop) + 12;
  const barHeight = 18;
  const plotHeight = Math.max(1, bars.length) * (barHeight + 8);
  const axis = ticks(Math.max(0, ...totals));
  const top = axis[axis.length - 1] || 1;
  const height = plotTop + plotHeight + 44;
  const option: ChartOption = {
    animation: false,
    backgroundColor: p.bg,
    textStyle: { fontFamily: FONT, fontSize: 12, color: p.fg },
    title: titleOption(title, p, note),
    legend: series.length
      ? { show: true, top: legendTop, left: 16, right: 16, itemWidth: 12, itemHeight: 12, itemGap: 16, icon: 'rect', selectedMode: false, data: series.map(clean), textStyle: { color: p.fg, width: 200, overflow: 'truncate', ellipsis: '…' } }
      : { show: false },
    grid: { left, right: 56, top: plotTop, height: plotHeight },
    xAxis: {
      type: 'value',
      min: 0,
      max: top,
      interval: axis.length > 1 ? axis[1] - axis[0] : 1,
      name: unit ? clean(unit) : undefined,
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: { color: p.muted, fontSize: 11 },
      axisLabel: { color: p.muted, fontSize: 11 },
      axisLine: { show: false },
      axisTick: { show: false },
      splitLine: { show: true, lineStyle: { color: p.grid, width: 1 } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: bars.map((b) => clean(b.label)),
      axisLabel: { color: p.fg, width: labelWidth - 4, overflow: 'truncate', ellipsis: '…', interval: 0 },
      axisTick: { show: false },
      axisLine: { show: true, lineStyle: { color: p.grid } },
    },
    series: [
      ...series.map(
        (name, j): BarSeriesOption => ({
          type: 'bar',
          name: clean(name),
          stack: 'total',
          barWidth: barHeight,
          emphasis: { disabled: true },
          itemStyle: { color: p.series[j % SERIES_CLASSES] },
          // A zero part draws nothing ('-' is ECharts' empty value), as a reader expects.
          data: bars.map((b) => (b.parts[j] ? b.parts[j] : '-')),
        }),
      ),
      {
        type: 'bar',
        name: '',
        stack: 'total',
        barWidth: barHeight,
        silent: true,
        emphasis: { disabled: true },
        itemStyle: { color: 'transparent' },
        label: { show: true, position: 'right', color: p.fg, fontSize: 11 },
        // The label is the total as a fixed string: a formatter string is a template, numbers are not.
        data: totals.map((t) => ({ value: 0, label: { formatter: String(t) } })),
      },
    ],
  };
  const tips = [
    ...series.map((name, j) => bars.map((b) => (b.parts[j] ? `${b.label} · ${name}: ${b.parts[j]}` : undefined))),
    bars.map((b, i) => `${b.label}: ${totals[i]} ${unit}`),
  ];
  const list = bars.map((b, i) => `${b.label}: ${totals[i]} ${unit}`).join('; ');
  return { option, width, height, theme, title, desc: note ? `${note} ${list}` : list, tips };
}

export interface HeatmapOptions {
  title?: string;
  theme?: ChartTheme;
  measure?: 'overlapping' | 'sameTurn';
  /** The codes with the most co-occurrences (default TOP_ROWS, 0 for all); a heat map of 500 codes is unreadable. */
  top?: number;
}

/** The codes the heat map shows and their grid of counts (symmetric, zero on the diagonal). */
export function heatmapGrid(c: Cooccurrence, measure: 'overlapping' | 'sameTurn' = 'overlapping', top = TOP_ROWS): { codes: string[]; grid: number[][]; of: number } {
  const sums = new Map<string, number>();
  for (const p of c.pairs) {
    sums.set(p.a, (sums.get(p.a) ?? 0) + p[measure]);
    sums.set(p.b, (sums.get(p.b) ?? 0) + p[measure]);
  }
  const together = c.codes.filter((code) => (sums.get(code) ?? 0) > 0);
  const chosen = new Set(together.sort((a, b) => (sums.get(b) ?? 0) - (sums.get(a) ?? 0)).slice(0, top > 0 ? top : together.length));
  // Keep the codes in the co-occurrence's own (name) order.
  const codes = c.codes.filter((code) => chosen.has(code));
  const index = new Map(codes.map((code, i) => [code, i]));
  const grid = codes.map(() => codes.map(() => 0));
  for (const p of c.pairs) {
    const i = index.get(p.a);
    const j = index.get(p.b);
    if (i === undefined || j === undefined) continue;
    grid[i][j] = grid[j][i] = p[measure];
  }
  return { codes, grid, of: together.length };
}

/**
 * A code × code heat map: a cell per pair that co-occurs, shaded by its count's share of the
 * largest (ECharts' visualMap from 12 % to full opacity of the one heat colour), with the count
 * in the cell when it fits.
 */
export function heatmap(c: Cooccurrence, options: HeatmapOptions = {}): ChartSpec {
  const theme = options.theme ?? 'light';
  const p = paletteOf(theme);
  const measure = options.measure ?? 'overlapping';
  const { codes, grid, of } = heatmapGrid(c, measure, options.top ?? TOP_ROWS);
  const note = codes.length < of ? l10n.t('Top {0} of {1} codes that occur together.', codes.length, of) : undefined;
  const cell = codes.length > 40 ? 12 : codes.length > 20 ? 20 : 26;
  const labelWidth = Math.min(240, Math.max(40, ...codes.map((code) => textWidth(code))) + 10);
  const left = 16 + labelWidth;
  const title = options.title ?? '';
  // Column labels are turned 45° up-right, so the top needs room for the longest one (and the note).
  const top = 40 + (note ? 14 : 0) + Math.ceil(labelWidth * Math.SQRT1_2) + 8;
  const width = Math.max(left + codes.length * cell + Math.ceil(labelWidth * Math.SQRT1_2) + 16, 320);
  const height = top + codes.length * cell + 40;
  const max = Math.max(1, ...grid.flat());
  const cells: Array<{ i: number; j: number; v: number }> = [];
  grid.forEach((row, i) => row.forEach((v, j) => v && i !== j && cells.push({ i, j, v })));
  const labels = codes.map(clean);
  const splitLine = { show: true, interval: 0, lineStyle: { color: p.grid, width: 0.5 } };
  const option: ChartOption = {
    animation: false,
    backgroundColor: p.bg,
    textStyle: { fontFamily: FONT, fontSize: 12, color: p.fg },
    title: codes.length ? titleOption(title, p, note) : [titleOption(title, p) ?? {}, { text: '—', left: 16, top, textStyle: { color: p.muted, fontSize: 12, fontWeight: 'normal' } }],
    grid: { left, top, width: Math.max(1, codes.length) * cell, height: Math.max(1, codes.length) * cell, show: codes.length > 0, borderColor: p.grid, borderWidth: 0.5 },
    xAxis: { type: 'category', position: 'top', data: labels, show: codes.length > 0, axisLabel: { rotate: -45, interval: 0, color: p.fg, width: labelWidth - 10, overflow: 'truncate', ellipsis: '…' }, axisTick: { show: false }, axisLine: { show: false }, splitLine },
    yAxis: { type: 'category', inverse: true, data: labels, show: codes.length > 0, axisLabel: { interval: 0, color: p.fg, width: labelWidth - 10, overflow: 'truncate', ellipsis: '…' }, axisTick: { show: false }, axisLine: { show: false }, splitLine },
    visualMap: { show: false, type: 'continuous', min: 0, max, dimension: 2, seriesIndex: 0, inRange: { color: [p.heat], colorAlpha: [0.12, 1] } },
    series: [
      {
        type: 'heatmap',
        emphasis: { disabled: true },
        itemStyle: { borderColor: p.grid, borderWidth: 0.5 },
        data: cells.map(({ i, j, v }) => ({
          value: [j, i, v],
          // Light text on the darkest cells, as a reader of the old chart knew it.
          label: { show: cell >= 20, formatter: String(v), color: v / max > 0.55 ? p.bg : p.fg, fontSize: 11 },
        })),
      },
    ],
  };
  const pairs = c.pairs.filter((x) => x[measure] > 0 && codes.includes(x.a) && codes.includes(x.b));
  return {
    option,
    width,
    height,
    theme,
    title,
    desc: (note ? `${note} ` : '') + pairs.map((x) => `${x.a} × ${x.b}: ${x[measure]}`).join('; '),
    tips: [cells.map(({ i, j, v }) => `${codes[i]} × ${codes[j]}: ${v}`)],
  };
}
