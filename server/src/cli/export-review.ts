// `qda export theme-report-html|theme-report-docx [--segments N] [--out FILE] [folder]`: the
// themes with their codes, counts, segments and open review threads, for a supervisor who does
// not use VS Code. HTML goes to stdout without --out; .docx needs --out.
import { loadReviewState } from '../core/review/reviewWrite';

import { LineIndex } from '../core/text/text';
import { themeReport } from '../core/review/themeReport';
import { themeReportHtml } from '../core/review/themeReportHtml';
import { themeReportDocx } from '../core/review/themeReportDocx';
import { checkOutFile, CliError, loadProject, parseExportArgs, writeFileAtomic, type CliIo } from './io';

export const FORMATS = ['theme-report-html', 'theme-report-docx'] as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseExportArgs(args);
  const [format, folder] = positional;
  const outArg = flags.get('out')?.at(-1);
  if (format === 'theme-report-docx' && !outArg) throw new CliError('theme-report-docx writes a Word file: give --out FILE.docx');
  const perCode = flags.get('segments')?.at(-1);
  const segmentsPerCode = perCode === undefined ? undefined : Number(perCode);
  if (segmentsPerCode !== undefined && !(Number.isInteger(segmentsPerCode) && segmentsPerCode >= 0)) throw new CliError('--segments must be a whole number (segments per code)');
  if (outArg) checkOutFile(outArg, format, io);
  const project = await loadProject(folder, io);
  const { state } = await loadReviewState(project.fs);
  const report = themeReport(project, state, { segmentsPerCode });
  const texts = new Map<string, LineIndex>();
  for (const t of report.passageThreads) if (!('item' in t.on) && !texts.has(t.on.doc)) texts.set(t.on.doc, new LineIndex((await project.fs.readText(t.on.doc)) ?? ''));
  const lineOf = (doc: string, offset: number) => texts.get(doc)?.positionAt(offset).line ?? 0;
  const content = format === 'theme-report-docx' ? await themeReportDocx(report, lineOf) : themeReportHtml(report, lineOf);
  if (!outArg) {
    io.stdout(typeof content === 'string' ? content : '');
    return 0;
  }
  await writeFileAtomic(checkOutFile(outArg, format, io, project), content);
  io.stderr(`Wrote ${outArg} (${report.totals.themes} themes, ${report.totals.codes} codes, ${report.totals.segments} segments, ${report.totals.openThreads} open threads).\n`);
  return 0;
}
