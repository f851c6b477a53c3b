// `qda cooccur [--coder NAME] [--informant CODE] [--attribute NAME=VALUE] [--json] [folder]`:
// pairs of codes whose codings overlap in the text or share a speaker turn.
import { cooccurrence } from '../core/analysis/cooccur';
import { selectSegments, timed } from './analysis';
import { loadProject, parseArgs, type CliIo } from './io';
import { COOCCUR } from './options';

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, COOCCUR);
  const project = await loadProject(parsed.positional[0], io);
  const result = timed(io, 'cooccur', project, () => cooccurrence(selectSegments(project, parsed, parsed.flags.get('query')?.at(-1))));
  if (parsed.flags.has('json')) {
    io.stdout(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  const pairs = [...result.pairs].sort((x, y) => y.overlapping - x.overlapping || y.sameTurn - x.sameTurn || x.a.localeCompare(y.a));
  const rows = [['code', 'code', 'overlapping', 'same turn'], ...pairs.map((p) => [p.a, p.b, String(p.overlapping), String(p.sameTurn)])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  for (const r of rows) io.stdout(r.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ').trimEnd() + '\n');
  return 0;
}
