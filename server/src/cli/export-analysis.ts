// `qda export matrix-csv [matrix's options] [--framework] | segments-csv|segments-docx [--query EXPR] [filters] | cooccur-csv
// | chart-svg [--chart bars|informants|cooccurrence] [matrix's options] [--measure overlap|turn]
// [--top N|all] [--theme light|dark] [--title TEXT] [--out FILE] [folder]`: the analysis tables for a
// spreadsheet, and the charts for the chapter.
import { cooccurrence, cooccurrenceToCsv } from '../core/analysis/cooccur';
import { matrixToCsv } from '../core/analysis/matrix';
import { frameworkCells, frameworkToCsv, frameworkXlsx } from '../core/analysis/framework';
import { frameworkNotesOf } from '../core/checks/framework';
import { cooccurrenceXlsx, matrixXlsx, segmentsXlsx } from '../core/analysis/xlsxTables';
import { barChartSvg, heatmapSvg } from '../chartRender';
import { chartRows, TOP_ROWS } from '../core/analysis/charts';
import { segmentRows, segmentRowsToCsv } from '../core/analysis/segmentTable';
import { segmentsDocx } from '../core/analysis/segmentsDocx';
import { selectSegments } from './analysis';
import { checkOutFile, CliError, loadProject, parseExportArgs, writeFileAtomic, type CliIo, type ParsedArgs } from './io';
import type { Project } from '../core/project/project';
import { matrixFromArgs } from './matrix';

export const FORMATS = ['matrix-csv', 'segments-csv', 'cooccur-csv', 'chart-svg', 'matrix-xlsx', 'segments-xlsx', 'cooccur-xlsx', 'segments-docx'] as const;

const CHARTS = ['bars', 'informants', 'cooccurrence'] as const;

function chartOptions(parsed: ParsedArgs): { chart: (typeof CHARTS)[number]; theme: 'light' | 'dark'; measure: 'overlapping' | 'sameTurn'; top: number; title?: string } {
  const chart = (parsed.flags.get('chart')?.at(-1) ?? 'bars') as (typeof CHARTS)[number];
  if (!CHARTS.includes(chart)) throw new CliError(`--chart is ${CHARTS.join(', ')}, not '${chart}'`);
  const theme = parsed.flags.get('theme')?.at(-1) ?? 'light';
  if (theme !== 'light' && theme !== 'dark') throw new CliError(`--theme is light or dark, not '${theme}'`);
  const measure = parsed.flags.get('measure')?.at(-1) ?? 'overlap';
  if (measure !== 'overlap' && measure !== 'turn') throw new CliError(`--measure is overlap or turn, not '${measure}'`);
  const topArg = parsed.flags.get('top')?.at(-1) ?? String(TOP_ROWS);
  if (topArg !== 'all' && (!/^\d+$/.test(topArg) || Number(topArg) < 1)) throw new CliError(`--top takes a number of codes (or all), not '${topArg}'`);
  return { chart, theme, measure: measure === 'turn' ? 'sameTurn' : 'overlapping', top: topArg === 'all' ? 0 : Number(topArg), title: parsed.flags.get('title')?.at(-1) };
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseExportArgs(args);
  const [format, folder] = parsed.positional;
  let content: string | Uint8Array;
  const outArg = parsed.flags.get('out')?.at(-1);
  if ((format?.endsWith('-xlsx') || format?.endsWith('-docx')) && !outArg) throw new CliError(`${format} writes a binary file: give --out FILE.${format.slice(-4)}`);
  if (outArg) checkOutFile(outArg, format, io);
  let summary: string;
  let project: Project;
  if (format === 'chart-svg' && chartOptions(parsed).chart !== 'cooccurrence') {
    const o = chartOptions(parsed);
    const m = await matrixFromArgs(parsed, folder, io);
    const matrix = m.matrix;
    project = m.project;
    const by = matrix.by === 'informants' ? 'informant' : matrix.by;
    const title = o.title ?? (o.chart === 'bars' ? `${matrix.count} by ${by}` : `${matrix.count} per ${by}`);
    const rows = chartRows(matrix).length;
    const t0 = performance.now();
    content = await barChartSvg(matrix, { title, transpose: o.chart === 'informants', theme: o.theme, top: o.top });
    if (process.env.QDA_TIMINGS === '1') io.stderr(`qda-timing chart ${(performance.now() - t0).toFixed(2)}\n`);
    const shown = o.top > 0 && rows > o.top + 1 ? `top ${o.top} of ${rows} rows` : `${rows} rows`;
    summary = `${o.chart} chart of ${matrix.count}, ${shown}`;
  } else if (format === 'matrix-csv' || format === 'matrix-xlsx') {
    const m = await matrixFromArgs(parsed, folder, io);
    const { matrix, segments } = m;
    project = m.project;
    if (parsed.flags.has('framework')) {
      // Framework mode: the analyst's notes (framework.md), else each cell's first segment.
      const cells = frameworkCells(project, matrix, segments(), frameworkNotesOf(project));
      content = format === 'matrix-csv' ? frameworkToCsv(matrix, cells) : await frameworkXlsx(matrix, cells);
      summary = `${matrix.rows.length} rows × ${matrix.columns.length} columns, summaries`;
    } else {
      content = format === 'matrix-csv' ? matrixToCsv(matrix) : await matrixXlsx(matrix);
      summary = `${matrix.rows.length} rows × ${matrix.columns.length} columns, ${matrix.count}`;
    }
  } else {
    project = await loadProject(folder, io);
    const segments = selectSegments(project, parsed, parsed.flags.get('query')?.at(-1));
    if (format === 'segments-csv' || format === 'segments-xlsx') {
      const rows = segmentRows(project, segments);
      content = format === 'segments-csv' ? segmentRowsToCsv(project, rows) : await segmentsXlsx(project, rows);
      summary = `${segments.length} segments`;
    } else if (format === 'segments-docx') {
      const query = parsed.flags.get('query')?.at(-1) ?? parsed.flags.get('saved')?.at(-1);
      const t0 = performance.now();
      content = await segmentsDocx(project, segmentRows(project, segments), parsed.flags.get('title')?.at(-1) ?? (query ? `Coded segments: ${query}` : 'Coded segments'));
      if (process.env.QDA_TIMINGS === '1') io.stderr(`qda-timing segments-docx ${(performance.now() - t0).toFixed(2)}\n`);
      summary = `${segments.length} segments`;
    } else if (format === 'chart-svg') {
      const o = chartOptions(parsed);
      const c = cooccurrence(segments);
      content = await heatmapSvg(c, { title: o.title ?? `Co-occurrence (${o.measure === 'sameTurn' ? 'same turn' : 'overlapping'} codings)`, measure: o.measure, top: o.top, theme: o.theme });
      summary = `heat map of ${o.top > 0 ? Math.min(o.top, c.codes.length) : c.codes.length} of ${c.codes.length} codes`;
    } else {
      const c = cooccurrence(segments);
      content = format === 'cooccur-xlsx' ? await cooccurrenceXlsx(c) : cooccurrenceToCsv(c);
      summary = `${c.codes.length} codes, ${c.pairs.length} pairs`;
    }
  }
  if (!outArg) {
    io.stdout(String(content).replace(/^\uFEFF/, ''));
    return 0;
  }
  const out = checkOutFile(outArg, format, io, project);
  await writeFileAtomic(out, content);
  io.stderr(`Wrote ${outArg} (${summary}).\n`);
  return 0;
}
