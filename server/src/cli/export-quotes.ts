// `qda export quotes-docx|quotes-md [--out FILE] [folder]`: the quote bank — coded segments
// grouped by theme › code with informant and transcript reference — as Word or Markdown.
import * as path from 'node:path';
import { CliError, loadProject, parseArgs, writeFileAtomic, type CliIo } from './io';
import { quoteBankDocx, quoteBankMarkdown } from '../core/export/quoteBank';

export const FORMATS = ['quotes-docx', 'quotes-md'] as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args);
  const [format, folder] = positional;
  if (!format || !(FORMATS as readonly string[]).includes(format)) {
    throw new CliError(`unknown export format '${format ?? ''}'; this build exports: ${FORMATS.join(', ')}`);
  }
  const project = await loadProject(folder, io);
  const outArg = flags.get('out')?.at(-1);
  if (format === 'quotes-md') {
    const { text, segments } = quoteBankMarkdown(project);
    if (!outArg) {
      io.stdout(text);
      return 0;
    }
    const out = path.resolve(io.cwd, outArg);
    await write(out, text);
    io.stderr(`Wrote ${outArg} (${segments} coded segments).\n`);
    return 0;
  }
  const out = path.resolve(io.cwd, outArg ?? 'quote-bank.docx');
  const { bytes, segments } = await quoteBankDocx(project);
  await write(out, bytes);
  // The same line as every export, on stderr as for the others (stdout stays for content).
  io.stderr(`Wrote ${path.relative(io.cwd, out) || out} (${segments} coded segments).\n`);
  return 0;
}

async function write(file: string, content: string | Uint8Array): Promise<void> {
  await writeFileAtomic(file, content);
}
