// `qda import PROJECT.qdpx --out DIR [--language nb|en]`: a REFI-QDA project (NVivo, ATLAS.ti,
// MAXQDA, QualCoder) as a new Thesis QDA project folder. Everything is read and converted in
// memory first; the files are written to a temporary folder beside DIR that is renamed into
// place at the end, so a failed import leaves DIR as it was (absent or empty).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { importQdpx, RefiError } from '../core/refi/importProject';
import { CliError, parseArgs, type CliIo } from './io';

export function isRefiFile(file: string): boolean {
  return /\.qdpx$/i.test(file);
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args);
  const [file, ...rest] = positional;
  if (!file || rest.length > 0) throw new CliError('usage: qda import PROJECT.qdpx --out DIR [--language nb|en]');
  const outArg = flags.get('out')?.at(-1);
  if (!outArg) throw new CliError(`${file}: give --out DIR, a new folder for the imported project`);
  const language = flags.get('language')?.at(-1);
  if (language !== undefined && language !== 'nb' && language !== 'en') throw new CliError(`--language must be nb or en (got ${language})`);
  const target = path.resolve(io.cwd, outArg);
  const existing = await fsp.readdir(target).catch(() => undefined);
  if (existing && existing.length > 0) throw new CliError(`${outArg}: the folder exists and is not empty; give a new folder`);
  let bytes: Uint8Array;
  try {
    bytes = await fsp.readFile(path.resolve(io.cwd, file));
  } catch (err) {
    throw new CliError(`${file}: ${(err as Error).message}`);
  }
  let result;
  try {
    result = importQdpx(bytes, { language: language as 'nb' | 'en' | undefined });
  } catch (err) {
    if (err instanceof RefiError) throw new CliError(`${file}: ${err.message}`);
    throw err;
  }
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.qda-import-${process.pid}.tmp`);
  try {
    await fsp.rm(tmp, { recursive: true, force: true });
    for (const [rel, content] of result.files) {
      const abs = path.join(tmp, ...rel.split('/'));
      await fsp.mkdir(path.dirname(abs), { recursive: true });
      await fsp.writeFile(abs, content);
    }
    if (existing) await fsp.rmdir(target);
    await fsp.rename(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw new CliError(`${outArg}: could not write the project: ${(err as Error).message}`);
  }
  for (const s of result.skipped) io.stderr(`not imported: ${s}\n`);
  const c = result.counts;
  io.stderr(`Imported ${file} into ${outArg}: ${c.transcripts} transcripts, ${c.codes} codes, ${c.codings} codings, ${c.memos} memos, ${c.informants} informants${result.skipped.length ? `; ${result.skipped.length} items not imported (listed above)` : ''}.\n`);
  return 0;
}
