// What the language server and its chart worker (dist/chart-library.js started as a worker
// thread, chartLibrary.ts) say to each other. Apart from both so that the server can name them
// without loading the charting library.
import type { ChartSpec } from './core/analysis/charts';

/** The workerData that makes dist/chart-library.js the chart worker. */
export const CHART_WORKER = 'thesis-qda-chart-worker';

/** A chart definition to draw, and the finished SVG or why it could not be drawn. */
export interface ChartWorkerRequest {
  id: number;
  spec: ChartSpec;
}
export type ChartWorkerReply = { id: number; svg: string } | { id: number; error: string };
