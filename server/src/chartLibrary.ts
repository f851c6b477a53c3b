// The one place Apache ECharts is loaded: only the parts the charts use (bar, heat map, grid,
// title, legend, visualMap, the SVG renderer), registered once. The build writes this module as
// its own file (dist/chart-library.js) that the server and the CLI require only when a chart is
// asked for (chartRender.ts), so that neither their start-up nor their bundles carry it.
//
// The same file is the language server's chart worker (a worker thread started with
// CHART_WORKER as its workerData): drawing a chart is one synchronous piece of ~100–300 ms on
// the bench corpus, and in the server's own thread a keystroke and a hover sent while the Charts
// view refreshed waited for it.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart } from 'echarts/charts';
import { GridSimpleComponent, LegendPlainComponent, TitleComponent, VisualMapContinuousComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { textWidth, type ChartSpec } from './core/analysis/charts';
import { finishSvg } from './core/analysis/chartSvg';
import { CHART_WORKER, type ChartWorkerReply, type ChartWorkerRequest } from './chartWorkerProtocol';

echarts.use([BarChart, HeatmapChart, GridSimpleComponent, LegendPlainComponent, TitleComponent, VisualMapContinuousComponent, SVGRenderer]);

// Without a canvas, ECharts measures a letter outside ASCII as a whole em; core's estimate
// knows æ, ø, å and wide glyphs, so labels are truncated where they really run out of room.
echarts.setPlatformAPI({
  measureText: (text: string, font?: string) => {
    const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? 12);
    return { width: textWidth(text ?? '', size) };
  },
});

/** ECharts' server-side rendering of one option to an SVG string (no DOM, no canvas). */
export function renderOption(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** A chart definition drawn and finished (title, description, tooltips, colour classes). */
export function renderSpec(spec: ChartSpec): string {
  return finishSvg(renderOption(spec.option, spec.width, spec.height), spec);
}

if (!isMainThread && workerData === CHART_WORKER && parentPort) {
  const port = parentPort;
  port.on('message', ({ id, spec }: ChartWorkerRequest) => {
    let reply: ChartWorkerReply;
    try {
      reply = { id, svg: renderSpec(spec) };
    } catch (err) {
      reply = { id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    port.postMessage(reply);
  });
}
