// `qda stats [--json] [folder]`: documents, words, informants, codes, categories, codings per coder.
import { loadProject, parseArgs, type CliIo } from './io';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args, ['json']);
  const project = await loadProject(positional[0], io);
  const stats = project.stats();
  if (flags.has('json')) {
    io.stdout(JSON.stringify(stats, null, 2) + '\n');
    return 0;
  }
  const rows: Array<[string, string | number]> = [
    ['documents', stats.documents],
    ['words', stats.words],
    ['informants', stats.informants],
    ['codes', stats.codes],
    ['categories', stats.categories],
    ['memos', stats.memos],
    ['chapters', stats.chapters],
    ['codings', stats.codings],
  ];
  for (const [coder, n] of Object.entries(stats.codingsPerCoder).sort()) rows.push([`  by ${coder}`, n]);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) io.stdout(`${k.padEnd(width)}  ${v}\n`);
  return 0;
}
