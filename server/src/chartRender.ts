// Charts as SVG, drawn by Apache ECharts from core's chart definitions (core/analysis/charts.ts)
// and finished by core (chartSvg.ts: title, description, tooltips, colour classes). Shared by
// the server (qda/chart) and the CLI (`qda export chart-svg`).
//
// ECharts is loaded lazily, on the first chart: the import below is of chartLibrary.ts, which the
// build writes as its own file (dist/chart-library.js, see scripts/build.mjs), so the server's
// cold start and its bundle do not grow with the charting library.
//
// The language server draws in a worker thread (renderChartsInWorker): the drawing is one
// synchronous piece of ~100–300 ms, and the server's own thread must stay free for keystrokes
// and hovers while the Charts view refreshes. The CLI and the tests draw in their own thread.
import { Worker } from 'node:worker_threads';
import { barChart, heatmap, type BarChartOptions, type ChartSpec, type HeatmapOptions } from './core/analysis/charts';
import type { Matrix } from './core/analysis/matrix';
import type { Cooccurrence } from './core/analysis/cooccur';
import { CHART_WORKER, type ChartWorkerReply, type ChartWorkerRequest } from './chartWorkerProtocol';

let library: Promise<typeof import('./chartLibrary')> | undefined;

/** The worker's script (dist/chart-library.js) once the server asked for one; undefined: draw here. */
let workerScript: string | undefined;
let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (svg: string) => void; reject: (err: Error) => void }>();

/**
 * Charts from now on are drawn in a worker thread running `script` (the built chart library),
 * started on the first chart; undefined: in this thread again (the worker is stopped). Should
 * the worker fail to start or die, charts are drawn in this thread.
 */
export function renderChartsInWorker(script: string | undefined): void {
  if (worker && script !== workerScript) {
    const stopping = worker;
    stopped('the chart worker was stopped');
    void stopping.terminate();
  }
  workerScript = script;
}

/** The worker is gone: the charts it was drawing are drawn in this thread (renderChart). */
function stopped(why: string): void {
  worker = undefined;
  for (const pending of waiting.values()) pending.reject(new WorkerGone(why));
  waiting.clear();
}

/** Whether charts are being drawn in a worker thread (one was started and has not died). */
export function chartWorkerRunning(): boolean {
  return worker !== undefined;
}

/** Renders a chart definition to the finished SVG. */
export async function renderChart(spec: ChartSpec): Promise<string> {
  if (workerScript !== undefined) {
    try {
      return await inWorker(workerScript, spec);
    } catch (err) {
      if (!(err instanceof WorkerGone)) throw err;
      // Drawn here from now on, unless the server was told of another worker meanwhile.
      if (!worker) workerScript = undefined;
    }
  }
  library ??= import('./chartLibrary');
  return (await library).renderSpec(spec);
}

class WorkerGone extends Error {}

function inWorker(script: string, spec: ChartSpec): Promise<string> {
  if (!worker) {
    let started: Worker;
    try {
      started = new Worker(script, { workerData: CHART_WORKER });
    } catch (err) {
      return Promise.reject(new WorkerGone(err instanceof Error ? err.message : String(err)));
    }
    // An idle worker does not keep the server running after the client said exit.
    started.unref();
    started.on('message', (reply: ChartWorkerReply) => {
      const pending = waiting.get(reply.id);
      waiting.delete(reply.id);
      if ('svg' in reply) pending?.resolve(reply.svg);
      else pending?.reject(new Error(reply.error));
    });
    started.on('error', (err) => worker === started && stopped(err.message));
    started.on('exit', (code) => worker === started && stopped(`the chart worker exited with code ${code}`));
    worker = started;
  }
  const id = nextId++;
  const request: ChartWorkerRequest = { id, spec };
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker!.postMessage(request);
  });
}

/** The stacked bar chart of a matrix (codes or themes by informant or attribute; per informant when transposed). */
export function barChartSvg(matrix: Matrix, options: BarChartOptions = {}): Promise<string> {
  return renderChart(barChart(matrix, options));
}

/** The co-occurrence heat map. */
export function heatmapSvg(c: Cooccurrence, options: HeatmapOptions = {}): Promise<string> {
  return renderChart(heatmap(c, options));
}
