// qda/chart: the Charts view's picture — the same ECharts SVG as `qda export chart-svg`, over the
// same segments and matrix as qda/matrix — and, for the co-occurrence, the pairs for its table.
import type { ServerWorkspace } from '../workspace';
import type { ChartParams, ChartResult } from '../protocol';
import { analysisSegments } from '../core/analysis/segments';
import { buildMatrix } from '../core/analysis/matrix';
import { cooccurrence } from '../core/analysis/cooccur';
import { barChartSvg, heatmapSvg } from '../chartRender';

export async function chart(ws: ServerWorkspace, p: ChartParams): Promise<ChartResult> {
  const project = ws.project;
  const attributes = [...new Set(Object.values(project.config.informants).flatMap((a) => Object.keys(a)))].sort();
  const coders = [...new Set(project.allCodings().map((i) => i.coding.coder))].sort();
  const segments = analysisSegments(project, { coders: p.coder ? [p.coder] : undefined });
  const theme = p.theme ?? 'none';
  if (p.chart === 'cooccurrence') {
    const measure = p.measure ?? 'overlapping';
    const c = cooccurrence(segments);
    const pairs = c.pairs.filter((x) => x[measure] > 0).sort((x, y) => y[measure] - x[measure] || x.a.localeCompare(y.a) || x.b.localeCompare(y.b)).slice(0, 500);
    return { svg: await heatmapSvg(c, { title: p.title, measure, top: p.top ?? 30, theme }), attributes, coders, pairs };
  }
  if (p.cols !== 'informants' && !attributes.includes(p.cols)) return { svg: '', attributes, coders, error: `No informant in qda.yaml has the attribute '${p.cols}'.` };
  const matrix = buildMatrix(project, segments, { rows: p.rows, cols: p.cols, count: p.count });
  return { svg: await barChartSvg(matrix, { title: p.title, unit: p.unit, transpose: p.chart === 'informants', theme }), attributes, coders };
}
