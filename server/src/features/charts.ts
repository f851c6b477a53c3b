// qda/chart: the Charts view's picture — the same ECharts SVG as `qda export chart-svg`, over the
// same segments and matrix as qda/matrix — and, for the co-occurrence, the pairs for its table.
// The kept counts it needs are brought up to date in slices first (cancellation.ts, runSliced),
// so a cancellation or a keystroke is read meanwhile; the chart is then made from them at once.
import type { CancellationToken } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import { runSliced } from '../cancellation';
import * as l10n from '../core/text/l10n';
import type { ChartParams, ChartResult } from '../protocol';
import { analysisOf } from '../core/analysis/recount';
import { barChartSvg, heatmapSvg } from '../chartRender';
import { TOP_ROWS } from '../core/analysis/charts';

export async function chart(ws: ServerWorkspace, p: ChartParams, token?: CancellationToken): Promise<ChartResult> {
  const need = p.chart === 'cooccurrence' ? { cooccurrence: { coder: p.coder || undefined } } : { matrix: { coder: p.coder || undefined, count: p.count } };
  await runSliced(() => analysisOf(ws.project).ready(need), token, () => ws.project.version);
  const project = ws.project;
  const attributes = [...new Set(Object.values(project.config.informants).flatMap((a) => Object.keys(a)))].sort();
  const analysis = analysisOf(project);
  const coders = analysis.coders();
  const coder = p.coder || undefined;
  const theme = p.theme ?? 'none';
  if (p.chart === 'cooccurrence') {
    const measure = p.measure ?? 'overlapping';
    const c = analysis.cooccurrence(coder);
    // By count, then by name (localeCompare) as ranks: 500 names compared, not 40,000 pairs'.
    const byName = [...c.codes].sort((x, y) => x.localeCompare(y));
    const rank = new Map<string, number>();
    byName.forEach((name, i) => rank.set(name, i > 0 && byName[i - 1].localeCompare(name) === 0 ? rank.get(byName[i - 1])! : i));
    const list = c.pairs.filter((x) => x[measure] > 0);
    const [n, ra, rb] = [list.map((x) => x[measure]), list.map((x) => rank.get(x.a)!), list.map((x) => rank.get(x.b)!)];
    const pairs = list
      .map((_, i) => i)
      .sort((i, j) => n[j] - n[i] || ra[i] - ra[j] || rb[i] - rb[j] || i - j)
      .slice(0, 500)
      .map((i) => list[i]);
    return { svg: await heatmapSvg(c, { title: p.title, measure, top: p.top ?? TOP_ROWS, theme }), attributes, coders, pairs };
  }
  if (p.cols !== 'informants' && !attributes.includes(p.cols)) return { svg: '', attributes, coders, error: l10n.t("No informant in qda.yaml has the attribute '{0}'.", p.cols) };
  const matrix = analysis.matrix({ coder, rows: p.rows, cols: p.cols, count: p.count });
  return { svg: await barChartSvg(matrix, { title: p.title, unit: p.unit, transpose: p.chart === 'informants', theme, top: p.top ?? TOP_ROWS }), attributes, coders };
}
