// Charts as SVG, drawn by Apache ECharts from core's chart definitions (core/analysis/charts.ts)
// and finished by core (chartSvg.ts: title, description, tooltips, colour classes). Shared by
// the server (qda/chart) and the CLI (`qda export chart-svg`).
//
// ECharts is loaded lazily, on the first chart: the import below is of chartLibrary.ts, which the
// build writes as its own file (dist/chart-library.js, see scripts/build.mjs), so the server's
// cold start and its bundle do not grow with the charting library.
import { barChart, heatmap, type BarChartOptions, type ChartSpec, type HeatmapOptions } from './core/analysis/charts';
import { finishSvg } from './core/analysis/chartSvg';
import type { Matrix } from './core/analysis/matrix';
import type { Cooccurrence } from './core/analysis/cooccur';

let library: Promise<typeof import('./chartLibrary')> | undefined;

/** Renders a chart definition to the finished SVG. */
export async function renderChart(spec: ChartSpec): Promise<string> {
  library ??= import('./chartLibrary');
  const { renderOption } = await library;
  return finishSvg(renderOption(spec.option, spec.width, spec.height), spec);
}

/** The stacked bar chart of a matrix (codes or themes by informant or attribute; per informant when transposed). */
export function barChartSvg(matrix: Matrix, options: BarChartOptions = {}): Promise<string> {
  return renderChart(barChart(matrix, options));
}

/** The co-occurrence heat map. */
export function heatmapSvg(c: Cooccurrence, options: HeatmapOptions = {}): Promise<string> {
  return renderChart(heatmap(c, options));
}
