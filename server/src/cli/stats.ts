// `qda stats [--json] [--codes] [folder]`: documents, words, informants, codes, categories,
// codings per coder; with --codes also each code's codings and informants (the counts the
// Codebook tree and the codebook export show, from the files alone).
import { loadProject, parseArgs, type CliIo } from './io';
import { STATS } from './options';
import { loadReviewState } from '../core/review/reviewWrite';
import { reviewItems } from '../core/review/reviewItems';
import { itemStatus } from '../core/review/reviewState';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args, STATS);
  const project = await loadProject(positional[0], io);
  const stats = project.stats();
  const perCode = flags.has('codes')
    ? project.codebook.codes.map((c) => {
        const n = project.countsOfCode(c.name);
        return { name: c.name, codings: n.codings, informants: n.informants.length };
      })
    : undefined;
  // Review status of every theme, group and code, and the open comment threads (issue 20).
  const { state } = await loadReviewState(project.fs);
  const review = { proposed: 0, 'needs-work': 0, agreed: 0, openThreads: state.threads.filter((t) => !t.resolved).length };
  for (const item of reviewItems(project.codebook).values()) review[itemStatus(state, item.name, item.definition).status]++;
  if (flags.has('json')) {
    io.stdout(JSON.stringify(perCode ? { ...stats, review, perCode } : { ...stats, review }, null, 2) + '\n');
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
  rows.push(['review', `${review.agreed} agreed · ${review['needs-work']} need work · ${review.proposed} proposed · ${review.openThreads} open threads`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) io.stdout(`${k.padEnd(width)}  ${v}\n`);
  if (perCode) {
    io.stdout('\n');
    const w = Math.max(...perCode.map((c) => c.name.length));
    for (const c of perCode) io.stdout(`${c.name.padEnd(w)}  ${c.codings} codings · ${c.informants} informants\n`);
  }
  return 0;
}
