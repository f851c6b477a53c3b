// `qda export matrix-csv [matrix's options] | segments-csv [--query EXPR] [filters] | cooccur-csv
// [--out FILE] [folder]`: the analysis tables for a spreadsheet.
import * as path from 'node:path';
import { cooccurrence, cooccurrenceToCsv } from '../core/analysis/cooccur';
import { matrixToCsv } from '../core/analysis/matrix';
import { segmentRows, segmentRowsToCsv } from '../core/analysis/segmentTable';
import { selectSegments } from './analysis';
import { loadProject, parseArgs, writeFileAtomic, type CliIo } from './io';
import { matrixFromArgs } from './matrix';

export const FORMATS = ['matrix-csv', 'segments-csv', 'cooccur-csv'] as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, ['json', 'without-children']);
  const [format, folder] = parsed.positional;
  let content: string;
  let summary: string;
  if (format === 'matrix-csv') {
    const { matrix } = await matrixFromArgs(parsed, folder, io);
    content = matrixToCsv(matrix);
    summary = `${matrix.rows.length} rows × ${matrix.columns.length} columns, ${matrix.count}`;
  } else {
    const project = await loadProject(folder, io);
    const segments = selectSegments(project, parsed, parsed.flags.get('query')?.at(-1));
    if (format === 'segments-csv') {
      content = segmentRowsToCsv(project, segmentRows(project, segments));
      summary = `${segments.length} segments`;
    } else {
      const c = cooccurrence(segments);
      content = cooccurrenceToCsv(c);
      summary = `${c.codes.length} codes, ${c.pairs.length} pairs`;
    }
  }
  const outArg = parsed.flags.get('out')?.at(-1);
  if (!outArg) {
    io.stdout(content.replace(/^\uFEFF/, ''));
    return 0;
  }
  const out = path.resolve(io.cwd, outArg);
  await writeFileAtomic(out, content);
  io.stderr(`Wrote ${outArg} (${summary}).\n`);
  return 0;
}
