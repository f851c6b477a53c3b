// `qda export FORMAT [folder] [--out FILE]`: the codebook as an appendix (codebook-md,
// codebook-docx) or a table (csv). Text goes to stdout without --out; .docx needs --out.
// The quote bank formats (quotes-docx, quotes-md) are handled by cli/export-quotes.ts.
import { exportCodebook, type CodebookExportFormat } from '../core/export/exportCodebook';
import { checkOutFile, CliError, loadProject, parseExportArgs, writeFileAtomic, type CliIo } from './io';
import { FORMATS as QUOTE_FORMATS, run as quotes } from './export-quotes';
import { FORMATS as AGREEMENT_FORMATS, run as agreement } from './export-agreement';
import { FORMATS as ANALYSIS_FORMATS, run as analysis } from './export-analysis';
import { FORMATS as REFI_FORMATS, run as refi } from './export-refi';
import { FORMATS as REVIEW_FORMATS, run as review } from './export-review';

const FORMATS: readonly CodebookExportFormat[] = ['codebook-md', 'codebook-docx', 'csv'];

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseExportArgs(args);
  const [format, folder] = positional;
  const all = [...FORMATS, ...QUOTE_FORMATS, ...AGREEMENT_FORMATS, ...ANALYSIS_FORMATS, ...REFI_FORMATS, ...REVIEW_FORMATS];
  if (format && (QUOTE_FORMATS as readonly string[]).includes(format)) return quotes(args, io);
  if (format && (AGREEMENT_FORMATS as readonly string[]).includes(format)) return agreement(args, io);
  if (format && (ANALYSIS_FORMATS as readonly string[]).includes(format)) return analysis(args, io);
  if (format && (REFI_FORMATS as readonly string[]).includes(format)) return refi(args, io);
  if (format && (REVIEW_FORMATS as readonly string[]).includes(format)) return review(args, io);
  if (!format) throw new CliError(`which format? ${all.join(', ')}`);
  if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`unknown export format '${format}'; available: ${all.join(', ')}`);
  const outArg = flags.get('out')?.at(-1);
  if (format === 'codebook-docx' && !outArg) throw new CliError('codebook-docx writes a Word file: give --out FILE.docx');
  if (outArg) checkOutFile(outArg, format, io);
  const project = await loadProject(folder, io);
  if (!project.hasFile(project.codebook.path)) throw new CliError(`${project.codebook.path}: no codebook in this project`);
  const { content } = await exportCodebook(project, format as CodebookExportFormat);
  if (!outArg) {
    io.stdout(typeof content === 'string' ? content.replace(/^\uFEFF/, '') : Buffer.from(content).toString('base64'));
    return 0;
  }
  const out = checkOutFile(outArg, format, io, project);
  await writeFileAtomic(out, content);
  const codes = project.codebook.codes.length;
  io.stderr(`Wrote ${outArg} (${codes} codes, ${project.codebook.categories.length} categories).\n`);
  return 0;
}
