// `qda export quotes-docx|quotes-md [--out FILE] [folder]`: the quote bank — coded segments
// grouped by theme › code with informant and transcript reference — as Word or Markdown.
import * as path from 'node:path';
import { checkOutFile, CliError, loadProject, parseExportArgs, writeFileAtomic, type CliIo } from './io';
import { quoteBankDocx, quoteBankMarkdown } from '../core/export/quoteBank';

export const FORMATS = ['quotes-docx', 'quotes-md'] as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseExportArgs(args);
  const [format, folder] = positional;
  if (!format || !(FORMATS as readonly string[]).includes(format)) {
    throw new CliError(`unknown export format '${format ?? ''}'; this build exports: ${FORMATS.join(', ')}`);
  }
  const outArg = flags.get('out')?.at(-1);
  if (outArg) checkOutFile(outArg, format, io);
  const project = await loadProject(folder, io);
  if (format === 'quotes-md') {
    const { text, segments } = quoteBankMarkdown(project);
    if (!outArg) {
      io.stdout(text);
      return 0;
    }
    const out = checkOutFile(outArg, format, io, project);
    await write(out, text);
    io.stderr(`Wrote ${outArg} (${segments} coded segments).\n`);
    return 0;
  }
  const out = checkOutFile(outArg ?? 'quote-bank.docx', format, io, project);
  const { bytes, segments } = await quoteBankDocx(project);
  await write(out, bytes);
  // The same line as every export, on stderr as for the others (stdout stays for content).
  io.stderr(`Wrote ${path.relative(io.cwd, out) || out} (${segments} coded segments).\n`);
  return 0;
}

async function write(file: string, content: string | Uint8Array): Promise<void> {
  await writeFileAtomic(file, content);
}
