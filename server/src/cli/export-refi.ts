// `qda export qdpx|qdc [--out FILE] [folder]`: the project as a REFI-QDA project (.qdpx) or its
// codebook as a REFI-QDA codebook (.qdc), for NVivo, ATLAS.ti, MAXQDA and QualCoder.
import * as path from 'node:path';
import { writeFileAtomic } from '../nodeFs';
import { buildRefiCodebook, exportQdpx } from '../core/refi/exportProject';
import { NODE_ZIP_CODEC } from '../nodeZip';
import { checkOutFile, CliError, loadProject, parseExportArgs, type CliIo } from './io';

export const FORMATS = ['qdpx', 'qdc'] as const;

/** Under QDA_TIMINGS=1, `qda-timing <step> <ms>` on stderr for bench/run.mjs (and the RSS so far). */
export function timer(io: CliIo): (step: string) => void {
  let t = performance.now();
  return (step) => {
    if (process.env.QDA_TIMINGS !== '1') return;
    const now = performance.now();
    // maxRSS (KB): the process's peak so far, what the bench budgets (issue 19: ≤ 500 MB).
    io.stderr(`qda-timing ${step} ${(now - t).toFixed(2)}\nqda-timing ${step}-peak-rss-mb ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}\n`);
    t = now;
  };
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseExportArgs(args);
  const time = timer(io);
  const [format, folder] = positional;
  const outArg = flags.get('out')?.at(-1);
  if (format === 'qdpx' && !outArg) throw new CliError('qdpx writes a zip archive: give --out FILE.qdpx');
  if (outArg) checkOutFile(outArg, format, io);
  const project = await loadProject(folder, io);
  const out = outArg ? checkOutFile(outArg, format, io, project) : undefined;
  time('refi-export-load');
  const root = path.resolve(io.cwd, folder ?? '.');
  const name = project.codebook.title ?? path.basename(root);
  if (format === 'qdc') {
    const { xml, codes, warnings } = buildRefiCodebook(project);
    if (codes === 0) throw new CliError(`${project.codebook.path}: no codes to export (a .qdc needs at least one)`);
    for (const w of warnings) io.stderr(`warning: ${w}\n`);
    if (!outArg) {
      io.stdout(xml);
      return 0;
    }
    await writeFileAtomic(out!, xml);
    io.stderr(`Wrote ${outArg} (${codes} codes).\n`);
    return 0;
  }
  const { bytes, result } = exportQdpx(project, name, NODE_ZIP_CODEC);
  time('refi-export-build');
  for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
  await writeFileAtomic(out!, bytes);
  time('refi-export-write');
  const c = result.counts;
  io.stderr(`Wrote ${outArg} (${c.sources} transcripts, ${c.codes} codes, ${c.selections} codings by ${c.users} coders, ${c.cases} cases, ${c.notes} notes).\n`);
  return 0;
}
