// Charts for the findings chapter, drawn as SVG here in core: pure functions from a matrix or a
// co-occurrence to a string, so `qda export chart-svg`, the Charts webview and the tests draw the
// same picture. No charting library: the common ones either want a DOM or a canvas to lay out
// text (vega, chart.js) or are large for two chart types; a bar chart and a heat map are a few
// rectangles and labels.
//
// Every name is escaped (a code called `<script>` is text in the SVG). Colours are classes
// (`s0`…`s9` for series, `heat` for the heat map, `fg`, `muted`, `grid`, `bg`): a standalone
// file gets a <style> with a light or dark palette; the webview leaves the style out and maps
// the classes to the VS Code theme's chart colours, so the chart follows the theme.
import type { Matrix, MatrixRow } from './matrix';
import type { Cooccurrence } from './cooccur';

/** Text and attribute values: &, <, >, " and ' as entities; characters XML forbids are dropped. */
export function escapeXml(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export type ChartTheme = 'light' | 'dark' | 'none';

const PALETTES: Record<'light' | 'dark', { bg: string; fg: string; muted: string; grid: string; heat: string; series: string[] }> = {
  // Okabe–Ito and Tableau colours: distinguishable with the common colour-vision deficiencies.
  light: { bg: '#ffffff', fg: '#1f1f1f', muted: '#616161', grid: '#d9d9d9', heat: '#1f6fb2', series: ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#7f7f7f', '#8c564b', '#17becf'] },
  dark: { bg: '#1e1e1e', fg: '#e6e6e6', muted: '#a0a0a0', grid: '#3c3c3c', heat: '#4fa3e0', series: ['#56b4e9', '#e69f00', '#009e73', '#cc79a7', '#0072b2', '#d55e00', '#f0e442', '#a0a0a0', '#c49c94', '#17becf'] },
};
export const SERIES_CLASSES = 10;

function styleOf(theme: ChartTheme): string {
  if (theme === 'none') return '';
  const p = PALETTES[theme];
  const series = p.series.map((c, i) => `.s${i}{fill:${c}}`).join('');
  return `<style>.bg{fill:${p.bg}}.fg{fill:${p.fg}}.muted{fill:${p.muted}}.grid{stroke:${p.grid}}.heat{fill:${p.heat}}${series}text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:12px}.title{font-size:14px;font-weight:600}.value{font-size:11px}</style>`;
}

/** An estimate of a label's width at 12 px, for layout without a renderer (wide glyphs count more). */
export function textWidth(s: string, size = 12): number {
  let w = 0;
  for (const ch of s) w += /[MWmw@%]/.test(ch) ? 0.9 : /[A-ZÆØÅ0-9]/.test(ch) ? 0.68 : /[ilj.,:;'|!()[\] ]/.test(ch) ? 0.3 : /[\u3000-\u9fff\uac00-\ud7af]/.test(ch) ? 1 : 0.56;
  return Math.ceil(w * size);
}

/** Shortens a label to `max` px with an ellipsis (the full name stays in the element's <title>). */
function fit(s: string, max: number): string {
  if (textWidth(s) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (textWidth(out + ch + '…') > max) break;
    out += ch;
  }
  return out + '…';
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

const n = (x: number): string => String(Math.round(x * 10) / 10);

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
}

/** The rows a chart draws: one level of the tree (themes, or codes), never a parent with its children. */
export function chartRows(matrix: Matrix, kind?: MatrixRow['kind']): MatrixRow[] {
  const want = kind ?? (matrix.rows.some((r) => r.kind === 'code') ? 'code' : matrix.rows.some((r) => r.kind === 'group') ? 'group' : 'theme');
  return matrix.rows.filter((r) => r.kind === want);
}

/**
 * A horizontal stacked bar chart of a matrix: a bar per row (or per column when transposed),
 * its segments the other dimension, with a legend, an axis with round ticks and each bar's total.
 */
export function barChartSvg(matrix: Matrix, options: BarChartOptions = {}): string {
  const rows = chartRows(matrix, options.kind);
  const theme = options.theme ?? 'light';
  const width = options.width ?? 760;
  // Bars and their stacked parts; a stack always has at most SERIES_CLASSES distinct colours,
  // so with more series than that the legend repeats a colour (and says so in each <title>).
  const bars = options.transpose
    ? matrix.columns.map((c) => ({ label: c, parts: rows.map((r) => ({ series: r.name, value: r.cells[c] ?? 0 })) }))
    : rows.map((r) => ({ label: r.name, parts: matrix.columns.map((c) => ({ series: c, value: r.cells[c] ?? 0 })) }));
  const series = options.transpose ? rows.map((r) => r.name) : matrix.columns;
  const unit = options.unit ?? matrix.count;
  const labelWidth = Math.min(280, Math.max(60, ...bars.map((b) => textWidth(b.label))) + 12);
  const margin = { left: 16 + labelWidth, right: 56, top: 40 };
  // Legend: items wrapped into lines across the width.
  const legend: Array<{ x: number; y: number; name: string; i: number }> = [];
  let lx = 16;
  let ly = margin.top;
  series.forEach((name, i) => {
    const w = 18 + Math.min(textWidth(name), 200) + 16;
    if (lx + w > width - 16 && lx > 16) {
      lx = 16;
      ly += 18;
    }
    legend.push({ x: lx, y: ly, name, i });
    lx += w;
  });
  const plotTop = (series.length ? ly + 28 : margin.top) + 8;
  const barHeight = 18;
  const gap = 8;
  const plotHeight = bars.length * (barHeight + gap);
  const plotWidth = Math.max(100, width - margin.left - margin.right);
  const max = Math.max(0, ...bars.map((b) => b.parts.reduce((s, p) => s + p.value, 0)));
  const axis = ticks(max);
  const top = axis[axis.length - 1] || 1;
  const x = (v: number): number => margin.left + (v / top) * plotWidth;
  const height = plotTop + plotHeight + 36;
  const title = options.title ?? '';
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${n(height)}" viewBox="0 0 ${width} ${n(height)}" role="img" aria-labelledby="chart-title chart-desc">`);
  out.push(styleOf(theme));
  out.push(`<title id="chart-title">${escapeXml(title)}</title>`);
  out.push(`<desc id="chart-desc">${escapeXml(bars.map((b) => `${b.label}: ${b.parts.reduce((s, p) => s + p.value, 0)} ${unit}`).join('; '))}</desc>`);
  out.push(`<rect class="bg" x="0" y="0" width="${width}" height="${n(height)}"/>`);
  if (title) out.push(`<text class="fg title" x="16" y="22">${escapeXml(fit(title, width - 32))}</text>`);
  for (const l of legend) {
    out.push(`<g><title>${escapeXml(l.name)}</title><rect class="s${l.i % SERIES_CLASSES}" x="${l.x}" y="${l.y - 10}" width="12" height="12"/><text class="fg" x="${l.x + 18}" y="${l.y}">${escapeXml(fit(l.name, 200))}</text></g>`);
  }
  // Grid and axis.
  for (const t of axis) {
    out.push(`<line class="grid" x1="${n(x(t))}" y1="${n(plotTop - 4)}" x2="${n(x(t))}" y2="${n(plotTop + plotHeight)}" stroke-width="1"/>`);
    out.push(`<text class="muted value" x="${n(x(t))}" y="${n(plotTop + plotHeight + 14)}" text-anchor="middle">${t}</text>`);
  }
  if (unit) out.push(`<text class="muted value" x="${n(margin.left + plotWidth / 2)}" y="${n(plotTop + plotHeight + 30)}" text-anchor="middle">${escapeXml(unit)}</text>`);
  bars.forEach((b, i) => {
    const y = plotTop + i * (barHeight + gap);
    const total = b.parts.reduce((s, p) => s + p.value, 0);
    out.push(`<g><title>${escapeXml(`${b.label}: ${total} ${unit}`)}</title><text class="fg" x="${margin.left - 8}" y="${n(y + barHeight / 2 + 4)}" text-anchor="end">${escapeXml(fit(b.label, labelWidth - 12))}</text></g>`);
    let at = 0;
    b.parts.forEach((p, j) => {
      if (!p.value) return;
      out.push(`<rect class="s${j % SERIES_CLASSES}" x="${n(x(at))}" y="${n(y)}" width="${n(x(at + p.value) - x(at))}" height="${barHeight}"><title>${escapeXml(`${b.label} · ${p.series}: ${p.value}`)}</title></rect>`);
      at += p.value;
    });
    out.push(`<text class="fg value" x="${n(x(total) + 4)}" y="${n(y + barHeight / 2 + 4)}">${total}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export interface HeatmapOptions {
  title?: string;
  theme?: ChartTheme;
  measure?: 'overlapping' | 'sameTurn';
  /** The codes with the most co-occurrences (default 30); a heat map of 500 codes is unreadable. */
  top?: number;
}

/** The codes the heat map shows and their grid of counts (symmetric, zero on the diagonal). */
export function heatmapGrid(c: Cooccurrence, measure: 'overlapping' | 'sameTurn' = 'overlapping', top = 30): { codes: string[]; grid: number[][] } {
  const sums = new Map<string, number>();
  for (const p of c.pairs) {
    sums.set(p.a, (sums.get(p.a) ?? 0) + p[measure]);
    sums.set(p.b, (sums.get(p.b) ?? 0) + p[measure]);
  }
  const chosen = new Set(
    c.codes
      .filter((code) => (sums.get(code) ?? 0) > 0)
      .sort((a, b) => (sums.get(b) ?? 0) - (sums.get(a) ?? 0))
      .slice(0, Math.max(1, top)),
  );
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
  return { codes, grid };
}

/** A code × code heat map: darker cells co-occur more often; counts in the cells when they fit. */
export function heatmapSvg(c: Cooccurrence, options: HeatmapOptions = {}): string {
  const theme = options.theme ?? 'light';
  const { codes, grid } = heatmapGrid(c, options.measure ?? 'overlapping', options.top ?? 30);
  const cell = codes.length > 40 ? 12 : codes.length > 20 ? 20 : 26;
  const labelWidth = Math.min(240, Math.max(40, ...codes.map((code) => textWidth(code))) + 10);
  const left = 16 + labelWidth;
  const title = options.title ?? '';
  // Column labels are turned 45° up-right, so the top needs room for the longest one.
  const top = 40 + Math.ceil(labelWidth * Math.SQRT1_2) + 8;
  const width = Math.max(left + codes.length * cell + Math.ceil(labelWidth * Math.SQRT1_2) + 16, 320);
  const height = top + codes.length * cell + 40;
  const max = Math.max(1, ...grid.flat());
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title chart-desc">`);
  out.push(styleOf(theme));
  out.push(`<title id="chart-title">${escapeXml(title)}</title>`);
  const pairs = c.pairs.filter((p) => p[options.measure ?? 'overlapping'] > 0 && codes.includes(p.a) && codes.includes(p.b));
  out.push(`<desc id="chart-desc">${escapeXml(pairs.map((p) => `${p.a} × ${p.b}: ${p[options.measure ?? 'overlapping']}`).join('; '))}</desc>`);
  out.push(`<rect class="bg" x="0" y="0" width="${width}" height="${height}"/>`);
  if (title) out.push(`<text class="fg title" x="16" y="22">${escapeXml(fit(title, width - 32))}</text>`);
  codes.forEach((code, i) => {
    const label = escapeXml(fit(code, labelWidth - 10));
    out.push(`<g><title>${escapeXml(code)}</title><text class="fg" x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${label}</text></g>`);
    const cx = left + i * cell + cell / 2;
    out.push(`<g><title>${escapeXml(code)}</title><text class="fg" x="${cx}" y="${top - 6}" transform="rotate(-45 ${cx} ${top - 6})">${label}</text></g>`);
  });
  grid.forEach((row, i) =>
    row.forEach((v, j) => {
      const x = left + j * cell;
      const y = top + i * cell;
      if (i === j) {
        out.push(`<rect class="grid" x="${x}" y="${y}" width="${cell}" height="${cell}" fill="none" stroke-width="0.5"/>`);
        return;
      }
      // Shade by the count's share of the largest; a zero cell is the background.
      const shade = v ? ` fill-opacity="${Math.round((0.12 + 0.88 * (v / max)) * 100) / 100}"` : '';
      out.push(`<rect class="${v ? 'heat' : 'bg'}" x="${x}" y="${y}" width="${cell}" height="${cell}"${shade}><title>${escapeXml(`${codes[i]} × ${codes[j]}: ${v}`)}</title></rect>`);
      out.push(`<rect class="grid" x="${x}" y="${y}" width="${cell}" height="${cell}" fill="none" stroke-width="0.5"/>`);
      if (v && cell >= 20) out.push(`<text class="${v / max > 0.55 ? 'bg' : 'fg'} value" x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle">${v}</text>`);
    }),
  );
  if (!codes.length) out.push(`<text class="muted" x="16" y="${top}">—</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
