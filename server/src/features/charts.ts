// qda/chart: the Charts view's picture — the same core SVG as `qda export chart-svg`, over the
// same segments and matrix as qda/matrix — and, for the co-occurrence, the pairs for its table.
// It pauses (core/text/steps.ts): the server runs it in slices (cancellation.ts, runSliced).
import type { ServerWorkspace } from '../workspace';
import type { ChartParams, ChartResult } from '../protocol';
import { analysisSegmentsSteps } from '../core/analysis/segments';
import { buildMatrixSteps } from '../core/analysis/matrix';
import { cooccurrenceSteps } from '../core/analysis/cooccur';
import type { Steps } from '../core/text/steps';
import { barChartSvg, heatmapSvg } from '../core/analysis/charts';

export function* chart(ws: ServerWorkspace, p: ChartParams): Steps<ChartResult> {
  const project = ws.project;
  const attributes = [...new Set(Object.values(project.config.informants).flatMap((a) => Object.keys(a)))].sort();
  const coders = [...new Set(project.allCodings().map((i) => i.coding.coder))].sort();
  const segments = yield* analysisSegmentsSteps(project, { coders: p.coder ? [p.coder] : undefined });
  const theme = p.theme ?? 'none';
  if (p.chart === 'cooccurrence') {
    const measure = p.measure ?? 'overlapping';
    const c = yield* cooccurrenceSteps(segments);
    const pairs = c.pairs.filter((x) => x[measure] > 0).sort((x, y) => y[measure] - x[measure] || x.a.localeCompare(y.a) || x.b.localeCompare(y.b)).slice(0, 500);
    return { svg: heatmapSvg(c, { title: p.title, measure, top: p.top ?? 30, theme }), attributes, coders, pairs };
  }
  if (p.cols !== 'informants' && !attributes.includes(p.cols)) return { svg: '', attributes, coders, error: `No informant in qda.yaml has the attribute '${p.cols}'.` };
  const matrix = yield* buildMatrixSteps(project, segments, { rows: p.rows, cols: p.cols, count: p.count });
  return { svg: barChartSvg(matrix, { title: p.title, unit: p.unit, transpose: p.chart === 'informants', theme }), attributes, coders };
}
