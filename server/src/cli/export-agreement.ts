// `qda export agreement-md|agreement-docx|agreement-csv --coders A,B [agree's options] [--out FILE] [folder]`:
// the agreement table for the method chapter, with the definitions and the commit compared.
import { agreementToCsv, agreementToDocx, agreementToMarkdown } from '../core/analysis/agreementReport';
import { agreementFromArgs } from './agree';
import { checkOutFile, CliError, parseExportArgs, writeFileAtomic, type CliIo } from './io';

export const FORMATS = ['agreement-md', 'agreement-docx', 'agreement-csv'] as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseExportArgs(args);
  const [format, folder] = parsed.positional;
  const outArg = parsed.flags.get('out')?.at(-1);
  if (format === 'agreement-docx' && !outArg) throw new CliError('agreement-docx writes a Word file: give --out FILE.docx');
  if (outArg) checkOutFile(outArg, format, io);
  const { report, project, meta } = await agreementFromArgs(parsed, folder, io);
  const language = project.config.language;
  const content = format === 'agreement-docx' ? await agreementToDocx(report, meta, language) : format === 'agreement-csv' ? agreementToCsv(report) : agreementToMarkdown(report, meta, language);
  if (!outArg) {
    io.stdout(typeof content === 'string' ? content.replace(/^\uFEFF/, '') : '');
    return 0;
  }
  const out = checkOutFile(outArg, format, io, project);
  await writeFileAtomic(out, content);
  io.stderr(`Wrote ${outArg} (${report.codes.length} codes, ${report.documents.length} transcripts, unit ${report.unit}).\n`);
  return 0;
}
