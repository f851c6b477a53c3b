// `qda query EXPR | --saved NAME [--scope overlap|turn|N] [--by informant|code|doc] [--coder NAME]
// [--informant CODE] [--attribute NAME=VALUE] [--doc PATH] [--without-children] [--json] [folder]`
import { segmentText } from '../core/analysis/segments';
import { selectSegments, timed } from './analysis';
import { CliError, loadProject, parseArgs, type CliIo } from './io';
import { QUERY } from './options';

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, QUERY);
  // With --saved NAME the query comes from qda.yaml, and the one positional is the folder.
  const saved = parsed.flags.has('saved');
  const [expression, folder] = saved ? [undefined, parsed.positional[0]] : parsed.positional;
  if (!expression && !saved) throw new CliError('give a query, e.g. qda query \'"Tid og kø" AND NOT Ledelse\'');
  const project = await loadProject(folder, io);
  const segments = timed(io, 'query', project, () => selectSegments(project, parsed, expression));
  if (parsed.flags.has('json')) {
    io.stdout(JSON.stringify(segments.map((s) => ({ doc: s.doc, start: s.start, end: s.end, code: s.code, coder: s.coder, informant: s.informant, text: segmentText(project, s) })), null, 2) + '\n');
    return 0;
  }
  const by = parsed.flags.get('by')?.at(-1) ?? 'informant';
  if (!['informant', 'code', 'doc'].includes(by)) throw new CliError(`--by is informant, code or doc, not '${by}'`);
  const groups = new Map<string, typeof segments>();
  for (const s of segments) {
    const key = by === 'code' ? s.code : by === 'doc' ? s.doc : (s.informant ?? '(interviewer)');
    const list = groups.get(key) ?? [];
    list.push(s);
    groups.set(key, list);
  }
  for (const key of [...groups.keys()].sort((a, b) => a.localeCompare(b))) {
    const list = groups.get(key)!;
    io.stdout(`${key} (${list.length})\n`);
    for (const s of list) {
      const text = segmentText(project, s).replace(/\s+/g, ' ');
      io.stdout(`  ${s.doc}:${s.start}-${s.end}  ${by === 'code' ? (s.informant ?? '-') : s.code}  [${s.coder}]  ${text.length > 100 ? text.slice(0, 99) + '…' : text}\n`);
    }
  }
  io.stdout(`${segments.length} segment(s)\n`);
  return 0;
}
