// `qda matrix [--rows themes|groups|codes] [--cols informants|ATTRIBUTE] [--count codings|informants|words]
// [--query EXPR] [--coder NAME] … [--json] [folder]`: code-by-case counts.
import { buildMatrix, type Matrix, type MatrixCount, type MatrixRows } from '../core/analysis/matrix';
import type { Project } from '../core/project/project';
import type { AnalysisSegment } from '../core/analysis/segments';
import { selectSegments, timed } from './analysis';
import { CliError, loadProject, parseArgs, type CliIo, type ParsedArgs } from './io';
import { MATRIX } from './options';

export async function matrixFromArgs(parsed: ParsedArgs, folder: string | undefined, io: CliIo): Promise<{ project: Project; matrix: Matrix; segments: () => AnalysisSegment[] }> {
  const rows = (parsed.flags.get('rows')?.at(-1) ?? 'codes') as MatrixRows;
  if (!['themes', 'groups', 'codes'].includes(rows)) throw new CliError(`--rows is themes, groups or codes, not '${rows}'`);
  const count = (parsed.flags.get('count')?.at(-1) ?? 'codings') as MatrixCount;
  if (!['codings', 'informants', 'words'].includes(count)) throw new CliError(`--count is codings, informants or words, not '${count}'`);
  const cols = parsed.flags.get('cols')?.at(-1) ?? 'informants';
  const project = await loadProject(folder, io);
  if (cols !== 'informants' && !Object.values(project.config.informants).some((a) => cols in a)) {
    const known = [...new Set(Object.values(project.config.informants).flatMap((a) => Object.keys(a)))].sort();
    throw new CliError(`no informant in qda.yaml has the attribute '${cols}'; attributes: ${known.join(', ') || 'none'}`);
  }
  // One coder or all, no other filter: the kept analysis answers (the counts the views show);
  // the segments are asked for only by the framework mode, which needs each cell's first one.
  let selected: AnalysisSegment[] | undefined;
  const segments = (): AnalysisSegment[] => (selected ??= selectSegments(project, parsed, parsed.flags.get('query')?.at(-1)));
  const matrix = timed(io, 'matrix', project, () => buildMatrix(project, segments(), { rows, cols, count }));
  return { project, matrix, segments };
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, MATRIX);
  const { matrix } = await matrixFromArgs(parsed, parsed.positional[0], io);
  if (parsed.flags.has('json')) {
    io.stdout(JSON.stringify({ columns: matrix.columns, rows: matrix.rows.map(({ name, kind, cells, total }) => ({ name, kind, cells, total })) }, null, 2) + '\n');
    return 0;
  }
  const table = [['', ...matrix.columns, 'total'], ...matrix.rows.map((r) => ['  '.repeat(r.depth) + r.name, ...matrix.columns.map((c) => String(r.cells[c] || '·')), String(r.total)])];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => [...r[i]].length)));
  for (const r of table) io.stdout(r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ').trimEnd() + '\n');
  return 0;
}
