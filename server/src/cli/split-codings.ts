// `qda split-codings [--dry-run] [folder]`: moves the codings of the old one-file-per-coder
// layout (.qda/codings/<coder>.jsonl) into the per-transcript files new codings go to.
import { applySplitPlan, planSplitCodings } from '../core/ops/splitCodings';
import { loadProject, parseArgs, type CliIo } from './io';
import { SPLIT_CODINGS } from './options';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args, SPLIT_CODINGS);
  const project = await loadProject(positional[0], io);
  const plan = planSplitCodings(project);
  if (plan.files.length === 0) {
    io.stdout('No .qda/codings/<coder>.jsonl files: the codings are already one file per coder and transcript.\n');
    return 0;
  }
  const dry = flags.has('dry-run');
  for (const f of plan.files) {
    if (f.refused) io.stderr(`${f.path}: not split — ${f.refused}\n`);
    else {
      const fate = f.kept === 0 ? (dry ? 'would be removed' : 'removed') : `keeps ${f.kept} line(s) whose "doc" is not a plain relative path`;
      io.stdout(`${f.path}: ${f.moved} coding(s) ${dry ? 'would move' : 'moved'} to .qda/codings/${f.path.slice('.qda/codings/'.length, -'.jsonl'.length)}/…; ${fate}\n`);
    }
  }
  if (!dry) await applySplitPlan(project, plan);
  io.stdout(`${dry ? 'Would write' : 'Wrote'} ${plan.writes.size} per-transcript file(s).\n`);
  return plan.files.some((f) => f.refused) ? 1 : 0;
}
