// `qda import codebook.qdc [--project DIR] [--rename | --replace]`: a REFI-QDA codebook merged into
// a project's codebook.md, or replacing it (codes that codings still name are kept).
// `qda import PROJECT.qdpx --out DIR [--language nb|en]`: a REFI-QDA project (NVivo, ATLAS.ti,
// MAXQDA, QualCoder) as a new Thesis QDA project folder. Everything is read and converted in
// memory first; the files are written to a temporary folder beside DIR that is renamed into
// place at the end, so a failed import leaves DIR as it was (absent or empty).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../nodeFs';
import { importQdpx, mergeQdc, RefiError } from '../core/refi/importProject';
import { configWithColors } from '../core/refi/importCodebook';
import { NODE_ZIP_CODEC } from '../nodeZip';
import { codingCounts, readRefiFile, targetProblem, writeNewProject } from '../refiNode';
import { timer } from './export-refi';
import { CliError, loadProject, parseArgs, type CliIo } from './io';
import { IMPORT_REFI } from './options';

export function isRefiFile(file: string): boolean {
  return /\.qdpx$/i.test(file);
}

/** `qda import codebook.qdc [--project DIR] [--rename | --replace]`: merged into (or replacing) the project's codebook.md. */
async function runQdc(file: string, flags: Map<string, string[]>, io: CliIo): Promise<number> {
  const folder = flags.get('project')?.at(-1);
  // A folder without qda.yaml or codebook.md is fine: the import makes its codebook.md.
  const project = await loadProject(folder, io, { requireProject: false });
  const root = path.resolve(io.cwd, folder ?? '.');
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(await fsp.readFile(path.resolve(io.cwd, file)));
  } catch (err) {
    throw new CliError(`${file}: ${err instanceof TypeError ? 'not UTF-8 text' : (err as Error).message}`);
  }
  const replace = flags.has('replace');
  if (replace && flags.has('rename')) throw new CliError('--rename and --replace exclude each other: --replace takes every name from the .qdc');
  const codebookPath = project.codebook.path;
  const before = project.textOf(codebookPath) ?? '';
  let merged;
  try {
    merged = mergeQdc(xml, file, before, project.codebook, { rename: flags.has('rename'), replace, codingCounts: replace ? codingCounts(project) : undefined, language: project.config.language });
  } catch (err) {
    if (err instanceof RefiError) throw new CliError(`${file}: ${err.message}`);
    throw err;
  }
  // Colours go to qda.yaml, edited in place (comments kept); a qda.yaml that does not parse is
  // never rewritten.
  const configFile = path.join(root, 'qda.yaml');
  const config = configWithColors(await fsp.readFile(configFile, 'utf8').catch(() => ''), merged.colors);
  if (config.error) throw new CliError(config.error);
  const configText = config.text;
  await writeFileAtomic(path.join(root, ...codebookPath.split('/')), merged.text);
  if (configText !== undefined) await writeFileAtomic(configFile, configText);
  for (const s of merged.skipped) io.stderr(`not imported: ${s}\n`);
  if (replace) {
    for (const k of merged.kept) io.stderr(`kept: ${k}\n`);
    if (merged.removed.length > 0) io.stderr(`removed (no coding names them): ${merged.removed.join(', ')}\n`);
    io.stderr(`Replaced the codebook in ${codebookPath} with ${file}: ${merged.added} codes (${merged.addedNames.length} new, ${merged.replaced.length} redefined), ${merged.kept.length} kept because codings name them, ${merged.removed.length} removed.\n`);
    return 0;
  }
  io.stderr(`Merged ${file} into ${codebookPath}: ${merged.added} codes added${merged.skipped.length ? `, ${merged.skipped.length} reported above` : ''}.\n`);
  return 0;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args, IMPORT_REFI);
  const [file, ...rest] = positional;
  if (file && /\.qdc$/i.test(file) && rest.length === 0) return runQdc(file, flags, io);
  if (!file || rest.length > 0) throw new CliError('usage: qda import PROJECT.qdpx --out DIR [--language nb|en]');
  const outArg = flags.get('out')?.at(-1);
  if (!outArg) throw new CliError(`${file}: give --out DIR, a new folder for the imported project`);
  const language = flags.get('language')?.at(-1);
  if (language !== undefined && language !== 'nb' && language !== 'en') throw new CliError(`--language must be nb or en (got ${language})`);
  const target = path.resolve(io.cwd, outArg);
  const problem = await targetProblem(target, outArg);
  if (problem) throw new CliError(problem);
  const time = timer(io);
  const bytes = await readRefiFile(path.resolve(io.cwd, file), file);
  if (typeof bytes === 'string') throw new CliError(bytes);
  let result;
  try {
    result = importQdpx(bytes, { language: language as 'nb' | 'en' | undefined, codec: NODE_ZIP_CODEC });
  } catch (err) {
    if (err instanceof RefiError) throw new CliError(`${file}: ${err.message}`);
    throw err;
  }
  time('refi-import-convert');
  try {
    await writeNewProject(target, result.files);
  } catch (err) {
    throw new CliError(`${outArg}: could not write the project: ${(err as Error).message}`);
  }
  time('refi-import-write');
  for (const s of result.skipped) io.stderr(`not imported: ${s}\n`);
  const c = result.counts;
  io.stderr(`Imported ${file} into ${outArg}: ${c.transcripts} transcripts, ${c.codes} codes, ${c.codings} codings, ${c.memos} memos, ${c.informants} informants${result.skipped.length ? `; ${result.skipped.length} items not imported (listed above)` : ''}.\n`);
  return 0;
}
